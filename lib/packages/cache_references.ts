/**
 * What the registered environments use in the package cache, so cleaning keeps it: the sha256 of
 * every file each environment's `pylock.toml` names, and the origins (file URLs of sdists,
 * `file:` URLs of directories) the wheels built from them were stored with. `lib/cache` takes
 * this as an input (it does not read environments). And `cache.auto_cleanup`, run after an
 * operation with those references.
 *
 * @module
 */
import { autoCleanup, type CacheReferences, type CleanReport, openCache } from "../cache/mod.ts";
import { type EnvironmentContext, readRegistry, registryRecords } from "../environments/mod.ts";
import { join, toFileUrl } from "../paths/mod.ts";
import { readEnvironmentLock } from "./environment_lock.ts";

/** {@linkcode environmentCacheReferences}'s answer. */
export interface EnvironmentCacheReferences {
  /** What to keep. */
  references: CacheReferences;
  /** Registered environments read. */
  environments: number;
  /** Environments whose lock is missing or unreadable (only hard links protect their files). */
  unlocked: string[];
}

/**
 * Reads every registered environment's lock (see the module documentation).
 * Requires `--allow-read`.
 * @param registryFile The registry (`HomeLayout.registryFile`).
 */
export async function environmentCacheReferences(
  registryFile: string,
): Promise<EnvironmentCacheReferences> {
  const sha256s = new Set<string>();
  const origins = new Set<string>();
  const unlocked: string[] = [];
  const records = registryRecords(await readRegistry(registryFile));
  for (const record of records) {
    const lock = await readEnvironmentLock(record);
    if (lock === undefined) {
      unlocked.push(record.name);
      continue;
    }
    for (const p of lock.packages) {
      for (const file of [...p.wheels, ...(p.sdist === undefined ? [] : [p.sdist])]) {
        const sha = file.hashes.sha256;
        if (sha !== undefined) sha256s.add(sha.toLowerCase());
        origins.add(file.url);
      }
      if (p.directory !== undefined) {
        const path = p.directory.path;
        origins.add(toFileUrl(/^([a-z]:)?[\\/]/i.test(path) ? path : join(record.path, path)));
      }
    }
  }
  return { references: { sha256s, origins }, environments: records.length, unlocked };
}

/** Time `autoCleanupAfterOperation` allows itself, in ms. */
export const AUTO_CLEANUP_BUDGET_MS = 2000;

/**
 * `cache.auto_cleanup`: when the setting is on and `cache.max_size` or `cache.max_age` is set,
 * brings the cache back within them (see `autoCleanup` in lib/cache), keeping what every
 * registered environment uses; bounded by {@linkcode AUTO_CLEANUP_BUDGET_MS}; never waits for
 * another process using the cache. Call it once an operation is finished (the environment it
 * made registered, the cache's lock released). A failure is reported as a warning, never thrown:
 * the operation itself succeeded.
 * @returns The report, or undefined when nothing ran (off, no limit, dry run, cache busy).
 */
export async function autoCleanupAfterOperation(
  ctx: EnvironmentContext,
): Promise<CleanReport | undefined> {
  const s = ctx.settings;
  if (ctx.dryRun || !s.cacheAutoCleanup.value || !s.useCache.value) return undefined;
  if (s.cacheMaxSize.value === undefined && s.cacheMaxAgeDays.value === undefined) return undefined;
  try {
    const { references } = await environmentCacheReferences(ctx.home.registryFile);
    const cache = await openCache(ctx.home.cacheDir);
    try {
      return await autoCleanup(cache, {
        maxBytes: s.cacheMaxSize.value,
        maxAgeDays: s.cacheMaxAgeDays.value,
        referenced: references,
        budgetMs: AUTO_CLEANUP_BUDGET_MS,
      });
    } finally {
      cache.close();
    }
  } catch (error) {
    ctx.reporter.warn(
      `The automatic cache cleanup failed (${error instanceof Error ? error.message : error}); ` +
        "run `gestvenv cache clean` by hand",
    );
    return undefined;
  }
}
