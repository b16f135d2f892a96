/**
 * Small filesystem helpers shared by the environment operations.
 *
 * @module
 */
import { throwIfInterrupted } from "../errors/mod.ts";

/** Whether `path` exists (without following a final symlink). Requires `--allow-read`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Whether `path` is a directory that holds no entries. Requires `--allow-read`. */
export async function isEmptyDir(path: string): Promise<boolean> {
  for await (const _ of Deno.readDir(path)) return false;
  return true;
}

/**
 * Copies the directory tree `src` to `dest` (which must not exist), keeping symlinks as
 * symlinks and file modes. Stops between entries once `signal` is aborted.
 * Requires `--allow-read` and `--allow-write`.
 *
 * @throws {InterruptedError} When `signal` was aborted by SIGINT/SIGTERM.
 */
export async function copyTree(src: string, dest: string, signal?: AbortSignal): Promise<void> {
  await Deno.mkdir(dest, { recursive: false });
  const pending: Promise<void>[] = [];
  for await (const entry of Deno.readDir(src)) {
    throwIfInterrupted(signal);
    const from = `${src}/${entry.name}`;
    const to = `${dest}/${entry.name}`;
    if (entry.isSymlink) {
      pending.push(Deno.readLink(from).then((target) => Deno.symlink(target, to)));
    } else if (entry.isDirectory) {
      pending.push(copyTree(from, to, signal));
    } else {
      pending.push(Deno.copyFile(from, to));
    }
  }
  await Promise.all(pending);
}

/**
 * Sizes the tree under `path` in bytes (regular files only, symlinks not followed).
 * Requires `--allow-read`.
 */
export async function treeSize(path: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(path)) {
    const full = `${path}/${entry.name}`;
    if (entry.isDirectory) total += await treeSize(full);
    else if (entry.isFile) total += (await Deno.lstat(full)).size;
  }
  return total;
}
