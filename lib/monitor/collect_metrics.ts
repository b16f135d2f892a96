/**
 * The figures of the Prometheus exposition, from the same lib functions `stats` uses (no second
 * computation): the operation log through `lib/stats`, the registry, the cache's summary (what
 * `cache info` shows) and the last health check.
 *
 * @module
 */
import { openCache, summarizeCache } from "../cache/mod.ts";
import { type EnvironmentContext, loadRegistry, registryRecords } from "../environments/mod.ts";
import { logsDirOf, readOperations } from "../oplog/mod.ts";
import { cacheFigures, commandStats, withoutFuture } from "../stats/mod.ts";
import { readLastCheck } from "./last_check.ts";
import { monitorFiles } from "./monitor_files.ts";
import type { MetricsSnapshot } from "./prometheus.ts";

/**
 * Gathers a {@linkcode MetricsSnapshot} for `ctx`'s home: every operation of the log (rotated
 * files included, lines dated more than a day ahead left out as `stats` does), so counters only
 * grow until the log's retention drops old lines; the registry's names; the cache's size (0
 * without a cache; the cache is not created); `last_check.json`. Requires `--allow-read` (and
 * `--allow-write` for the cache's lock file).
 */
export async function collectMetrics(
  ctx: EnvironmentContext,
  now: number = Date.now(),
): Promise<MetricsSnapshot> {
  const { entries: all } = await readOperations(logsDirOf(ctx.home));
  const entries = withoutFuture(all, now).entries;
  const sums = new Map<string, number>();
  for (const e of entries) sums.set(e.command, (sums.get(e.command) ?? 0) + e.duration_ms);
  const records = registryRecords(await loadRegistry(ctx));
  let cacheBytes: number | null = null;
  if (await Deno.stat(ctx.home.cacheDir).then(() => true, () => false)) {
    const cache = await openCache(ctx.home.cacheDir);
    try {
      cacheBytes = (await summarizeCache(cache)).totalBytes;
    } finally {
      cache.close();
    }
  }
  return {
    commands: commandStats(entries),
    durationSumsMs: sums,
    cache: cacheFigures(entries),
    cacheBytes,
    environments: records.map((r) => r.name),
    lastCheck: await readLastCheck(monitorFiles(ctx.home.root)),
  };
}
