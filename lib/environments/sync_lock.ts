/**
 * Installing exactly what a PEP 751 lock lists: for each package whose marker holds, the best
 * wheel for the environment (else the sdist) by URL, with `--no-deps --require-hashes` so any
 * hash mismatch fails; then, for a sync, removing what the lock does not list.
 *
 * @module
 */
import type { Backend, BackendTarget } from "../backends/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import {
  formatPylock,
  lockedRequirementLines,
  parsePylock,
  type Pylock,
  selectLockedFiles,
} from "../lock/mod.ts";
import { join } from "../paths/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { OperationError } from "../errors/mod.ts";
import {
  type EnvironmentContext,
  getEnvironment,
  openEnvironment,
  recordInstalled,
} from "./context.ts";
import { withEnvironmentLock } from "./recover_interrupted.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { environmentLockPath } from "./environment_lock.ts";

/** Distributions a sync never removes: the environment's own installer. */
const KEEP = new Set(["pip"]);

/**
 * Installs the lock's packages into `target` (no resolution, no dependencies, hashes required),
 * removes installed distributions the lock does not list when `exact`, and stores the lock as
 * the environment's lock.
 * @returns the names removed.
 * @throws {BackendError} when the backend fails, including on a hash mismatch.
 */
export async function installFromLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  backend: Backend,
  target: BackendTarget,
  lock: Pylock,
  exact: boolean,
): Promise<string[]> {
  const info = target.interpreter.info;
  const installs = selectLockedFiles(lock, info.markers, supportedTags(info));
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-lock-" });
  try {
    if (installs.length > 0) {
      const file = join(dir, "requirements.txt");
      await Deno.writeTextFile(file, lockedRequirementLines(installs).join("\n") + "\n");
      ctx.reporter.step(`Installing ${installs.length} locked distributions into ${record.name}`);
      try {
        await backend.install(target, {
          requirements: [],
          requirementFiles: [file],
          editables: [],
          upgrade: false,
          noDeps: true,
          requireHashes: installs.every((i) => i.directory === null),
          dryRun: false,
        }, { index: ctx.settings.index, onOutput: ctx.reporter.output });
      } finally {
        ctx.reporter.done();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  let removed: string[] = [];
  if (exact) {
    const wanted = new Set(installs.map((i) => i.name));
    const installed = await readInstalledDistributions(target.layout.sitePackages);
    removed = installed.map((d) => d.normalized_name).filter((n) => !wanted.has(n) && !KEEP.has(n));
    if (removed.length > 0) {
      ctx.reporter.step(`Removing ${removed.join(" ")} (not in the lock)`);
      try {
        await backend.uninstall(target, removed, {
          index: ctx.settings.index,
          onOutput: ctx.reporter.output,
        });
      } finally {
        ctx.reporter.done();
      }
    }
  }
  await atomicWriteFile(environmentLockPath(record), formatPylock(lock));
  return removed;
}

/** The outcome of {@linkcode syncEnvironment}. */
export interface SyncResult {
  record: EnvironmentRecord;
  /** Distributions removed because the lock does not list them. */
  removed: string[];
  /** The lock file that was applied. */
  lockFile: string;
}

/**
 * Makes the named environment match a lock exactly (`gestvenv sync ENV --locked`): installs the
 * locked files with hashes required, removes the rest, and records the result. Without
 * `lockFile`, the environment's own `pylock.toml` is used.
 * @throws {EnvironmentNotFoundError} when the environment does not exist.
 * @throws {OperationError} when there is no lock to apply.
 * @throws {InvalidSyntaxError} when the lock is malformed or has no file for this platform.
 * @throws {BackendError} when installing fails (hash mismatch included).
 */
export async function syncEnvironment(
  ctx: EnvironmentContext,
  name: string,
  lockFile?: string,
): Promise<SyncResult> {
  await getEnvironment(ctx, name);
  return await withEnvironmentLock(ctx, name, async () => {
    const record = await getEnvironment(ctx, name);
    const path = lockFile ?? environmentLockPath(record);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      throw new OperationError(
        `No lock to sync \`${name}\` with: cannot read ${path}`,
        "lock_missing",
        {
          cause: error,
          hint: `Make one with \`gestvenv lock ${name}\`, or pass a lock file with --lock-file`,
        },
      );
    }
    const lock = parsePylock(text, path);
    const { backend, target } = await openEnvironment(ctx, record);
    const removed = await installFromLock(ctx, record, backend, target, lock, true);
    const updated = await recordInstalled(
      ctx,
      record,
      backend,
      target,
      (reqs) => lock.gestvenv?.requirements ?? reqs,
    );
    return { record: updated, removed, lockFile: path };
  });
}
