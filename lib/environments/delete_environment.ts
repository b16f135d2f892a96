import { EnvironmentNotFoundError, OperationError } from "../errors/mod.ts";
import { failpoint, pathExists, treeSize } from "../fs/mod.ts";
import { readPyvenvCfg } from "../virtualenv/mod.ts";
import { changeRegistry, type EnvironmentContext, loadRegistry } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { readEnvironmentMarker } from "./environment_marker.ts";
import { removeJournal, writeJournal } from "./journal.ts";
import { withEnvironmentLock } from "./recover_interrupted.ts";
import { removeEnvironmentFiles } from "./remove_environment_files.ts";
import { isManagedPath } from "./rename_environment.ts";
import { leftoverPath } from "./staging.ts";
import { emitLifecycle } from "./lifecycle.ts";

/** What {@linkcode deleteEnvironment} removed (or would remove, for a dry run). */
export interface DeleteResult {
  /** The record that was removed. */
  record: EnvironmentRecord;
  /** `directory`: the whole directory (gestvenv's environments folder); `files`: only the files
   * gestvenv made in a folder of the user's (`create --path`); `entry`: the directory was
   * already gone, only the registry entry; `adopted`: an environment adopted in place
   * (`migrate --adopt --in-place`), of which gestvenv made no file: only the registry entry. */
  scope: "directory" | "files" | "entry" | "adopted";
  /** Bytes on disk of the environment, measured for a dry run (the plan shown before
   * confirming); null when it was deleted (not walked a second time). */
  sizeBytes: number | null;
  /** Files left in a user's folder because gestvenv did not make them (relative paths). */
  kept: string[];
}

/**
 * Checks that the directory of `record` is the environment that was registered: its marker id
 * matches the record's (environments made before markers need a `pyvenv.cfg`).
 *
 * @throws {OperationError} `not_an_environment` when it is something else; it is left alone.
 */
async function checkOwnership(record: EnvironmentRecord): Promise<void> {
  const marker = await readEnvironmentMarker(record.path);
  const owned = record.id !== null && marker !== undefined
    ? marker.id === record.id
    : record.id === null && (await readPyvenvCfg(record.path)) !== undefined;
  if (!owned) {
    throw new OperationError(
      `${record.path} is not the environment \`${record.name}\` that gestvenv registered ` +
        "(its marker is missing or different); it was left alone",
      "not_an_environment",
      {
        hint:
          "Remove the directory yourself if it should go, then run `gestvenv cleanup --orphaned`",
      },
    );
  }
}

/**
 * Deletes a registered environment, under its lock, re-reading its record inside it. An
 * environment in gestvenv's environments directory is renamed to a trash directory, unregistered,
 * then removed (so a killed delete is finished by the next command, never half-done). In a folder
 * of the user's (`create --path`), only what gestvenv made is removed (the environment layout and
 * what the distributions' RECORD files list); files the user added stay and are reported.
 * Lifecycle: `pre-delete` under the lock, before anything is removed (a listener that throws
 * leaves the environment and its registry entry as they were).
 *
 * @returns What was (or would be, for a dry run) removed.
 * @throws {EnvironmentNotFoundError} When the environment does not exist.
 * @throws {OperationError} `not_an_environment` when the directory is not the registered
 *   environment (its marker differs or, for older environments, it has no `pyvenv.cfg`).
 */
export async function deleteEnvironment(
  ctx: EnvironmentContext,
  name: string,
  options: { dryRun?: boolean } = {},
): Promise<DeleteResult> {
  const plan = async (measure: boolean): Promise<DeleteResult> => {
    const record = (await loadRegistry(ctx)).environments.get(name);
    if (record === undefined) throw new EnvironmentNotFoundError(name);
    if (!(await pathExists(record.path))) return { record, scope: "entry", sizeBytes: 0, kept: [] };
    if (record.adopted?.in_place) return { record, scope: "adopted", sizeBytes: 0, kept: [] };
    await checkOwnership(record);
    return {
      record,
      scope: isManagedPath(ctx, record) ? "directory" : "files",
      sizeBytes: measure ? await treeSize(record.path) : null,
      kept: [],
    };
  };
  if (options.dryRun) return await plan(true);
  return await withEnvironmentLock(ctx, name, async () => {
    const result = await plan(false);
    const { record } = result;
    // Hooks may refuse here: nothing is removed yet.
    await emitLifecycle(ctx, { event: "pre-delete", environment: name, path: record.path });
    if (result.scope === "adopted") {
      // gestvenv made none of its files: forget it, touch nothing on disk.
      await changeRegistry(ctx, (registry) => {
        if (registry.environments.get(name)?.path === record.path) {
          registry.environments.delete(name);
        }
      });
      return result;
    }
    const trash = result.scope === "directory" ? leftoverPath(record.path, "trash") : null;
    const journal = await writeJournal(ctx, {
      op: "delete",
      name,
      path: record.path,
      trash_path: trash,
    });
    try {
      if (trash !== null) await Deno.rename(record.path, trash);
      await failpoint("delete.after-trash");
      if (result.scope === "files") result.kept = (await removeEnvironmentFiles(record.path)).kept;
      await changeRegistry(ctx, (registry) => {
        if (registry.environments.get(name)?.path === record.path) {
          registry.environments.delete(name);
        }
      });
      await failpoint("delete.before-remove");
      if (trash !== null) await Deno.remove(trash, { recursive: true });
    } catch (error) {
      // Not unregistered yet: put the directory back; the journal entry is then moot.
      if (trash !== null && !(await pathExists(record.path)) && await pathExists(trash)) {
        const still = (await loadRegistry(ctx)).environments.get(name)?.path === record.path;
        if (still) await Deno.rename(trash, record.path).catch(() => {});
      }
      if (!(trash !== null && await pathExists(trash))) await removeJournal(journal);
      throw error;
    }
    await removeJournal(journal);
    return result;
  });
}
