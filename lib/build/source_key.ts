/**
 * Cache keys of build sources: an sdist by its sha256, a local tree by a cheap fingerprint of its
 * files (path, size, modification time), never by reading their contents.
 *
 * @module
 */
import { join } from "../paths/mod.ts";

/** Files that decide how a tree builds: a change to any of them is a new editable build. */
export const BUILD_CONFIG_FILES: readonly string[] = ["pyproject.toml", "setup.py", "setup.cfg"];

/** Directories never part of a tree's fingerprint, at any depth. */
const SKIPPED_ANYWHERE = new Set([
  ".git",
  ".hg",
  ".svn",
  "__pycache__",
  ".tox",
  ".nox",
  ".venv",
  "venv",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  "node_modules",
]);

/** Directories skipped only at the top of the tree (a package may well have a `build/` module). */
const SKIPPED_AT_TOP = new Set(["build", "dist"]);

/** Most files fingerprinted; a tree larger than that is keyed by what was seen so far plus a count. */
const MAX_FINGERPRINT_FILES = 100_000;

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function statLine(relative: string, stat: Deno.FileInfo): string {
  return `${relative}\0${stat.size}\0${stat.mtime?.getTime() ?? 0}\n`;
}

async function isVirtualenv(dir: string): Promise<boolean> {
  try {
    return (await Deno.lstat(join(dir, "pyvenv.cfg"))).isFile;
  } catch {
    return false;
  }
}

/**
 * The fingerprint of a local source tree (hex sha256) for the built-wheel cache: its absolute path
 * and the size and modification time of every file, walking the tree but skipping version control
 * (`.git`, …), caches (`__pycache__`, …), `*.egg-info`, virtual environments (any directory with a
 * `pyvenv.cfg`) and the top-level `build/` and `dist/`. With `editable`, only the build
 * configuration files ({@linkcode BUILD_CONFIG_FILES}) count: an editable wheel points at the
 * sources instead of holding them. Symbolic links are fingerprinted as links (not followed).
 * Requires `--allow-read`.
 */
export async function treeFingerprint(tree: string, editable: boolean): Promise<string> {
  const lines: string[] = [`gestvenv-tree-v1\0${tree}\0${editable ? "editable" : "wheel"}\n`];
  if (editable) {
    for (const name of BUILD_CONFIG_FILES) {
      try {
        lines.push(statLine(name, await Deno.stat(join(tree, name))));
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        lines.push(`${name}\0absent\n`);
      }
    }
  } else {
    let count = 0;
    const walk = async (dir: string, relative: string): Promise<void> => {
      const entries: Deno.DirEntry[] = [];
      for await (const entry of Deno.readDir(dir)) entries.push(entry);
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (count >= MAX_FINGERPRINT_FILES) return;
        const rel = relative === "" ? entry.name : `${relative}/${entry.name}`;
        const path = join(dir, entry.name);
        if (entry.isDirectory) {
          if (SKIPPED_ANYWHERE.has(entry.name) || entry.name.endsWith(".egg-info")) continue;
          if (relative === "" && SKIPPED_AT_TOP.has(entry.name)) continue;
          if (await isVirtualenv(path)) continue;
          await walk(path, rel);
        } else {
          count++;
          lines.push(statLine(rel, await Deno.lstat(path)));
        }
      }
    };
    await walk(tree, "");
    lines.push(`files\0${count}\n`);
  }
  return await sha256Hex(new TextEncoder().encode(lines.join("")));
}
