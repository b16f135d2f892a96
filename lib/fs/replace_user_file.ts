/**
 * Reading and replacing files the user owns (pyproject.toml, requirements files): unlike
 * gestvenv's own metadata, such a file may be a symlink (dotfile managers, monorepos), may carry
 * a mode the user chose (0600), and may be edited by the user while a command works on it.
 *
 * @module
 */
import { ConfigError, OperationError } from "../errors/mod.ts";
import { basename, dirname, join } from "../paths/mod.ts";
import { failpoint } from "./failpoint.ts";

let counter = 0;

/** Options of {@linkcode replaceUserFile}. */
export interface ReplaceUserFileOptions {
  /**
   * The content the file had when it was read: the write is refused when the file no longer
   * has it (someone changed it meanwhile). `null`: the file must still not exist. Omitted: no
   * check.
   */
  expected?: string | null;
}

/** The error of a user file that cannot be used as one (a directory, unreadable, …). */
function userFileError(path: string, error: unknown, doing: string): Error {
  if (error instanceof ConfigError || error instanceof OperationError) return error;
  const why = error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : error instanceof Deno.errors.IsADirectory
    ? "it is a directory"
    : error instanceof Deno.errors.NotFound
    ? "its directory does not exist"
    : (error as Error).message;
  return new ConfigError(`Cannot ${doing} ${path}: ${why}`, {
    cause: error,
    hint: error instanceof Deno.errors.IsADirectory
      ? "Give the path of a file, not of a directory"
      : "Check the path and its permissions, then retry",
  });
}

/**
 * Reads a user's text file (following symlinks).
 *
 * @param path The file's path.
 * @returns Its text, or `null` when nothing is there.
 * @throws {ConfigError} (exit 10) When the path is a directory, is not readable or is not a
 *   regular file; the message names the path.
 */
export async function readUserFile(path: string): Promise<string | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw userFileError(path, error, "read");
  }
  if (info.isDirectory) throw userFileError(path, new Deno.errors.IsADirectory(), "read");
  if (!info.isFile) {
    throw new ConfigError(`Cannot read ${path}: it is not a regular file`, {
      hint: "Give the path of a regular file",
    });
  }
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw userFileError(path, error, "read");
  }
}

/**
 * Replaces a user's file with `text`, atomically and without changing what kind of file it is:
 * a symlink is followed (the file it points to is replaced, the link stays), the file keeps its
 * permission bits (a new file gets 0644 less the umask), the new bytes go to a temp file in the
 * real file's directory, are fsynced, and are renamed over it only if the file still holds
 * `expected`. A reader sees the old or the new content, never a torn file. (A change made
 * between the check and the rename, microseconds, is not detected: no lock is shared with
 * editors.)
 *
 * Failpoint: `user-file.before-check` (the temp file is written, the check not done yet).
 *
 * @param path The file's path (may be a symlink).
 * @param text The new content.
 * @param options `expected`: the content the file must still have.
 * @throws {OperationError} (exit 1, code `user_file_changed`) When the file no longer holds
 *   `expected`: nothing is written.
 * @throws {ConfigError} (exit 10) When the path is a directory, its directory is missing, or it
 *   cannot be written; the message names the path.
 */
export async function replaceUserFile(
  path: string,
  text: string,
  options: ReplaceUserFileOptions = {},
): Promise<void> {
  let real = path;
  let mode: number | null = null;
  try {
    real = await Deno.realPath(path);
    const info = await Deno.stat(real);
    if (info.isDirectory) throw new Deno.errors.IsADirectory();
    mode = info.mode === null ? null : info.mode & 0o7777;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw userFileError(path, error, "write");
    // A dangling symlink: write where it points, as editors do.
    const link = await Deno.readLink(path).catch(() => null);
    if (link !== null) real = link.startsWith("/") ? link : join(dirname(path), link);
  }
  const tmp = join(dirname(real), `.${basename(real)}.${Deno.pid}.${++counter}.tmp`);
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: mode ?? 0o644 });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      // The umask must not narrow the mode the user gave the file.
      if (mode !== null && Deno.build.os !== "windows") await Deno.chmod(tmp, mode);
      await file.syncData();
    } finally {
      file.close();
    }
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw userFileError(path, error, "write");
  }
  try {
    await failpoint("user-file.before-check");
    if (options.expected !== undefined) {
      const now = await readUserFile(real);
      if (now !== options.expected) {
        throw new OperationError(
          `${path} changed while gestvenv worked on it; nothing was written`,
          "user_file_changed",
          { hint: "Re-run the command: it reads the file again" },
        );
      }
    }
    await Deno.rename(tmp, real);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw userFileError(path, error, "write");
  }
}
