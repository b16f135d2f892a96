/**
 * `gestvenv stats [dashboard]`: usage statistics from the operation log and the registry.
 *
 * @module
 */
import { buildCommand } from "npm:@stricli/core@1.3.0";
import { loadRegistry, registryRecords } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { filterOperations, logsDirOf, parseSince, readOperations } from "../lib/oplog/mod.ts";
import {
  backendCounts,
  cacheFigures,
  commandStats,
  dailyTrend,
  environmentSizes,
  phaseTotals,
  topPackages,
  withoutFuture,
} from "../lib/stats/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, toggle } from "./_help.ts";
import { formatBytes } from "./_output.ts";

interface StatsFlags extends GlobalFlags {
  readonly detailed?: boolean;
  readonly trend?: boolean;
  readonly period?: string;
}

/** The period when `--period` is not given. */
const DEFAULT_PERIOD = "30d";

/** Everything `stats` reports (its JSON `data`). */
export interface StatsReport {
  period: { since: string; value: string };
  operations: { total: number; failed: number; by_command: ReturnType<typeof commandStats> };
  cache: ReturnType<typeof cacheFigures>;
  environments: {
    count: number;
    largest: Awaited<ReturnType<typeof environmentSizes>>;
  };
  packages: ReturnType<typeof topPackages>;
  backends: ReturnType<typeof backendCounts>;
  phases_ms: Record<string, number>;
  trend?: ReturnType<typeof dailyTrend>;
}

async function gather(ctx: CommandContext, flags: StatsFlags, limit: number): Promise<StatsReport> {
  const period = flags.period ?? DEFAULT_PERIOD;
  const since = parseSince(period);
  const { entries: all, skipped } = await readOperations(logsDirOf(ctx.home));
  if (skipped > 0) {
    ctx.printer.warn(
      `Skipped ${skipped} unreadable line${skipped === 1 ? "" : "s"} of the operation log`,
    );
  }
  const now = Date.now();
  const dated = withoutFuture(all, now);
  if (dated.future > 0) {
    ctx.printer.warn(
      `Left out ${dated.future} operation${
        dated.future === 1 ? "" : "s"
      } of the log dated more than a day in the future`,
    );
  }
  const entries = filterOperations(dated.entries, { since });
  const records = registryRecords(await loadRegistry(ctx.environments()));
  const sizes = await environmentSizes(records);
  const phases: Record<string, number> = {};
  for (const [phase, ms] of phaseTotals(entries)) phases[phase] = ms;
  return {
    period: { since: new Date(since).toISOString(), value: period },
    operations: {
      total: entries.length,
      failed: entries.filter((e) => e.exit_code !== 0).length,
      by_command: commandStats(entries),
    },
    cache: cacheFigures(entries),
    environments: { count: records.length, largest: sizes.slice(0, limit) },
    packages: topPackages(entries, limit),
    backends: backendCounts(records),
    phases_ms: phases,
    ...(flags.trend ? { trend: dailyTrend(entries, now) } : {}),
  };
}

const ms = (n: number) => `${Math.round(n)}`;
const percent = (n: number | null) => n === null ? "unknown" : `${(n * 100).toFixed(1)}%`;
const bytes = (n: number | null) => n === null ? "unknown" : formatBytes(n);

/** The cache line, saying what is unknown rather than inventing it. */
function cacheLine(report: StatsReport): string {
  const c = report.cache;
  if (c.measured_operations === 0) {
    return "Cache: unknown (no operation in the period recorded cache figures)";
  }
  const rate = c.hit_rate === null
    ? "no artifact asked for"
    : `${percent(c.hit_rate)} hit rate (${c.hits} hits, ${c.misses} misses)`;
  return `Cache: ${rate}; ` +
    `${bytes(c.bytes_downloaded)} downloaded, ${bytes(c.bytes_saved)} saved` +
    (c.unmeasured_operations > 0
      ? ` (${c.unmeasured_operations} older operations did not record them)`
      : "");
}

async function printTables(ctx: CommandContext, report: StatsReport, detailed: boolean) {
  const p = ctx.printer;
  p.data(
    `Operations since ${
      report.period.since.replace(/\.\d+Z$/, "Z")
    } (--period ${report.period.value}): ` +
      `${report.operations.total}, ${report.operations.failed} failed`,
  );
  if (report.operations.by_command.length > 0) {
    await p.table(
      ["command", "count", "failed", "median ms", "p90 ms"],
      report.operations.by_command.map((c) => [
        c.command,
        c.count,
        c.failures,
        ms(c.median_ms),
        ms(c.p90_ms),
      ]),
    );
  }
  p.data(cacheLine(report));
  if (detailed && Object.keys(report.phases_ms).length > 0) {
    const total = Object.values(report.phases_ms).reduce((a, b) => a + b, 0);
    p.data("Time by phase (operations that recorded it):");
    await p.table(
      ["phase", "ms", "share"],
      Object.entries(report.phases_ms).map(([phase, n]) => [
        phase,
        ms(n),
        percent(total === 0 ? 0 : n / total),
      ]),
    );
  }
  if (report.environments.largest.length === 0) p.data("Environments: none");
  else {
    p.data(`Largest environments (of ${report.environments.count}):`);
    await p.table(
      ["environment", "backend", "size", "files"],
      report.environments.largest.map((e) => [
        e.name,
        e.backend,
        sizeText(e),
        e.files,
      ]),
    );
  }
  if (report.packages.length === 0) p.data("Most installed packages: none in the period");
  else {
    p.data("Most installed packages:");
    await p.table(
      ["package", "installs", "environments"],
      report.packages.map((pkg) => [pkg.name, pkg.installs, pkg.environments]),
    );
  }
  p.data(
    "Backends: " +
      (report.backends.length === 0
        ? "none"
        : report.backends.map((b) => `${b.backend} ${b.environments}`).join(", ")),
  );
  if (report.trend !== undefined) {
    if (report.trend.length === 0) p.data("Trend: no operations in the period");
    else {
      p.data("Trend (per day, UTC):");
      await p.table(
        ["day", "operations", "failed", "median ms"],
        report.trend.map((d) => [d.day, d.operations, d.failures, ms(d.median_ms)]),
      );
    }
  }
}

/**
 * An environment's size as printed: `missing`, its bytes, or `≥ ` its bytes when the walk was cut
 * short (a lower bound).
 */
export function sizeText(e: { bytes: number; complete: boolean; exists: boolean }): string {
  if (!e.exists) return "missing";
  return `${e.complete ? "" : "≥ "}${formatBytes(e.bytes)}`;
}

/** A bar of `width` plain characters, `fraction` of it filled. */
export function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** `stats dashboard`: a few lines with plain-character bars. */
function dashboardLines(ctx: CommandContext, report: StatsReport): string[] {
  const bold = (s: string) => ctx.printer.out.bold(s);
  const lines = [
    bold(`gestvenv since ${report.period.since.slice(0, 10)}`) +
    `  ${report.operations.total} operations, ${report.operations.failed} failed`,
  ];
  const top = report.operations.by_command.slice(0, 5);
  const most = Math.max(1, ...top.map((c) => c.count));
  const width = Math.max(8, ...top.map((c) => c.command.length));
  for (const c of top) {
    lines.push(
      `${c.command.padEnd(width)} ${bar(c.count / most)} ${String(c.count).padStart(4)}  median ${
        ms(c.median_ms)
      } ms`,
    );
  }
  const c = report.cache;
  lines.push(
    `${"cache".padEnd(width)} ${bar(c.hit_rate ?? 0)} ${percent(c.hit_rate).padStart(6)} hits  ` +
      `${bytes(c.bytes_downloaded)} down, ${bytes(c.bytes_saved)} saved`,
  );
  const envs = report.environments.largest.slice(0, 3);
  lines.push(
    `${"envs".padEnd(width)} ${report.environments.count}` +
      (envs.length === 0 ? "" : `: ${envs.map((e) => `${e.name} ${sizeText(e)}`).join(", ")}`) +
      (report.backends.length === 0
        ? ""
        : `  (${report.backends.map((b) => `${b.backend} ${b.environments}`).join(", ")})`),
  );
  return lines;
}

/** `gestvenv stats [dashboard]`. */
export const statsCommand = buildCommand<StatsFlags, [string | undefined], CliContext>({
  docs: {
    brief: "Usage statistics: operations, durations, cache hit rate, largest environments",
    fullDescription: examples([
      ["gestvenv stats", "the last 30 days"],
      ["gestvenv stats --period 7d --trend", "the last week, day by day"],
      ["gestvenv stats --detailed --format json", "time by phase and longer lists, for scripts"],
      ["gestvenv stats dashboard", "a few lines with bars"],
    ]) +
      "\nFigures come from the operation log (<home>/logs/operations.jsonl) and the registry; cache" +
      "\nfigures only from operations that recorded them (older lines did not: shown as unknown).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      detailed: toggle("Time by phase, and longer lists of environments and packages"),
      trend: toggle("Operations, failures and median duration per day"),
      period: optionalText(
        "Since a duration back from now (30d, 12h, 2w) or a date (2026-11-01); default 30d",
        "period",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        brief: "dashboard: a compact summary",
        parse: String,
        placeholder: "dashboard",
        optional: true,
      }],
    },
  },
  func: action("stats", async (ctx, flags: StatsFlags, view: string | undefined) => {
    if (view !== undefined && view !== "dashboard") {
      throw new UsageError(`No stats view \`${view}\``, {
        hint: "gestvenv stats, or gestvenv stats dashboard",
      });
    }
    const format = formatFor(ctx, ["table", "json"], "table");
    const report = await gather(ctx, flags, flags.detailed ? 25 : 5);
    if (format === "json") {
      ctx.printer.json(view === undefined ? "stats" : "stats dashboard", report);
      return;
    }
    if (view === "dashboard") {
      for (const line of dashboardLines(ctx, report)) ctx.printer.data(line);
      return;
    }
    await printTables(ctx, report, flags.detailed ?? false);
  }, { effect: "reads" }),
});
