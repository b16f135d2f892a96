/**
 * The full copy of an environment that `migrate-backend` makes beside it before it changes
 * anything (a staging directory, `.gestvenv-staging-<name>-<pid>-<ms>`), and how it is put back.
 * The copy counts as complete only once {@linkcode MIGRATION_BACKUP_MARKER} is in it: written
 * last, atomically, after every copied file was fsynced, and listing every entry of the copy
 * (path, kind, size in bytes). A copy is put back only when its marker's manifest still matches
 * the tree, so a copy that was being removed (or was never finished) is never put over an
 * environment. Which of the two (put back, or thrown away) is decided by the journal entry of the
 * migration (`recover_interrupted.ts`).
 *
 * @module
 */
import { copyTree, pathExists } from "../fs/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";
import { leftoverPath } from "./staging.ts";

/** The marker file that makes a staging copy a complete migration backup (written last). */
export const MIGRATION_BACKUP_MARKER = ".gestvenv-migrate-backup.json";

/** One entry of a backup's manifest: relative path, `f`ile/`d`irectory/`l`ink, size in bytes. */
type ManifestEntry = [path: string, kind: "f" | "d" | "l", size: number];

/** Every entry under `root` (the marker excluded), sorted; fsyncs regular files when asked. */
async function manifestOf(root: string, sync: boolean): Promise<ManifestEntry[]> {
  const out: ManifestEntry[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (path === MIGRATION_BACKUP_MARKER) continue;
      const full = `${dir}/${entry.name}`;
      if (entry.isSymlink) out.push([path, "l", 0]);
      else if (entry.isDirectory) {
        out.push([path, "d", 0]);
        await walk(full, path);
      } else {
        if (sync) {
          const file = await Deno.open(full, { read: true });
          try {
            await file.syncData();
          } finally {
            file.close();
          }
        }
        out.push([path, "f", (await Deno.lstat(full)).size]);
      }
    }
  };
  await walk(root, "");
  return out.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/**
 * Copies the environment at `path` to `backup` (which must not exist), fsyncs the copy and then
 * writes the marker with its manifest. A failure removes the partial copy.
 * Requires `--allow-read` and `--allow-write`.
 *
 * @throws {InterruptedError} When `signal` is aborted during the copy (the copy is removed).
 */
export async function writeMigrationBackup(
  path: string,
  backup: string,
  info: { from: string; to: string },
  signal?: AbortSignal,
): Promise<void> {
  try {
    await copyTree(path, backup, signal);
    const manifest = await manifestOf(backup, true);
    await atomicWriteFile(
      join(backup, MIGRATION_BACKUP_MARKER),
      JSON.stringify({ ...info, pid: Deno.pid, manifest }) + "\n",
    );
  } catch (error) {
    await Deno.remove(backup, { recursive: true }).catch(() => {});
    throw error;
  }
}

/**
 * Whether `backup` is a complete migration backup: it has the marker, and the tree matches the
 * marker's manifest entry for entry (same paths, kinds and file sizes).
 * Requires `--allow-read`.
 */
export async function isCompleteMigrationBackup(backup: string): Promise<boolean> {
  let listed: unknown;
  try {
    listed = JSON.parse(await Deno.readTextFile(join(backup, MIGRATION_BACKUP_MARKER))).manifest;
  } catch {
    return false;
  }
  if (!Array.isArray(listed)) return false;
  const actual = await manifestOf(backup, false).catch(() => null);
  return actual !== null && JSON.stringify(actual) === JSON.stringify(listed);
}

/** Whether `dir` holds a migration backup marker (complete or not). Requires `--allow-read`. */
export async function hasMigrationBackupMarker(dir: string): Promise<boolean> {
  return await pathExists(join(dir, MIGRATION_BACKUP_MARKER));
}

/**
 * Puts the backup back in place of the environment at `path` (the changed environment goes to a
 * trash leftover first, then is removed). Resumable: with no environment at `path` (a kill between
 * the two renames) the backup is simply renamed into place.
 * Requires `--allow-read` and `--allow-write`.
 */
export async function restoreMigrationBackup(path: string, backup: string): Promise<void> {
  const trash = leftoverPath(path, "trash");
  if (await pathExists(path)) await Deno.rename(path, trash);
  await Deno.rename(backup, path);
  await Deno.remove(join(path, MIGRATION_BACKUP_MARKER)).catch(() => {});
  await Deno.remove(trash, { recursive: true }).catch(() => {});
}

/**
 * Throws a backup away once the migration is committed: the marker goes first (so no partial
 * tree is ever taken for a complete backup), then the tree. Requires `--allow-write`.
 */
export async function discardMigrationBackup(backup: string): Promise<void> {
  await Deno.remove(join(backup, MIGRATION_BACKUP_MARKER)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.remove(backup, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}
