/**
 * Each environment's own lock: `<env>/pylock.toml` (PEP 751), describing exactly what is
 * installed, with the index's file URLs, sizes and sha256 hashes. It is rewritten after every
 * change to the environment; `gestvenv lock ENV` writes it on demand.
 *
 * @module
 */
import { readInstalledDistributions } from "../distribution/mod.ts";
import type { IndexClient } from "../index/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import {
  buildPylock,
  formatPylock,
  type LockablePackage,
  parsePylock,
  type Pylock,
} from "../lock/mod.ts";
import { dependenciesFor, parseCoreMetadata } from "../metadata/mod.ts";
import { join } from "../paths/mod.ts";
import type { BackendTarget } from "../backends/mod.ts";
import {
  assertMayChange,
  type EnvironmentContext,
  type EnvironmentRecord,
} from "../environments/mod.ts";
import { indexClientFor } from "./index_client_for.ts";

/** The path of an environment's lock. */
export function environmentLockPath(record: EnvironmentRecord): string {
  return join(record.path, "pylock.toml");
}

/** A package that is installed but could not be matched with files on the indexes. */
export interface UnlockedDistribution {
  name: string;
  version: string;
  reason: string;
}

/**
 * Locks what is installed in `target`: for each `*.dist-info`, the files of that exact version on
 * the indexes, and its dependencies among the installed distributions.
 * @throws {NetworkError} when an index cannot be reached.
 */
export async function lockInstalled(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  target: BackendTarget,
  index?: IndexClient,
): Promise<{ lock: Pylock; unlocked: UnlockedDistribution[] }> {
  const client = index ?? indexClientFor(ctx);
  const installed = await readInstalledDistributions(target.layout.sitePackages);
  const names = new Set(installed.map((d) => d.normalized_name));
  const markers = target.interpreter.info.markers;
  const unlocked: UnlockedDistribution[] = [];
  const packages = await Promise.all(
    installed.map(async (dist): Promise<LockablePackage | null> => {
      let dependencies: string[] = [];
      let requiresPython: string | null = null;
      try {
        const metadata = parseCoreMetadata(
          await Deno.readTextFile(join(dist.dist_info, "METADATA")),
        );
        requiresPython = metadata.requiresPython;
        dependencies = [
          ...new Set(
            dependenciesFor(metadata, [], markers).map((d) => d.requirement.normalizedName),
          ),
        ]
          .filter((n) => names.has(n) && n !== dist.normalized_name).sort();
      } catch {
        // Unreadable metadata: lock the files without dependency names.
      }
      const project = await client.projectFiles(dist.normalized_name);
      const files = (project?.files ?? []).filter((f) => {
        const version = tryParseWheelFilename(f.filename)?.version ??
          tryParseSdistFilename(f.filename, dist.normalized_name)?.version;
        return version !== undefined && version.text === dist.version;
      });
      if (files.length === 0) {
        unlocked.push({
          name: dist.name,
          version: dist.version,
          reason: project === null
            ? "not on the indexes"
            : `version ${dist.version} not on the indexes`,
        });
        return null;
      }
      return {
        name: dist.normalized_name,
        version: dist.version,
        index: project!.index,
        files,
        requiresPython,
        dependencies,
      };
    }),
  );
  const lock = buildPylock(packages.filter((p) => p !== null), {
    createdBy: `gestvenv ${ctx.creatorVersion}`,
    requirements: record.requirements,
    python: target.interpreter.info.version,
    environment: record.name,
  });
  return { lock, unlocked };
}

/**
 * Rewrites `<env>/pylock.toml` after a change. Never fails the change: when the indexes cannot be
 * reached the stale lock is removed and a warning says how to make it again.
 */
export async function refreshEnvironmentLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  target: BackendTarget,
): Promise<void> {
  const path = environmentLockPath(record);
  assertMayChange(ctx, `rewrite ${path}`);
  try {
    const { lock, unlocked } = await lockInstalled(ctx, record, target);
    await atomicWriteFile(path, formatPylock(lock));
    for (const u of unlocked) {
      ctx.reporter.warn(`${u.name} ${u.version} is not in ${record.name}'s lock: ${u.reason}`);
    }
  } catch (error) {
    await Deno.remove(path).catch(() => {});
    ctx.reporter.warn(
      `The lock of \`${record.name}\` was not refreshed (${(error as Error).message}); ` +
        `run \`gestvenv lock ${record.name}\` later`,
    );
  }
}

/** The environment's lock, parsed, or undefined when it is missing or unreadable. */
export async function readEnvironmentLock(record: EnvironmentRecord): Promise<Pylock | undefined> {
  const path = environmentLockPath(record);
  try {
    return parsePylock(await Deno.readTextFile(path), path);
  } catch {
    return undefined;
  }
}

/**
 * Changes the environment's lock in place without a resolution: `edit` changes the parsed lock
 * and says whether it changed anything; only then is it written (atomically). A missing or
 * unreadable lock is left alone.
 * @throws {DryRunViolationError} When a change would be written in a dry run.
 */
export async function editEnvironmentLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  edit: (lock: Pylock) => boolean,
): Promise<void> {
  const lock = await readEnvironmentLock(record);
  if (lock === undefined || !edit(lock)) return;
  const path = environmentLockPath(record);
  assertMayChange(ctx, `rewrite ${path}`);
  await atomicWriteFile(path, formatPylock(lock));
}
