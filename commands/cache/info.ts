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
    const location = ctx.settings.cacheDir;
    const summary = await withCache(ctx, summarizeCache);
    if (format === "json") {
      ctx.printer.json("cache info", {
        location: summary.root,
        location_source: location.source,
        location_origin: location.origin,
        total_bytes: summary.totalBytes,
        index_bytes: summary.indexBytes,
        kinds: summary.kinds.map((k) => ({ kind: k.kind, count: k.count, bytes: k.bytes })),
      });
      return;
    }
    const origin = location.origin === "default" ? "default" : `${location.origin}`;
    await ctx.printer.table(["Field", "Value"], [
      ["location", summary.root],
      ["set by", origin],
      ["total size", formatBytes(summary.totalBytes)],
      ["index database", formatBytes(summary.indexBytes)],
      ...summary.kinds.map((k) => [
        k.kind,
        k.kind === "other" ? formatBytes(k.bytes) : `${k.count} (${formatBytes(k.bytes)})`,
      ]),
    ]);
  }, { effect: "reads" }),
});
