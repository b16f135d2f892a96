/**
 * `gestvenv profile run COMMAND...` (and `profile COMMAND...` for any other first word than the
 * configuration-profile commands): runs a gestvenv command in this process with a collecting
 * listener on its reporter, and says where its time went.
 *
 * @module
 */
import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../../lib/errors/mod.ts";
import { SpanCollector, type SpanSummary } from "../../lib/events/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
  withCommandListener,
} from "../_context.ts";
import { commandLine } from "../_command_line.ts";
import { examples, toggle } from "../_help.ts";
import { formatBytes } from "../_output.ts";

interface ProfileFlags extends GlobalFlags {
  readonly detailed?: boolean;
}

/** One span in the `--detailed` listing. */
interface SpanRow {
  phase: string;
  detail: string | null;
  /** Start, ms after the profiled command started. */
  start_ms: number;
  /** Its own duration, ms (nested and parallel spans overlap). */
  ms: number;
}

const tenth = (ms: number) => Math.round(ms * 10) / 10;
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The counters as one line for people. */
export function countersLine(counters: SpanSummary["counters"]): string {
  return `cache: ${counters.cache_hits} hit${counters.cache_hits === 1 ? "" : "s"}, ` +
    `${counters.cache_misses} miss${counters.cache_misses === 1 ? "" : "es"}; ` +
    `${formatBytes(counters.bytes_downloaded)} downloaded, ` +
    `${formatBytes(counters.bytes_saved)} served from the cache; ` +
    `${counters.index_requests} HTTP request${counters.index_requests === 1 ? "" : "s"}`;
}

async function printProfile(
  ctx: CommandContext,
  commandLine: string,
  exitCode: number,
  summary: SpanSummary,
  spans: SpanRow[] | undefined,
): Promise<void> {
  const format = formatFor(ctx, ["table", "json"], "table");
  if (format === "json") {
    ctx.printer.json("profile", {
      command: commandLine,
      exit_code: exitCode,
      wall_ms: tenth(summary.wall_ms),
      phases: summary.phases.map((p) => ({
        ...p,
        ms: tenth(p.ms),
        share: Math.round(p.share * 1000) / 1000,
      })),
      unaccounted_ms: tenth(summary.unaccounted_ms),
      counters: summary.counters,
      ...(spans === undefined ? {} : { spans }),
    });
    return;
  }
  ctx.printer.data(
    `Profile of \`${commandLine}\`: exit ${exitCode}, wall time ${
      tenth(summary.wall_ms).toFixed(1)
    } ms`,
  );
  await ctx.printer.table(
    ["phase", "ms", "share", "spans"],
    [
      ...summary.phases.map((p) => [p.phase, p.ms.toFixed(1), percent(p.share), p.spans]),
      [
        "(outside any phase)",
        summary.unaccounted_ms.toFixed(1),
        percent(summary.wall_ms === 0 ? 0 : summary.unaccounted_ms / summary.wall_ms),
        "",
      ],
    ],
  );
  ctx.printer.data(countersLine(summary.counters));
  if (spans !== undefined && spans.length > 0) {
    await ctx.printer.table(
      ["start ms", "phase", "what", "ms"],
      spans.map((s) => [s.start_ms.toFixed(1), s.phase, s.detail ?? "", s.ms.toFixed(1)]),
    );
  }
}

/** `gestvenv profile run COMMAND...`: where a command's time goes. */
export const profileRunCommand = buildCommand<ProfileFlags, string[], CliContext>({
  docs: {
    brief: "Run a gestvenv command and show where its time went: phases, shares, cache, downloads",
    fullDescription: examples([
      ["gestvenv profile run install web flask", "time per phase of an install"],
      ["gestvenv profile run --detailed create api -r req.txt", "every span: downloads, links, …"],
      ["gestvenv profile run --format json sync", "for scripts"],
      ["gestvenv profile install web flask", "the same: `run` may be left out"],
    ]) +
      "\nThe command runs in this process and prints its own output as usual; profile's flags go before it." +
      "\n`run` may be left out unless the command is one of activate, list, show, create, apply, export" +
      "\n(the configuration-profile commands): `gestvenv profile run list` profiles `list`." +
      "\nPhases: startup, resolve, metadata, download, unpack, link, compile, build, virtualenv, registry;" +
      "\neach instant counts once, for the innermost phase running (parallel downloads count once).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      detailed: toggle("List every span (phase, what it worked on, start and duration)"),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: { brief: "The gestvenv command to run", parse: String, placeholder: "command" },
      minimum: 1,
    },
  },
  func: action("profile", async (ctx, flags: ProfileFlags, ...args: string[]) => {
    // Checked before the command runs, so a bad format wastes nothing.
    formatFor(ctx, ["table", "json"], "table");
    const inner = args[0] === "--" ? args.slice(1) : args;
    if (inner.length === 0 || inner[0] === "profile") {
      throw new UsageError(
        inner.length === 0 ? "`profile` needs a command to run" : "`profile` cannot profile itself",
        { hint: "gestvenv profile run install ENV PACKAGE" },
      );
    }
    const { runCli } = await import("../mod.ts");
    const collector = new SpanCollector();
    const start = performance.now();
    const exitCode = await withCommandListener(collector, () => runCli(inner));
    const summary = collector.summary(start, performance.now());
    const spans = flags.detailed
      ? collector.spans.map((s) => ({
        phase: s.phase,
        detail: s.detail,
        start_ms: tenth(s.start - start),
        ms: tenth((s.end ?? start + summary.wall_ms) - s.start),
      }))
      : undefined;
    await printProfile(ctx, commandLine(inner), exitCode, summary, spans);
    return exitCode;
  }, { effect: "runs" }),
});
