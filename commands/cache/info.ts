import { buildCommand } from "npm:@stricli/core@1.3.0";
import { summarizeCache } from "../../lib/cache/mod.ts";
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
import { withCache } from "./_cache.ts";

/** `gestvenv cache info`: where the cache is, its size, and what it holds by kind. */
export const cacheInfoCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "Show where the package cache is, its size, and what it holds by kind",
    fullDescription: examples([
      ["gestvenv cache info", "location (and which setting chose it), total size, counts"],
      ["gestvenv cache info --format json", "the same, sizes in bytes"],
    ]),
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("cache info", async (ctx, _flags: GlobalFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const settings = ctx.settings;
    const location = settings.cacheDir;
    const limits = {
      max_size: settings.cacheMaxSize,
      max_age_days: settings.cacheMaxAgeDays,
      auto_cleanup: settings.cacheAutoCleanup,
      offline: settings.offline,
      use_cache: settings.useCache,
      fallback_to_online: settings.fallbackToOnline,
    };
    const summary = await withCache(ctx, summarizeCache);
    if (format === "json") {
      ctx.printer.json("cache info", {
        location: summary.root,
        location_source: location.source,
        location_origin: location.origin,
        total_bytes: summary.totalBytes,
        index_bytes: summary.indexBytes,
        kinds: summary.kinds.map((k) => ({ kind: k.kind, count: k.count, bytes: k.bytes })),
        settings: Object.fromEntries(
          Object.entries(limits).map(([key, s]) => [key, {
            value: s.value ?? null,
            source: s.source,
            origin: s.origin,
          }]),
        ),
      });
      return;
    }
    const from = (s: { source: string; origin: string }) =>
      s.source === "default" ? "" : ` (${s.origin})`;
    const onOff = (s: { value: boolean; source: string; origin: string }) =>
      `${s.value ? "on" : "off"}${from(s)}`;
    await ctx.printer.table(["Field", "Value"], [
      ["location", summary.root],
      ["set by", location.origin],
      ["total size", formatBytes(summary.totalBytes)],
      ["index database", formatBytes(summary.indexBytes)],
      ...summary.kinds.map((k) => [
        k.kind,
        k.kind === "other" ? formatBytes(k.bytes) : `${k.count} (${formatBytes(k.bytes)})`,
      ]),
      [
        "max size",
        limits.max_size.value === undefined
          ? "none"
          : `${formatBytes(limits.max_size.value)}${from(limits.max_size)}`,
      ],
      [
        "max age",
        limits.max_age_days.value === undefined
          ? "none"
          : `${limits.max_age_days.value} days${from(limits.max_age_days)}`,
      ],
      ["auto cleanup", onOff(limits.auto_cleanup)],
      ["offline", onOff(limits.offline)],
      ["use cache", onOff(limits.use_cache)],
      ["fallback to online", onOff(limits.fallback_to_online)],
    ]);
  }, { effect: "reads" }),
});
