/**
 * Removing what gestvenv made in an environment directory that the user chose (`create --path`),
 * and nothing else: the PEP 405 layout gestvenv writes (`pyvenv.cfg`, interpreter links,
 * activation scripts, marker, lock) and every file an installed distribution's `RECORD` lists
 * (PEP 376), with their `.dist-info` directories and compiled `__pycache__` files. Files the user
 * added stay, and so do the directories that hold them.
 *
 * @module
 */
import {
  readBrokenDistributions,
  readInstalledDistributions,
  readRecord,
} from "../distribution/mod.ts";
import { pathExists } from "../fs/mod.ts";
import { join, normalize } from "../paths/mod.ts";
import { ACTIVATOR_FILES, BIN_NAME, inspectVirtualenv } from "../virtualenv/mod.ts";
import { ENVIRONMENT_MARKER_FILE } from "./environment_marker.ts";

/** What {@linkcode removeEnvironmentFiles} did. */
export interface RemovedFiles {
  /** Files and links removed. */
  removed: number;
  /** Files left because gestvenv did not make them, relative to the root. */
  kept: string[];
  /** Whether the root directory itself was removed (it became empty). */
  rootRemoved: boolean;
}

const ROOT_FILES = [
  "pyvenv.cfg",
  ".gitignore",
  ENVIRONMENT_MARKER_FILE,
  "pylock.toml",
  "lib64",
];
const INTERPRETER_LINK = /^(python|pypy|graalpy)[\d.]*t?(\.exe)?$|^pythonw(\.exe)?$/;

async function within(root: string, path: string): Promise<boolean> {
  // The parent must really be inside the root: a symlinked directory must not lead us outside.
  const parent = path.slice(0, path.lastIndexOf("/")) || "/";
  const real = await Deno.realPath(parent).catch(() => undefined);
  return real !== undefined && (real === root || real.startsWith(root + "/"));
}

async function ownedPaths(root: string): Promise<{ files: Set<string>; dirs: Set<string> }> {
  const files = new Set<string>(ROOT_FILES.map((f) => join(root, f)));
  const dirs = new Set<string>();
  const binDir = join(root, BIN_NAME);
  for (const name of ACTIVATOR_FILES) files.add(join(binDir, name));
  try {
    for await (const entry of Deno.readDir(binDir)) {
      if (INTERPRETER_LINK.test(entry.name)) files.add(join(binDir, entry.name));
    }
  } catch { /* no scripts directory */ }
  const layout = await inspectVirtualenv(root);
  const sites = layout?.sitePackages ?? [];
  const dists = [
    ...(await readInstalledDistributions(sites)),
    ...(await readBrokenDistributions(sites)),
  ];
  for (const dist of dists) {
    dirs.add(dist.dist_info);
    const site = dist.dist_info.slice(0, dist.dist_info.lastIndexOf("/"));
    for (const row of (await readRecord(dist.dist_info)) ?? []) {
      const path = normalize(`${site}/${row.path}`);
      if (!path.startsWith(root + "/")) continue; // a RECORD that points outside: ignored
      files.add(path);
      const m = /^(.*)\/([^/]+)\.py$/.exec(path);
      if (m !== null) files.add(`${m[1]}/__pycache__/${m[2]}.pyc`); // compiled (prefix match below)
    }
  }
  return { files, dirs };
}

/**
 * Removes gestvenv's files from the environment at `root` (see the module documentation), then
 * every directory left empty, the root included. Requires `--allow-read` and `--allow-write`.
 *
 * @returns Counts and the files kept.
 */
export async function removeEnvironmentFiles(root: string): Promise<RemovedFiles> {
  const realRoot = await Deno.realPath(root);
  const { files, dirs } = await ownedPaths(realRoot);
  const compiled = [...files].filter((f) => f.endsWith(".pyc") && f.includes("/__pycache__/"))
    .map((f) => f.slice(0, -".pyc".length) + ".");
  let removed = 0;
  for (const dir of dirs) {
    if (await within(realRoot, dir) && await pathExists(dir)) {
      await Deno.remove(dir, { recursive: true });
      removed++;
    }
  }
  const kept: string[] = [];
  const walk = async (dir: string): Promise<boolean> => {
    let empty = true;
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory && !entry.isSymlink) {
        if (await walk(path)) await Deno.remove(path);
        else empty = false;
        continue;
      }
      const pyc = entry.name.endsWith(".pyc") && compiled.some((p) => path.startsWith(p));
      if (files.has(path) || pyc) {
        await Deno.remove(path);
        removed++;
      } else {
        kept.push(path.slice(realRoot.length + 1));
        empty = false;
      }
    }
    return empty;
  };
  const rootEmpty = await walk(realRoot);
  if (rootEmpty) await Deno.remove(realRoot);
  return { removed, kept: kept.sort(), rootRemoved: rootEmpty };
}
