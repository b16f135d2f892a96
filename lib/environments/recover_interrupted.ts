/**
 * Finishing or undoing what a killed command left behind. Every `create`, `clone`, `rename`,
 * `delete` and `migrate-backend` writes a journal entry before it touches the disk and holds the locks of the names it
 * changes until it removes the entry; so an entry whose locks are free belongs to a dead process.
 * Its operation is then brought to one of two consistent states:
 *
 * - `create`/`clone`: registered → done; renamed into place but not registered → registered now
 *   (roll forward); still in staging → the staging directory is removed (roll back).
 * - `rename`: registered under the new name → done; moved into place → registered now; still in
 *   staging → moved back and re-targeted to its old path.
 * - `delete`: moved to the trash → finished (unregistered, trash removed); not moved → nothing
 *   happened. A `--path` environment being emptied in place is finished.
 * - `migrate-backend`: the registry already records the new backend → finished (the copy is
 *   removed); otherwise the complete copy (marker and manifest verified) is put back, and a copy
 *   that never completed is removed (the environment was not touched before it completed).
 *
 * Every command that locks an environment runs this for the entries that name it
 * ({@linkcode withEnvironmentLock}); `cleanup` and `doctor` run it for all.
 *
 * @module
 */
import { pathExists, tryWithFileLock } from "../fs/mod.ts";
import { basename, join } from "../paths/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { inspectVirtualenv, relocateVirtualenv } from "../virtualenv/mod.ts";
import {
  changeRegistry,
  type EnvironmentContext,
  environmentLockFile,
  loadRegistry,
  lockEnvironments,
} from "./context.ts";
import { readEnvironmentMarker, writeEnvironmentMarker } from "./environment_marker.ts";
import {
  type CreateJournalEntry,
  type DeleteJournalEntry,
  type JournalEntry,
  journalNames,
  type MigrateBackendJournalEntry,
  readJournal,
  removeJournal,
  type RenameJournalEntry,
} from "./journal.ts";
import { parseLeftoverName } from "./staging.ts";
import {
  discardMigrationBackup,
  hasMigrationBackupMarker,
  isCompleteMigrationBackup,
  MIGRATION_BACKUP_MARKER,
  restoreMigrationBackup,
} from "./migration_backup.ts";
import { removeEnvironmentFiles } from "./remove_environment_files.ts";

/** What recovery did for one interrupted operation. */
export interface Recovery {
  /** The operation: `create`, `clone`, `rename`, `delete`. */
  op: string;
  /** The environment names it was about. */
  names: string[];
  /** `completed` (rolled forward), `rolled-back`, or `cleaned` (only leftovers removed). */
  outcome: "completed" | "rolled-back" | "cleaned";
  /** One sentence for the user. */
  message: string;
  /** The pid and command of the process that was killed. */
  interrupted: { pid: number; command: string; started_at: string };
}

/** Removes a directory we made, only when its name is one of our staging/trash names. */
async function removeLeftover(path: string | null): Promise<boolean> {
  if (path === null || parseLeftoverName(basename(path)) === undefined) return false;
  if (!(await pathExists(path))) return false;
  await Deno.remove(path, { recursive: true });
  return true;
}

/** Removes an environment directory whose marker carries `id`; keeps the directory itself if asked. */
async function removeOwned(path: string, id: string, keepDir: boolean): Promise<void> {
  if ((await readEnvironmentMarker(path))?.id !== id) return;
  if (!keepDir) {
    await Deno.remove(path, { recursive: true });
    return;
  }
  for await (const entry of Deno.readDir(path)) {
    await Deno.remove(join(path, entry.name), { recursive: true });
  }
}

async function recoverCreate(
  ctx: EnvironmentContext,
  e: CreateJournalEntry,
): Promise<Pick<Recovery, "outcome" | "message">> {
  const registered = (await loadRegistry(ctx)).environments.get(e.name);
  if (registered?.id === e.id) {
    await removeLeftover(e.staging_path);
    return { outcome: "cleaned", message: `\`${e.name}\` had been ${e.op}d; removed leftovers` };
  }
  if ((await readEnvironmentMarker(e.final_path))?.id === e.id) {
    if (registered === undefined) {
      // The journal was written before anything was installed: read what is there now.
      const layout = await inspectVirtualenv(e.final_path);
      const installed = await readInstalledDistributions(layout?.sitePackages ?? []);
      const record = {
        ...e.record,
        packages: installed.map((d) => ({ name: d.name, version: d.version })),
      };
      await changeRegistry(ctx, (r) => {
        if (!r.environments.has(e.name)) r.environments.set(e.name, record);
      });
      return {
        outcome: "completed",
        message: `\`${e.name}\` was complete but not registered; registered it`,
      };
    }
    await removeOwned(e.final_path, e.id, e.final_existed);
  }
  await removeLeftover(e.staging_path);
  return {
    outcome: "rolled-back",
    message: `removed its half-made \`${e.name}\``,
  };
}

async function recoverRename(
  ctx: EnvironmentContext,
  e: RenameJournalEntry,
): Promise<Pick<Recovery, "outcome" | "message">> {
  const registry = await loadRegistry(ctx);
  if (registry.environments.get(e.to)?.path === e.new_path && !registry.environments.has(e.from)) {
    await removeLeftover(e.staging_path);
    return { outcome: "cleaned", message: `\`${e.from}\` had been renamed to \`${e.to}\`` };
  }
  const notStarted = {
    outcome: "rolled-back" as const,
    message: `the rename of \`${e.from}\` had not started; nothing changed`,
  };
  if (e.staging_path === null || !registry.environments.has(e.from)) return notStarted;
  // Both paths were checked before the move: the new one was free. So a directory at the new
  // path, none at the old one and no staging directory means the move was done.
  const [atNew, atOld, staged] = await Promise.all(
    [e.new_path, e.old_path, e.staging_path].map(pathExists),
  );
  if (atNew && !atOld && !staged) {
    await changeRegistry(ctx, (r) => {
      r.environments.delete(e.from);
      r.environments.set(e.to, e.record);
    });
    await writeEnvironmentMarker(e.new_path, {
      id: e.id,
      name: e.to,
      created_at: e.record.created_at,
    }).catch(() => {});
    return {
      outcome: "completed",
      message: `\`${e.from}\` had been moved to ${e.new_path}; registered it as \`${e.to}\``,
    };
  }
  if (staged && !atOld) {
    await relocateVirtualenv(e.staging_path, {
      oldRoot: e.new_path,
      newRoot: e.old_path,
      prompt: e.from,
    });
    await Deno.rename(e.staging_path, e.old_path);
    return {
      outcome: "rolled-back",
      message: `moved \`${e.from}\` back to ${e.old_path}`,
    };
  }
  return notStarted;
}

async function recoverDelete(
  ctx: EnvironmentContext,
  e: DeleteJournalEntry,
): Promise<Pick<Recovery, "outcome" | "message">> {
  const registered = (await loadRegistry(ctx)).environments.get(e.name)?.path === e.path;
  const started = e.trash_path === null || await pathExists(e.trash_path) ||
    !(await pathExists(e.path));
  if (!started) {
    return {
      outcome: "rolled-back",
      message: `the delete of \`${e.name}\` had not started; it is still there`,
    };
  }
  if (e.trash_path === null && await pathExists(e.path)) await removeEnvironmentFiles(e.path);
  if (registered) {
    await changeRegistry(ctx, (r) => {
      if (r.environments.get(e.name)?.path === e.path) r.environments.delete(e.name);
    });
  }
  await removeLeftover(e.trash_path);
  return { outcome: "completed", message: `finished deleting \`${e.name}\`` };
}

async function recoverMigrateBackend(
  ctx: EnvironmentContext,
  e: MigrateBackendJournalEntry,
): Promise<Pick<Recovery, "outcome" | "message">> {
  const record = (await loadRegistry(ctx)).environments.get(e.name);
  if (record === undefined || record.path !== e.path || record.backend === e.to) {
    // Committed (or the environment is no longer there): the copy is only a leftover now.
    if (parseLeftoverName(basename(e.backup_path)) !== undefined) {
      await discardMigrationBackup(e.backup_path);
    }
    return {
      outcome: "cleaned",
      message: `\`${e.name}\` had been migrated to ${e.to}; removed its copy`,
    };
  }
  if (await pathExists(e.backup_path)) {
    if (await isCompleteMigrationBackup(e.backup_path)) {
      await restoreMigrationBackup(e.path, e.backup_path);
      return {
        outcome: "rolled-back",
        message: `put back the copy of \`${e.name}\` made before the migration (backend ${e.from})`,
      };
    }
    if (await hasMigrationBackupMarker(e.backup_path)) {
      // A marked copy that no longer matches its manifest: neither is trusted; both are kept.
      return {
        outcome: "cleaned",
        message: `its copy ${e.backup_path} is damaged, so nothing was put back; check ` +
          `\`${e.name}\` (gestvenv check --env ${e.name}) and remove the copy yourself`,
      };
    }
    // The copy never completed: the environment was not touched yet.
    await removeLeftover(e.backup_path);
    return {
      outcome: "rolled-back",
      message: `its copy had not completed; \`${e.name}\` was not changed`,
    };
  }
  // Killed while putting the copy back, after the rename: only its marker is left to remove.
  await Deno.remove(join(e.path, MIGRATION_BACKUP_MARKER)).catch(() => {});
  return {
    outcome: "rolled-back",
    message: `\`${e.name}\` is as it was before the migration (backend ${e.from})`,
  };
}

/** Finishes or undoes one entry's operation. The caller holds every lock the entry names. */
async function recoverEntry(
  ctx: EnvironmentContext,
  entry: JournalEntry,
): Promise<Pick<Recovery, "outcome" | "message">> {
  switch (entry.op) {
    case "create":
    case "clone":
      return await recoverCreate(ctx, entry);
    case "rename":
      return await recoverRename(ctx, entry);
    case "delete":
      return await recoverDelete(ctx, entry);
    case "migrate-backend":
      return await recoverMigrateBackend(ctx, entry);
  }
}

/** Takes the locks of `names` that are not in `held` without waiting; false if one is busy. */
async function tryLocks(
  ctx: EnvironmentContext,
  names: string[],
  fn: () => Promise<void>,
): Promise<boolean> {
  const [first, ...rest] = names;
  if (first === undefined) {
    await fn();
    return true;
  }
  const result = await tryWithFileLock(
    environmentLockFile(ctx, first),
    () => tryLocks(ctx, rest, fn),
    { holder: { command: ctx.command ?? "gestvenv (library)" } },
  );
  return result.acquired && result.value;
}

/**
 * Recovers the interrupted operations of the journal: with `held`, only those naming one of these
 * environments (whose locks the caller holds); without, all of them whose locks are free. Entries
 * whose other locks are busy are left for later. Unreadable entries are removed.
 *
 * @returns What was done, one item per operation.
 */
export async function recoverInterrupted(
  ctx: EnvironmentContext,
  held?: readonly string[],
): Promise<Recovery[]> {
  const done: Recovery[] = [];
  for (const { path, entry } of await readJournal(ctx)) {
    if (entry === undefined) {
      await removeJournal(path);
      continue;
    }
    const names = journalNames(entry);
    if (held !== undefined && !names.some((n) => held.includes(n))) continue;
    const toLock = names.filter((n) => !held?.includes(n));
    await tryLocks(ctx, toLock, async () => {
      const result = await recoverEntry(ctx, entry);
      await removeJournal(path);
      done.push({
        op: entry.op,
        names,
        ...result,
        interrupted: { pid: entry.pid, command: entry.command, started_at: entry.started_at },
      });
      ctx.reporter.warn(
        `An earlier \`${entry.command}\` (pid ${entry.pid}) was interrupted; ${result.message}`,
      );
    });
  }
  return done;
}

/**
 * Runs `fn` holding the exclusive locks of the named environments (sorted, so never a deadlock),
 * after finishing or undoing whatever a killed command left half done on them. Every
 * read-modify-write of an environment happens inside this, re-reading its record inside.
 *
 * @throws {LockTimeoutError} When a lock stays busy past the lock timeout (exit 1).
 */
export async function withEnvironmentLock<T>(
  ctx: EnvironmentContext,
  names: string | readonly string[],
  fn: () => Promise<T>,
): Promise<T> {
  const list = typeof names === "string" ? [names] : [...names];
  return await lockEnvironments(ctx, list, async () => {
    // A dry run changes nothing, repairs included (`list` and `cleanup --dry-run` report them).
    if (!ctx.dryRun) await recoverInterrupted(ctx, list);
    return await fn();
  });
}
