/**
 * What the `cache` commands share: opening the cache of the command's settings, what the
 * registered environments use (so a clean keeps it), and size parsing and formatting.
 *
 * @module
 */
import { openCache, type PackageCache } from "../../lib/cache/mod.ts";
import { parseDays, parseSize } from "../../lib/config/mod.ts";
import { ConfigError, UsageError } from "../../lib/errors/mod.ts";
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

/** Runs a settings parser on a flag's value; its error becomes a usage error (exit 2). */
function asFlag<T>(parse: (value: unknown, where: string) => T, text: string, flag: string): T {
  try {
    return parse(text, flag);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new UsageError(`${flag} \`${text}\` is not valid: ${error.message}`, {
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    });
  }
}

/**
 * Parses a size flag as the settings do (`500MB`, `2GB`, `1.5GiB`; units are powers of 1024).
 * @throws {UsageError} (exit 2) naming the flag for anything else.
 */
export function parseSizeFlag(text: string, flag: string): number {
  return asFlag(parseSize, text, flag);
}

/**
 * Parses a number of days as the settings do (`30`, `30d`, `2w`, `12h`).
 * @throws {UsageError} (exit 2) otherwise.
 */
export function parseDaysFlag(text: string, flag: string): number {
  return asFlag(parseDays, text, flag);
}

/** A time as an ISO 8601 string (UTC), for JSON. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
