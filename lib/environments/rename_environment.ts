import { dirname, join } from "../paths/mod.ts";
import { EnvironmentNotFoundError, OperationError } from "../errors/mod.ts";
import { failpoint, pathExists } from "../fs/mod.ts";
import { readPyvenvCfg, relocateVirtualenv } from "../virtualenv/mod.ts";
import { changeRegistry, type EnvironmentContext, loadRegistry, now } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { validateEnvironmentName } from "./environment_name.ts";
import {
  newEnvironmentId,
  readEnvironmentMarker,
  writeEnvironmentMarker,
} from "./environment_marker.ts";
import { removeJournal, writeJournal } from "./journal.ts";
import { withEnvironmentLock } from "./recover_interrupted.ts";
import { leftoverPath } from "./staging.ts";

/** Options for {@linkcode renameEnvironment}. */
export interface RenameOptions {
  /** Describe what would change, change nothing. @default false */
  dryRun?: boolean;
  /**
   * Also move an environment that lives in a folder of the user's (`create --path`) to a sibling
   * folder named after the new name. Environments in gestvenv's environments directory always
   * move. @default false
   */
  move?: boolean;
}

/** The outcome of {@linkcode renameEnvironment}. */
export interface RenameResult {
  /** The record under its new name. */
  record: EnvironmentRecord;
  /** Files re-targeted (none when only the registry entry was renamed). */
  rewritten: string[];
  /** Whether the directory moved. */
  moved: boolean;
}

/**
 * Whether `record` lives in gestvenv's environments directory under its own name (so gestvenv
 * owns the folder and may move it).
 */
export function isManagedPath(ctx: EnvironmentContext, record: EnvironmentRecord): boolean {
  return record.path === join(ctx.settings.environmentsDir.value, record.name);
}

/**
 * Gives a registered environment made before markers existed its marker and id (under its lock),
 * so that later operations can prove the directory is the one registered.
 */
async function ensureMarker(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
): Promise<EnvironmentRecord> {
  if (record.id !== null) return record;
  // An environment adopted in place is the other tool's folder: gestvenv writes nothing there.
  if (record.adopted?.in_place) return record;
  if ((await readPyvenvCfg(record.path)) === undefined) return record;
  const marker = await readEnvironmentMarker(record.path);
  const id = marker?.id ?? newEnvironmentId();
  if (marker === undefined) {
    await writeEnvironmentMarker(record.path, {
      id,
      name: record.name,
      created_at: record.created_at,
    });
  }
  return await changeRegistry(ctx, (registry) => {
    const current = registry.environments.get(record.name) ?? record;
    current.id = id;
    registry.environments.set(record.name, current);
    return current;
  });
}

/**
 * Renames an environment, holding the locks of both names and re-reading its record inside them
 * (so a concurrent install is never overwritten, and a concurrent delete is noticed).
 *
 * A virtual environment is not relocatable by itself, so an environment in gestvenv's directory
 * (or any with `move`) is moved: renamed to a staging directory beside its new path, every
 * absolute path inside re-targeted (activation scripts, prompt, script shebangs, `.pth` files),
 * renamed into place, and only then renamed in the registry. A journal entry written first lets
 * the next command finish or undo a rename that was killed midway. An environment in a folder of
 * the user's keeps its folder: only its registry entry is renamed.
 *
 * @throws {EnvironmentNotFoundError} When `oldName` does not exist.
 * @throws {OperationError} `environment_exists` when `newName` or its directory is taken.
 */
export async function renameEnvironment(
  ctx: EnvironmentContext,
  oldName: string,
  newName: string,
  options: RenameOptions = {},
): Promise<RenameResult> {
  validateEnvironmentName(newName);
  const plan = async () => {
    const registry = await loadRegistry(ctx);
    const record = registry.environments.get(oldName);
    if (record === undefined) throw new EnvironmentNotFoundError(oldName);
    if (registry.environments.has(newName)) {
      throw new OperationError(`Environment \`${newName}\` already exists`, "environment_exists", {
        hint: "Choose another name",
      });
    }
    const moving = oldName !== newName && (isManagedPath(ctx, record) || options.move === true);
    const newPath = moving ? join(dirname(record.path), newName) : record.path;
    if (moving && await pathExists(newPath)) {
      throw new OperationError(
        `A file or directory already exists at ${newPath}`,
        "environment_exists",
      );
    }
    const renamed: EnvironmentRecord = {
      ...record,
      name: newName,
      path: newPath,
      last_used_at: now(),
    };
    return { record, renamed, moving };
  };
  if (options.dryRun) {
    const { renamed, moving } = await plan();
    return { record: renamed, rewritten: [], moved: moving };
  }
  return await withEnvironmentLock(ctx, [oldName, newName], async () => {
    const planned = await plan();
    const record = await ensureMarker(ctx, planned.record);
    const renamed = { ...planned.renamed, id: record.id };
    const { moving } = planned;
    const staging = moving ? leftoverPath(renamed.path, "staging") : null;
    const journal = await writeJournal(ctx, {
      op: "rename",
      from: oldName,
      to: newName,
      id: record.id ?? newEnvironmentId(),
      old_path: record.path,
      new_path: renamed.path,
      staging_path: staging,
      record: renamed,
    });
    let rewritten: string[] = [];
    let stage: "start" | "staged" | "moved" = "start";
    try {
      if (staging !== null) {
        await Deno.rename(record.path, staging);
        stage = "staged";
        await failpoint("rename.after-staging");
        rewritten = await relocateVirtualenv(staging, {
          oldRoot: record.path,
          newRoot: renamed.path,
          prompt: newName,
        });
        await failpoint("rename.before-move");
        await Deno.rename(staging, renamed.path);
        stage = "moved";
      }
      await failpoint("rename.before-register");
      await changeRegistry(ctx, (registry) => {
        registry.environments.delete(oldName);
        registry.environments.set(newName, renamed);
      });
    } catch (error) {
      if (stage === "moved") await Deno.rename(renamed.path, staging!).catch(() => {});
      if (stage !== "start") {
        await relocateVirtualenv(staging!, {
          oldRoot: renamed.path,
          newRoot: record.path,
          prompt: oldName,
        }).catch(() => {});
        await Deno.rename(staging!, record.path).catch(() => {});
      }
      await removeJournal(journal);
      throw error;
    }
    if (record.id !== null && staging !== null) {
      await writeEnvironmentMarker(renamed.path, {
        id: record.id,
        name: newName,
        created_at: record.created_at,
      }).catch(() => {});
    }
    await removeJournal(journal);
    return { record: renamed, rewritten, moved: moving };
  });
}
