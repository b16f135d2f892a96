/**
 * What the `cache` commands share: opening the cache of the command's settings, what the
 * registered environments use (so a clean keeps it), and size parsing and formatting.
 *
 * @module
 */
import { openCache, type PackageCache } from "../../lib/cache/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import {
  type EnvironmentCacheReferences,
  environmentCacheReferences,
} from "../../lib/packages/mod.ts";
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

/** What the registered environments use (kept by cleans): see `environmentCacheReferences`. */
export async function environmentReferences(
  ctx: CommandContext,
): Promise<EnvironmentCacheReferences> {
  return await environmentCacheReferences(ctx.home.registryFile);
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
