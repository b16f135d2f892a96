import { buildCommand } from "npm:@stricli/core@1.3.0";
import { cacheStats } from "../../lib/cache/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples } from "../_help.ts";
import { formatBytes } from "../_output.ts";
import { iso, withCache } from "./_cache.ts";

const AGE_LABELS = {
  "<1d": "less than a day",
  "<7d": "1 to 7 days",
  "<30d": "7 to 30 days",
  ">=30d": "30 days or more",
} as const;

/** `gestvenv cache stats`: hits and misses, bytes saved, largest projects, ages. */
export const cacheStatsCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "Show cache hits and misses, bytes saved, the largest projects and artifact ages",
    fullDescription: examples([
      ["gestvenv cache stats", "what installs found in the cache and what they downloaded"],
      ["gestvenv cache stats --json", "the same, sizes in bytes, times in ISO 8601"],
    ]) +
      "\nEvery artifact an install asks the cache for counts: a hit when it was there (its size is" +
      "\nsaved), a miss when it was downloaded. The last 100,000 lookups are kept.",
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("cache stats", async (ctx, _flags: GlobalFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const stats = await withCache(ctx, (cache) => cacheStats(cache));
    const l = stats.lookups;
    if (format === "json") {
      ctx.printer.json("cache stats", {
        hits: l.hits,
        misses: l.misses,
        hit_rate: stats.hitRate,
        bytes_saved: l.bytesSaved,
        bytes_downloaded: l.bytesDownloaded,
        since: l.first === null ? null : iso(l.first),
        last_lookup: l.last === null ? null : iso(l.last),
        artifacts: stats.artifacts.count,
        artifact_bytes: stats.artifacts.bytes,
        largest_projects: stats.largest,
        lookups_by_project: l.projects.map((p) => ({
          project: p.project,
          hits: p.hits,
          misses: p.misses,
          bytes_saved: p.bytesSaved,
          bytes_downloaded: p.bytesDownloaded,
        })),
        ages: stats.ages.map((a) => ({ last_used: a.band, count: a.count, bytes: a.bytes })),
      });
      return;
    }
    const p = ctx.printer;
    const rate = stats.hitRate === null ? "-" : `${(stats.hitRate * 100).toFixed(1)}%`;
    await p.table(["Field", "Value"], [
      ["hits", l.hits],
      ["misses", l.misses],
      ["hit rate", rate],
      ["bytes saved", formatBytes(l.bytesSaved)],
      ["bytes downloaded", formatBytes(l.bytesDownloaded)],
      ["since", l.first === null ? "-" : iso(l.first)],
      ["artifacts", `${stats.artifacts.count} (${formatBytes(stats.artifacts.bytes)})`],
    ]);
    if (stats.largest.length > 0) {
      p.data("Largest projects:");
      await p.table(
        ["Project", "Versions", "Files", "Size"],
        stats.largest.map((x) => [x.project, x.versions, x.files, formatBytes(x.bytes)]),
      );
    }
    p.data("Artifacts by last use:");
    await p.table(
      ["Last used", "Artifacts", "Size"],
      stats.ages.map((a) => [AGE_LABELS[a.band], a.count, formatBytes(a.bytes)]),
    );
  }, { effect: "reads" }),
});
