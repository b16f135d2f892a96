import { buildCommand } from "npm:@stricli/core@1.3.0";
import { cleanCache, type CleanPolicy } from "../../lib/cache/mod.ts";
import { throwIfInterrupted, UsageError } from "../../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  confirm,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText, toggle } from "../_help.ts";
import { formatBytes } from "../_output.ts";
import { environmentReferences, parseDaysFlag, parseSizeFlag, withCache } from "./_cache.ts";
import { cleanReportJson, printCleanReport } from "./_clean_report.ts";

interface CleanFlags extends GlobalFlags {
  readonly all?: boolean;
  readonly olderThan?: string;
  readonly maxSize?: string;
  readonly unpacked?: boolean;
}

/** `gestvenv cache clean`: removes what the cache holds by policy. */
export const cacheCleanCommand = buildCommand<CleanFlags, [], CliContext>({
  docs: {
    brief:
      "Remove cached files: unused for DAYS, least recently used over a size, unpacked, or all",
    fullDescription: examples([
      ["gestvenv cache clean --older-than 30", "artifacts not used for 30 days"],
      ["gestvenv cache clean --max-size 2GB", "least recently used artifacts until under 2 GB"],
      ["gestvenv cache clean --unpacked", "unpacked wheels no environment uses, stray files"],
      ["gestvenv cache clean --max-size 1GB --dry-run", "only show what would go"],
      ["gestvenv cache clean --all --yes", "everything, even what environments use"],
    ]) +
      "\nWithout --all, nothing an environment uses goes: the files its pylock.toml names, what was" +
      "\nbuilt from them, and every unpacked file an environment links to. Environments keep" +
      "\nworking after --all too (their files are links or copies); what they need is downloaded" +
      "\nagain on the next install.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      all: toggle("Remove everything (asks on a terminal; --yes in scripts)"),
      olderThan: optionalText("Remove artifacts not used for more than DAYS days", "days"),
      maxSize: optionalText(
        "Remove least recently used artifacts until the cache is under SIZE (500MB, 2GB)",
        "size",
      ),
      unpacked: toggle("Remove unpacked wheels no environment uses, and stray stored files"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("cache clean", async (ctx, flags: CleanFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const policy: CleanPolicy = {
      all: flags.all ?? false,
      olderThanDays: flags.olderThan === undefined
        ? undefined
        : parseDaysFlag(flags.olderThan, "--older-than"),
      maxBytes: flags.maxSize === undefined
        ? undefined
        : parseSizeFlag(flags.maxSize, "--max-size"),
      unpacked: flags.unpacked ?? false,
    };
    if (
      !policy.all && policy.olderThanDays === undefined && policy.maxBytes === undefined &&
      !policy.unpacked
    ) {
      throw new UsageError("Say what to clean", {
        hint: "Use --older-than DAYS, --max-size SIZE, --unpacked or --all (see --help)",
      });
    }
    const report = await withCache(ctx, async (cache) => {
      if (policy.all && !ctx.dryRun) {
        const plan = await cleanCache(cache, policy, { dryRun: true });
        const yes = await confirm(
          ctx,
          `Remove everything in the cache at ${cache.root} (${formatBytes(plan.bytes)})?`,
        );
        if (yes === undefined) {
          throw new UsageError("Refusing to empty the cache without confirmation", {
            hint: "Run it in a terminal, or pass `--yes`",
          });
        }
        if (!yes) return undefined;
      }
      const refs = policy.all ? undefined : await environmentReferences(ctx);
      for (const name of refs?.unlocked ?? []) {
        ctx.printer.warn(
          `\`${name}\` has no readable pylock.toml: only its hard links protect its files ` +
            `(\`gestvenv lock ${name}\` writes one)`,
        );
      }
      const reporter = ctx.environments().reporter;
      reporter.step(ctx.dryRun ? "Planning the clean" : "Cleaning the cache");
      try {
        return await cleanCache(cache, policy, {
          dryRun: ctx.dryRun,
          ...(refs === undefined ? {} : { referenced: refs.references }),
          signal: ctx.signal,
          onWait: () =>
            ctx.printer.warn("Waiting for the package cache: another gestvenv process is using it"),
        });
      } finally {
        reporter.done();
      }
    });
    if (report === undefined) {
      ctx.printer.info("Nothing removed");
      return;
    }
    if (format === "json") {
      throwIfInterrupted(ctx.signal);
      ctx.printer.json("cache clean", cleanReportJson(report));
      return;
    }
    await printCleanReport(ctx, report);
    if (policy.maxBytes !== undefined && report.sizeAfter > policy.maxBytes && !policy.all) {
      ctx.printer.warn(
        `The cache stays over ${formatBytes(policy.maxBytes)}: what is left is used by ` +
          "environments, or is not an artifact (index pages, metadata, builds); " +
          "`--all` empties it",
      );
    }
    // Ctrl-C stopped it between two removals: what went is listed above.
    throwIfInterrupted(ctx.signal);
  }, { effect: "changes" }),
});
