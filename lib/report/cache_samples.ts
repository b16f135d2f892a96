/**
 * The cache sizes reports measured, `<home>/reports/cache_sizes.json`: the cache's size at a
 * period's start is what an earlier report measured then (nothing else records it), so each
 * report adds one sample.
 *
 * @module
 */
import { atomicWriteFile, withFileLock } from "../fs/mod.ts";
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

/** The samples of the file, and whether it exists but is not a samples file (damaged). */
async function readSamplesFile(
  path: string,
): Promise<{ samples: CacheSample[]; damaged: boolean }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return { samples: [], damaged: false };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { samples: [], damaged: true };
  }
  const samples = (value as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(samples)) return { samples: [], damaged: true };
  return {
    samples: samples.filter((s): s is CacheSample =>
      s !== null && typeof s === "object" && typeof s.time === "string" &&
      !Number.isNaN(Date.parse(s.time)) && Number.isSafeInteger(s.bytes) && s.bytes >= 0
    ).sort((a, b) => Date.parse(a.time) - Date.parse(b.time)),
    damaged: false,
  };
}

/**
 * The recorded samples, oldest first; none when the file is missing or unreadable (a damaged
 * file only loses the growth figure, which the report then says is unknown).
 */
export async function readCacheSamples(homeRoot: string): Promise<CacheSample[]> {
  return (await readSamplesFile(cacheSamplesPath(homeRoot))).samples;
}

/**
 * Adds a sample (format 1; at most {@linkcode MAX_CACHE_SAMPLES} kept): read, add and write
 * under the lock `cache_sizes.json.lock` (two reports at once both keep their sample), the write
 * atomic. A damaged file is moved aside (`cache_sizes.json.corrupt-<time>`, `onWarning` says
 * where) rather than silently replaced.
 *
 * @param options.timeoutMs How long to wait for another report's write, ms (default 10 000).
 * @throws {LockTimeoutError} When another process holds the lock past `timeoutMs`.
 * @throws {Deno.errors.PermissionDenied} When the home is not writable.
 */
export async function recordCacheSample(
  homeRoot: string,
  sample: CacheSample,
  options: { onWarning?: (message: string) => void; timeoutMs?: number } = {},
): Promise<void> {
  const path = cacheSamplesPath(homeRoot);
  await withFileLock(`${path}.lock`, async () => {
    const read = await readSamplesFile(path);
    if (read.damaged) {
      const aside = `${path}.corrupt-${new Date().toISOString().replace(/:/g, "-")}`;
      await Deno.rename(path, aside);
      options.onWarning?.(
        `${path} was damaged (not a samples file); it was moved to ${aside} and a new one started ` +
          "(the cache's growth is unknown until a report measures the next period's start)",
      );
    }
    const samples = [...read.samples, sample].slice(-MAX_CACHE_SAMPLES);
    await atomicWriteFile(path, JSON.stringify({ format: 1, samples }, null, 1) + "\n");
  }, { timeoutMs: options.timeoutMs ?? 10_000, label: "the report's cache sizes" });
}
