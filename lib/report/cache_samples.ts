/**
 * The cache sizes reports measured, `<home>/reports/cache_sizes.json`: the cache's size at a
 * period's start is what an earlier report measured then (nothing else records it), so each
 * report adds one sample.
 *
 * @module
 */
import { atomicWriteFile } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";

/** One measurement of the cache's size. */
export interface CacheSample {
  /** When (ISO 8601). */
  time: string;
  /** Its size, bytes (`cache info`'s `total_bytes`). */
  bytes: number;
}

/** How many samples are kept (the oldest go first): a year of hourly reports. */
export const MAX_CACHE_SAMPLES = 24 * 366;

/** The samples file of a home. */
export function cacheSamplesPath(homeRoot: string): string {
  return join(homeRoot, "reports", "cache_sizes.json");
}

/**
 * The recorded samples, oldest first; none when the file is missing or unreadable (a damaged
 * file only loses the growth figure, which the report then says is unknown).
 */
export async function readCacheSamples(homeRoot: string): Promise<CacheSample[]> {
  let value: unknown;
  try {
    value = JSON.parse(await Deno.readTextFile(cacheSamplesPath(homeRoot)));
  } catch {
    return [];
  }
  const samples = (value as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(samples)) return [];
  return samples.filter((s): s is CacheSample =>
    s !== null && typeof s === "object" && typeof s.time === "string" &&
    !Number.isNaN(Date.parse(s.time)) && Number.isSafeInteger(s.bytes) && s.bytes >= 0
  ).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

/**
 * Adds a sample (atomic write of the whole file, format 1; at most
 * {@linkcode MAX_CACHE_SAMPLES} kept). Two reports at once may each miss the other's sample,
 * which only makes a later growth figure start a little earlier or later; the file is never torn.
 *
 * @throws {Deno.errors.PermissionDenied} When the home is not writable.
 */
export async function recordCacheSample(homeRoot: string, sample: CacheSample): Promise<void> {
  const samples = [...await readCacheSamples(homeRoot), sample].slice(-MAX_CACHE_SAMPLES);
  await atomicWriteFile(
    cacheSamplesPath(homeRoot),
    JSON.stringify({ format: 1, samples }, null, 1) + "\n",
  );
}
