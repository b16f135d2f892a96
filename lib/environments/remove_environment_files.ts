/**
 * Removing what gestvenv made in an environment directory that the user chose (`create --path`),
 * and nothing else: the PEP 405 layout gestvenv writes (`pyvenv.cfg`, interpreter links,
 * activation scripts, marker, lock) and every file an installed distribution's `RECORD` lists
 * (PEP 376), with their `.dist-info` directories and compiled `__pycache__` files. Files the user
 * added stay, and so do the directories that hold them.
 *
 * An environment another tool made (`migrate --adopt --move`, `foreign: true`) often sits at a
 * project's root (`python -m venv .`): there only the PEP 405 layout goes (`pyvenv.cfg`, the
 * activators and interpreter links of `bin/`/`Scripts/`, a `lib64` symlink, and what the
 * `RECORD`s list under `bin`/`Scripts`, `lib`/`Lib`, `lib64`, `include`/`Include` and `share`),
 * plus a `.gitignore` whose only rule is the generated `*` (venv >= 3.13, uv, virtualenv). No
 * other file or folder at the top level is touched: `pylock.toml`, a `.gitignore` of the user,
 * `src/` stay and are listed.
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
/** What a foreign environment's top level may hold of its PEP 405 layout (folders). */
const LAYOUT_DIRS = new Set([
  "bin",
  "Scripts",
  "lib",
  "Lib",
  "lib64",
  "include",
  "Include",
  "share",
]);
/** Activators other tools (virtualenv) write besides ours. */
const OTHER_ACTIVATORS = ["activate_this.py", "activate.xsh", "activate.ps1", "activate.pth"];
const INTERPRETER_LINK = /^(python|pypy|graalpy)[\d.]*t?(\.exe)?$|^pythonw(\.exe)?$/;

async function within(root: string, path: string): Promise<boolean> {
  // The parent must really be inside the root: a symlinked directory must not lead us outside.
  const parent = path.slice(0, path.lastIndexOf("/")) || "/";
  const real = await Deno.realPath(parent).catch(() => undefined);
  return real !== undefined && (real === root || real.startsWith(root + "/"));
}

/** Whether `path` (under `root`) is inside one of the layout folders of a foreign environment. */
function inLayout(root: string, path: string): boolean {
  const top = path.slice(root.length + 1).split("/")[0] ?? "";
  return path.startsWith(root + "/") && path.length > root.length + 1 + top.length &&
    LAYOUT_DIRS.has(top);
}

/** Whether a `.gitignore` holds only the `*` venv/uv/virtualenv generate (comments aside). */
async function generatedGitignore(path: string): Promise<boolean> {
  try {
    const rules = (await Deno.readTextFile(path)).split(/\r?\n/).map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    return rules.length === 1 && rules[0] === "*";
  } catch {
    return false;
  }
}

async function ownedPaths(
  root: string,
  foreign: boolean,
): Promise<{ files: Set<string>; dirs: Set<string> }> {
  const files = new Set<string>();
  if (foreign) {
    files.add(join(root, "pyvenv.cfg"));
    const lib64 = await Deno.lstat(join(root, "lib64")).catch(() => undefined);
    if (lib64?.isSymlink) files.add(join(root, "lib64"));
    if (await generatedGitignore(join(root, ".gitignore"))) files.add(join(root, ".gitignore"));
  } else {
    for (const f of ROOT_FILES) files.add(join(root, f));
  }
  const dirs = new Set<string>();
  const binDir = join(root, BIN_NAME);
  for (const name of ACTIVATOR_FILES) files.add(join(binDir, name));
  if (foreign) { for (const name of OTHER_ACTIVATORS) files.add(join(binDir, name)); }
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
    if (foreign && !inLayout(root, dist.dist_info)) continue; // a site-packages outside lib/
    dirs.add(dist.dist_info);
    const site = dist.dist_info.slice(0, dist.dist_info.lastIndexOf("/"));
    for (const row of (await readRecord(dist.dist_info)) ?? []) {
      const path = normalize(`${site}/${row.path}`);
      if (!path.startsWith(root + "/")) continue; // a RECORD that points outside: ignored
      if (foreign && !inLayout(root, path)) continue; // nor at a foreign environment's top level
      files.add(path);
      const m = /^(.*)\/([^/]+)\.py$/.exec(path);
      if (m !== null) files.add(`${m[1]}/__pycache__/${m[2]}.pyc`); // compiled (prefix match below)
    }
  }
  return { files, dirs };
}

/** Options of {@linkcode removeEnvironmentFiles}. */
export interface RemoveEnvironmentFilesOptions {
  /**
   * The environment was made by another tool (see the module documentation): only its PEP 405
   * layout goes, never another top-level file or folder. @default false
   */
  foreign?: boolean;
}

/**
 * Removes gestvenv's files from the environment at `root` (see the module documentation), then
 * every directory left empty, the root included (for a foreign environment, only empty folders
 * of its layout, and the root). Requires `--allow-read` and `--allow-write`.
 *
 * @returns Counts and the files kept.
 */
export async function removeEnvironmentFiles(
  root: string,
  options: RemoveEnvironmentFilesOptions = {},
): Promise<RemovedFiles> {
  const foreign = options.foreign ?? false;
  const realRoot = await Deno.realPath(root);
  const { files, dirs } = await ownedPaths(realRoot, foreign);
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
  // `mayRemove` false: a foreign environment's top-level folder that is not its layout (`src/`):
  // its files are only listed.
  const walk = async (dir: string, mayRemove = true): Promise<boolean> => {
    let empty = true;
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory && !entry.isSymlink) {
        const removable = mayRemove &&
          (!foreign || dir !== realRoot || LAYOUT_DIRS.has(entry.name));
        if (await walk(path, removable) && removable) await Deno.remove(path);
        else empty = false;
        continue;
      }
      if (!mayRemove) {
        kept.push(path.slice(realRoot.length + 1));
        empty = false;
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
