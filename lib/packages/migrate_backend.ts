/**
 * `gestvenv migrate-backend` (issue 11 §4, spec 001 "Migration d'environnements"): an environment
 * re-installed from its own lock (`<env>/pylock.toml`; made from what is installed when it has
 * none) by another backend, which the registry then records. Works in place, under the
 * environment's lock, after a full copy of the environment beside it (a staging directory, made
 * complete by a marker with its manifest, `lib/environments/migration_backup.ts`) and a journal
 * entry: any failure, and with `validate` any difference, puts the copy back; a kill leaves the
 * entry, from which the next command that locks the environment, `cleanup` or `doctor --fix`
 * puts the copy back (unfinished) or removes it (registered already).
 *
 * Validation (`migration_validation.ts`): the same distributions at the same versions as before;
 * no dependency problem (`pip check`, computed by gestvenv) that was not there before; for every
 * distribution installed from a wheel, the same set of RECORD paths and equal hashes.
 *
 * @module
 */
import { type BackendTarget, selectBackend } from "../backends/mod.ts";
import { type InstalledDistribution, readInstalledDistributions } from "../distribution/mod.ts";
import {
  assertMayChange,
  changeRegistry,
  discardMigrationBackup,
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  leftoverPath,
  now,
  openEnvironment,
  removeJournal,
  restoreMigrationBackup,
  withEnvironmentLock,
  writeJournal,
  writeMigrationBackup,
} from "../environments/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { failpoint } from "../fs/mod.ts";
import { checkDependencies, uninstallDistribution } from "../installer/mod.ts";
import { parsePylock, type Pylock, selectLockedFiles } from "../lock/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { tagInput } from "../python/mod.ts";
import { environmentLockPath, lockInstalled } from "./environment_lock.ts";
import { installTargetOf } from "./native_install.ts";
import { installFromLock } from "./sync_lock.ts";
import { compareSnapshots, snapshotDistributions } from "./migration_validation.ts";

/** A backend an environment can be moved to. */
export type MigrationBackend = "native" | "pip" | "uv";

/** What {@linkcode migrateBackend} found when validating. */
export interface MigrationValidation {
  /** True when the environment after is identical to before (as the module doc defines it). */
  ok: boolean;
  /** Distributions compared file by file (installed from a wheel, same version before and after). */
  compared: number;
  /** Each difference, as a sentence (empty when `ok`). */
  differences: string[];
}

/** The outcome of {@linkcode migrateBackend}. */
export interface MigrateBackendResult {
  /** The environment. */
  name: string;
  /** Its registry record after the migration (as it was when nothing changed). */
  record: EnvironmentRecord;
  /** The backend before. */
  from: MigrationBackend;
  /** The backend after (or, for a dry run, asked for). */
  to: MigrationBackend;
  /** The lock applied: its path, and whether it was made from what was installed first. */
  lock: { path: string; created: boolean };
  /** The distributions the new backend installed (or would install), name and version. */
  reinstalled: Array<{ name: string; version: string; file: string | null; sha256: string | null }>;
  /** The validation, or null when not asked for (or a dry run, or nothing to do). */
  validation: MigrationValidation | null;
  /** Nothing was changed: the environment already used `to`, or a dry run. */
  unchanged: boolean;
  /** True for a dry run. */
  dryRun: boolean;
}

/** Options of {@linkcode migrateBackend}. */
export interface MigrateBackendOptions {
  /** The backend to move to. */
  to: MigrationBackend;
  /** Check that the result is identical; restore the environment when it is not. */
  validate: boolean;
  /** Say what would happen; change nothing. */
  dryRun?: boolean;
}

/**
 * Reads the environment's lock, or locks what is installed (written only when not a dry run).
 * @throws {OperationError} `migrate_unlockable` when an installed distribution is on no index.
 */
async function environmentLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  target: BackendTarget,
): Promise<{ lock: Pylock; path: string; created: boolean }> {
  const path = environmentLockPath(record);
  const text = await Deno.readTextFile(path).catch(() => null);
  if (text !== null) return { lock: parsePylock(text, path), path, created: false };
  const { lock, unlocked } = await lockInstalled(ctx, record, target);
  if (unlocked.length > 0) {
    throw new OperationError(
      `\`${record.name}\` has no pylock.toml, and ${
        unlocked.map((u) => `${u.name} ${u.version} (${u.reason})`).join(", ")
      } cannot be locked, so it could not be installed again`,
      "migrate_unlockable",
      { hint: `Remove or replace those distributions, or run \`gestvenv lock ${record.name}\`` },
    );
  }
  return { lock, path, created: true };
}

/**
 * Re-installs the environment `name` from its lock with `options.to` and records that backend in
 * the registry (see the module doc). Under the environment's lock; distributions the lock does
 * not list are left as they are.
 * @throws {EnvironmentNotFoundError} When there is no such environment.
 * @throws {BackendError} When `to` is uv and no uv binary is found.
 * @throws {OperationError} `migrate_not_identical` when validation finds a difference (the
 *   environment is restored first); `migrate_in_place` for an environment adopted in place; `migrate_unlockable` as {@linkcode environmentLock}.
 * @throws {NetworkError | PackageNotFoundError | BackendError} When the install fails (restored).
 * @throws {InterruptedError} On Ctrl-C (restored).
 */
export async function migrateBackend(
  ctx: EnvironmentContext,
  name: string,
  options: MigrateBackendOptions,
): Promise<MigrateBackendResult> {
  const backend = await selectBackend(options.to, ctx.settings.uvPath.value);
  const plan = async (record: EnvironmentRecord) => {
    const { target } = await openEnvironment(ctx, record);
    const installed = await readInstalledDistributions(target.layout.sitePackages);
    const path = environmentLockPath(record);
    const exists = await Deno.stat(path).then(() => true, () => false);
    return { target, installed, path, exists };
  };
  const base = (record: EnvironmentRecord) => ({
    name: record.name,
    record,
    from: record.backend,
    to: options.to,
  });
  if (options.dryRun) {
    const record = await getEnvironment(ctx, name);
    assertNotAdoptedInPlace(record);
    const { target, installed, path, exists } = await plan(record);
    let reinstalled = installed.map((d) => ({
      name: d.normalized_name,
      version: d.version,
      file: null as string | null,
      sha256: null as string | null,
    }));
    if (exists) {
      const locked = lockedInstalls(parsePylock(await Deno.readTextFile(path), path), target);
      reinstalled = locked.map((l) => ({
        name: l.name,
        version: l.version ?? "",
        file: l.file?.name ?? null,
        sha256: l.file?.hashes.sha256 ?? null,
      }));
    }
    return {
      ...base(record),
      lock: { path, created: !exists },
      reinstalled: record.backend === options.to ? [] : reinstalled,
      validation: null,
      unchanged: true,
      dryRun: true,
    };
  }
  return await withEnvironmentLock(ctx, name, async () => {
    // An interrupted migration of it was finished or undone by the lock (its journal entry).
    const record = await getEnvironment(ctx, name);
    assertNotAdoptedInPlace(record);
    const { target, installed } = await plan(record);
    if (record.backend === options.to) {
      return {
        ...base(record),
        lock: { path: environmentLockPath(record), created: false },
        reinstalled: [],
        validation: null,
        unchanged: true,
        dryRun: false,
      };
    }
    assertMayChange(ctx, `migrate ${record.name} to the ${options.to} backend`);
    const { lock, path, created } = await environmentLock(ctx, record, target);
    const locked = lockedInstalls(lock, target);
    const lockedNames = new Set(locked.map((l) => l.name));
    const wheels = new Set(
      locked.filter((l) => l.file?.name.endsWith(".whl")).map((l) => l.name),
    );
    const sitePackages = target.layout.sitePackages;
    const before = await snapshotDistributions(sitePackages);
    const problemsBefore = new Set(
      await checkDependencies(sitePackages, target.interpreter.info.markers),
    );

    // The whole environment, copied beside it: what is put back on any failure. The journal
    // entry, written first, is how any later command (and `cleanup`) knows what that copy is.
    const backup = leftoverPath(record.path, "staging");
    const journal = await writeJournal(ctx, {
      op: "migrate-backend",
      name: record.name,
      path: record.path,
      backup_path: backup,
      from: record.backend,
      to: options.to,
    });
    ctx.reporter.step(`Copying ${record.name} aside (restored if anything fails)`);
    try {
      await writeMigrationBackup(
        record.path,
        backup,
        { from: record.backend, to: options.to },
        ctx.signal,
      );
    } catch (error) {
      await removeJournal(journal);
      throw error;
    } finally {
      ctx.reporter.done();
    }
    let validation: MigrationValidation | null = null;
    let updated = record;
    try {
      await failpoint("migrate-backend.after-backup");
      // Every locked distribution goes, so that the new backend installs each one.
      const toRemove = installed.filter((d: InstalledDistribution) =>
        lockedNames.has(d.normalized_name)
      );
      ctx.reporter.step(`Removing ${toRemove.length} distributions installed by ${record.backend}`);
      try {
        for (const dist of toRemove) await uninstallDistribution(installTargetOf(target), dist);
      } finally {
        ctx.reporter.done();
      }
      await failpoint("migrate-backend.after-uninstall");
      await installFromLock(ctx, record, backend, target, lock, false);
      if (options.validate) {
        ctx.reporter.step(`Validating ${record.name}`);
        try {
          const after = await snapshotDistributions(sitePackages);
          const { compared, differences } = compareSnapshots(before, after, wheels);
          for (
            const problem of await checkDependencies(
              sitePackages,
              target.interpreter.info.markers,
            )
          ) {
            if (!problemsBefore.has(problem)) differences.push(`check: ${problem}`);
          }
          validation = { ok: differences.length === 0, compared, differences };
        } finally {
          ctx.reporter.done();
        }
        if (!validation.ok) {
          throw new OperationError(
            `Migrating \`${record.name}\` to ${options.to} did not give the same environment; ` +
              `it was restored as it was:\n  ${validation.differences.join("\n  ")}`,
            "migrate_not_identical",
            {
              hint: `Nothing changed. Compare with \`gestvenv check --env ${record.name}\`; ` +
                "run without --validate to keep what the new backend installs",
            },
          );
        }
      }
      await failpoint("migrate-backend.before-register");
      const packages = (await readInstalledDistributions(sitePackages))
        .map((d) => ({ name: d.normalized_name, version: d.version }));
      updated = await changeRegistry(ctx, (registry) => {
        const current = registry.environments.get(record.name) ?? record;
        current.backend = options.to;
        current.packages = packages;
        current.last_used_at = now();
        registry.environments.set(record.name, current);
        return current;
      });
    } catch (error) {
      await restoreMigrationBackup(record.path, backup);
      await removeJournal(journal);
      throw error;
    }
    // Committed: the registry records the new backend. A kill from here on only leaves the copy
    // to throw away (the journal entry says so), never to put back.
    await failpoint("migrate-backend.after-register");
    await discardMigrationBackup(backup);
    await removeJournal(journal);
    return {
      ...base(record),
      record: updated,
      lock: { path, created },
      reinstalled: locked.map((l) => ({
        name: l.name,
        version: l.version ?? "",
        file: l.file?.name ?? null,
        sha256: l.file?.hashes.sha256 ?? null,
      })),
      validation,
      unchanged: false,
      dryRun: false,
    };
  });
}

/**
 * Refuses an environment adopted in place (`migrate --adopt PATH --in-place`): it belongs to
 * another tool and gestvenv writes nothing into it (README "Migrating from other tools").
 * @throws {OperationError} `migrate_in_place`.
 */
function assertNotAdoptedInPlace(record: EnvironmentRecord): void {
  if (record.adopted?.in_place !== true) return;
  throw new OperationError(
    `\`${record.name}\` was adopted in place (\`migrate --adopt ${record.path} --in-place\`): ` +
      "gestvenv writes nothing into it, so it cannot move it to another backend",
    "migrate_in_place",
    {
      hint: `Adopt it by copy first (\`gestvenv delete ${record.name}\`, then ` +
        `\`gestvenv migrate --adopt ${record.path} --name ${record.name}\`), and migrate the copy`,
    },
  );
}

/** What the lock installs for this environment's interpreter. */
function lockedInstalls(lock: Pylock, target: BackendTarget) {
  const info = target.interpreter.info;
  return selectLockedFiles(lock, info.markers, supportedTags(tagInput(info)));
}
