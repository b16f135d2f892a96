/**
 * What the `cache` commands share: opening the cache of the command's settings, what the
 * registered environments use (so a clean keeps it), and size parsing and formatting.
 *
 * @module
 */
import { type CacheReferences, openCache, type PackageCache } from "../../lib/cache/mod.ts";
import { readRegistry, registryRecords } from "../../lib/environments/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import { readEnvironmentLock } from "../../lib/packages/mod.ts";
import { join, toFileUrl } from "../../lib/paths/mod.ts";
import type { CommandContext } from "../_context.ts";

/** Runs `fn` with the cache of `ctx` opened (closed afterwards). */
export async function withCache<T>(
  ctx: CommandContext,
  fn: (cache: PackageCache) => Promise<T>,
): Promise<T> {
  const cache = await openCache(ctx.home.cacheDir);
  try {
    return await fn(cache);
  } finally {
    cache.close();
  }
}

/**
 * What the registered environments use: the sha256 of every file their `pylock.toml` names, and
 * the origins (URLs of sdists, `file:` URLs of directories) the wheels built from them were
 * stored with. Environments whose lock is missing or unreadable are named in `unlocked`: only
 * their hard links protect their files.
 */
export async function environmentReferences(
  ctx: CommandContext,
): Promise<{ references: CacheReferences; environments: number; unlocked: string[] }> {
  const sha256s = new Set<string>();
  const origins = new Set<string>();
  const unlocked: string[] = [];
  const records = registryRecords(await readRegistry(ctx.home.registryFile));
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

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Parses a size: a number of bytes, or a number with a unit (`500MB`, `2GB`, `1.5GiB`; decimal
 * `KB`/`MB`/`GB`/`TB`, binary `KiB`/`MiB`/`GiB`/`TiB`), case-insensitive.
 * @throws {UsageError} (exit 2) naming the flag for anything else.
 */
export function parseSizeFlag(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[match?.[2]?.toLowerCase() ?? "?"];
  if (match === null || unit === undefined) {
    throw new UsageError(`${flag} \`${text}\` is not a size`, {
      hint: "Give bytes or a number with a unit: 500MB, 2GB, 1.5GiB",
    });
  }
  return Math.floor(Number(match[1]) * unit);
}

/** Parses a number of days (`30`, `0.5`). @throws {UsageError} (exit 2) otherwise. */
export function parseDaysFlag(text: string, flag: string): number {
  const days = Number(text.trim().replace(/d(ays?)?$/i, ""));
  if (text.trim() === "" || !Number.isFinite(days) || days < 0) {
    throw new UsageError(`${flag} \`${text}\` is not a number of days`, {
      hint: "Give a number of days, e.g. 30",
    });
  }
  return days;
}

/** A time as an ISO 8601 string (UTC), for JSON. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
