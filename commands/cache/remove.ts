import { buildCommand } from "npm:@stricli/core@1.3.0";
import { removeFromCache, type RemoveTarget } from "../../lib/cache/mod.ts";
import { throwIfInterrupted, UsageError } from "../../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples } from "../_help.ts";
import { environmentReferences, withCache } from "./_cache.ts";
import { cleanReportJson, printCleanReport } from "./_clean_report.ts";

/** `PKG` or `PKG==VERSION`. */
export function parseRemoveTarget(text: string): RemoveTarget {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:==\s*([^\s=<>!~,;]+))?\s*$/
    .exec(text);
  if (match === null) {
    throw new UsageError(`\`${text}\` is not a project or project==version`, {
      hint: "Write `numpy` (every version) or `numpy==2.1.0`",
    });
  }
  return { project: match[1]!, version: match[2] };
}

/** `gestvenv cache remove PKG[==V]...`: removes projects from the cache. */
export const cacheRemoveCommand = buildCommand<GlobalFlags, string[], CliContext>({
  docs: {
    brief: "Remove projects (every version, or one) from the cache",
    fullDescription: examples([
      ["gestvenv cache remove numpy", "every cached version of numpy"],
      ["gestvenv cache remove demo-pkg==1.0.0 six", "one version of demo-pkg, and six"],
      ["gestvenv cache remove numpy --dry-run", "only show what would go"],
    ]) +
      "\nIt removes what environments use too: they keep working (their files are links or" +
      "\ncopies), and the artifacts are downloaded again by the next install that needs them.",
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: {
        parse: String,
        brief: "PKG or PKG==VERSION",
        placeholder: "pkg",
      },
      minimum: 1,
    },
  },
  func: action("cache remove", async (ctx, _flags: GlobalFlags, ...args: string[]) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const targets = args.map(parseRemoveTarget);
    const report = await withCache(ctx, async (cache) => {
      const refs = await environmentReferences(ctx);
      return await removeFromCache(cache, targets, {
        dryRun: ctx.dryRun,
        referenced: refs.references,
        signal: ctx.signal,
        onWait: () =>
          ctx.printer.warn("Waiting for the package cache: another gestvenv process is using it"),
      });
    });
    for (const t of report.unmatched) {
      ctx.printer.warn(
        `The cache holds no ${t.project}${t.version === undefined ? "" : ` ${t.version}`}`,
      );
    }
    if (format === "json") {
      throwIfInterrupted(ctx.signal);
      ctx.printer.json("cache remove", {
        ...cleanReportJson(report),
        unmatched: report.unmatched.map((t) => ({
          project: t.project,
          version: t.version ?? null,
        })),
      });
      return;
    }
    await printCleanReport(ctx, report);
    // Ctrl-C stopped it between two removals: what went is listed above.
    throwIfInterrupted(ctx.signal);
  }, { effect: "changes" }),
});
