/**
 * What `benchmark` and `compare` share: their flags, turning them into `runBenchmark` options
 * (the interpreter, the backends that can run here, the user's environment and configuration),
 * the report (a table, or the JSON document), and `--export` (the JSON with the machine and the
 * gestvenv version, written atomically).
 *
 * @module
 */
import {
  type BenchmarkBackend,
  type BenchmarkKind,
  type BenchmarkOperation,
  type BenchmarkOptions,
  type BenchmarkResult,
  formatMs,
} from "../lib/benchmark/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { atomicWriteFile } from "../lib/fs/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import { findInterpreter } from "../lib/python/mod.ts";
import { detectLibc, runtimeInfo, timeBound } from "../lib/system/mod.ts";
import { backendsFor } from "./backend/_describe.ts";
import { type CommandContext, formatFor, type GlobalFlags } from "./_context.ts";
import { optionalText } from "./_help.ts";
import { splitPackageList } from "./create.ts";
import { selfCommand } from "./_self.ts";
import { VERSION } from "./_version.ts";

/** Flags of every `benchmark` and `compare` command. */
export interface BenchmarkFlags extends GlobalFlags {
  readonly iterations?: number;
  readonly packages?: string;
  readonly packagesFile?: string;
  readonly python?: string;
  readonly indexUrl?: string;
  readonly export?: string;
}

function parseIterations(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--iterations takes a whole number of at least 1, not \`${text}\``, {
      hint: "e.g. --iterations 5",
    });
  }
  return n;
}

/** The default number of timed runs per case. */
export const DEFAULT_ITERATIONS = 5;

/** Stricli specs of {@linkcode BenchmarkFlags} (without the global ones). */
export const BENCHMARK_FLAGS = {
  iterations: {
    kind: "parsed",
    parse: parseIterations,
    brief: `Timed runs per case, after one untimed warm-up run (default ${DEFAULT_ITERATIONS})`,
    placeholder: "n",
    optional: true,
  },
  packages: optionalText('Packages to install, comma separated: "requests,flask"', "list"),
  packagesFile: optionalText("A requirements file of packages to install", "file"),
  python: optionalText("Interpreter of the throwaway environments: 3.12, a path", "version"),
  indexUrl: optionalText("Package index (default: your configured indexes)", "url"),
  export: optionalText("Also write the results as JSON to FILE (with the machine)", "file"),
} as const;

/** What the table rows and `--export` say about one result. */
export interface Rendered {
  /** Ratio of each row's median to the first measured row's (compare), else absent. */
  ratios: boolean;
}

/**
 * The options of a benchmark from the command's flags and settings.
 * @throws {UsageError} For a `--packages-file` that does not exist.
 * @throws {OperationError} `interpreter_not_found` when the interpreter cannot be found.
 */
export async function benchmarkOptions(
  ctx: CommandContext,
  flags: BenchmarkFlags,
  kind: BenchmarkKind,
  extra: {
    operation?: BenchmarkOperation;
    backends?: readonly BenchmarkBackend[];
    signal?: AbortSignal | undefined;
  } = {},
): Promise<BenchmarkOptions> {
  const requirementFiles: string[] = [];
  if (flags.packagesFile !== undefined) {
    const file = absolute(flags.packagesFile);
    const info = await Deno.stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile) {
      throw new UsageError(`--packages-file: no file ${file}`, {
        hint: "Give a requirements file, one requirement per line",
      });
    }
    requirementFiles.push(file);
  }
  const s = ctx.settings;
  const interpreter = await findInterpreter(s.python.value, { cacheDir: ctx.home.cacheDir });
  const configured = s.backend.value === "auto" ? "native" : s.backend.value;
  let backends: BenchmarkOptions["backends"];
  if (extra.backends !== undefined) {
    const described = await backendsFor(ctx);
    backends = extra.backends.map((name) => {
      const d = described.find((b) => b.name === name);
      return {
        name,
        unavailable: d?.available
          ? null
          : name === "uv"
          ? "not available: no uv binary (uv_path, GESTVENV_UV or PATH)"
          : `not available: no pip for ${interpreter.realPath}`,
      };
    });
  }
  return {
    kind,
    ...(extra.operation === undefined ? {} : { operation: extra.operation }),
    backend: configured,
    ...(backends === undefined ? {} : { backends }),
    requirements: splitPackageList(flags.packages ?? ""),
    requirementFiles,
    iterations: flags.iterations ?? DEFAULT_ITERATIONS,
    python: interpreter.realPath,
    gestvenv: selfCommand(),
    baseEnv: Deno.env.toObject(),
    configFile: ctx.home.configFile,
    indexUrl: s.indexUrl.source === "flag" ? s.indexUrl.value : undefined,
    offline: s.offline.value,
    userCacheDir: s.cacheDir.value,
    signal: extra.signal,
    onRun: (label, run, ms) =>
      ctx.printer.info(
        `${label}: ${
          run < 0 ? "warm-up" : `run ${run + 1}/${flags.iterations ?? DEFAULT_ITERATIONS}`
        } ${formatMs(ms)}`,
      ),
    onStep: (text) => ctx.printer.info(text),
  };
}

/** What a dry run prints: the cases, and that nothing is run. */
export function describeBenchmark(ctx: CommandContext, options: BenchmarkOptions): void {
  const what = options.kind === "backends"
    ? `${options.operation ?? "install"} with the ${
      (options.backends ?? []).map((b) => b.name).join(", ")
    } backends`
    : options.kind === "cache"
    ? `install with a warm and with an empty cache (${options.backend} backend)`
    : `${options.kind} (${options.backend} backend)`;
  const packages = [...options.requirements, ...options.requirementFiles.map((f) => `-r ${f}`)];
  ctx.printer.info(
    `Dry run: would time ${what}${packages.length > 0 ? ` of ${packages.join(" ")}` : ""}, ` +
      `${options.iterations} runs after a warm-up run, in a temporary home removed afterwards; ` +
      "nothing was run",
  );
}

/** The machine the figures come from, for `--export` (stable keys). */
async function machine(): Promise<Record<string, unknown>> {
  const libc = await timeBound((signal) => detectLibc(signal));
  const runtime = runtimeInfo(import.meta.url);
  let memory: number | null = null;
  try {
    memory = Deno.systemMemoryInfo().total;
  } catch { /* not available */ }
  let osRelease: string | null = null;
  try {
    osRelease = Deno.osRelease();
  } catch { /* not available */ }
  let load: number[] | null = null;
  try {
    load = Deno.loadavg();
  } catch { /* not available */ }
  return {
    os: Deno.build.os,
    os_release: osRelease,
    arch: Deno.build.arch,
    libc: libc.status === "ok" ? libc.value : null,
    cpus: navigator.hardwareConcurrency ?? null,
    memory_total_bytes: memory,
    load_average: load,
    deno: runtime.deno,
    gestvenv_mode: runtime.mode,
  };
}

/** The JSON document of a result (`--format json` data and `--export`). */
export function resultData(result: BenchmarkResult, rendered: Rendered) {
  const base = result.rows.find((r) => r.timing !== null)?.timing?.median_ms;
  return {
    ...result,
    rows: result.rows.map((r) => ({
      ...r,
      ...(rendered.ratios
        ? {
          ratio_to_first: r.timing === null || base === undefined
            ? null
            : Math.round((r.timing.median_ms / base) * 100) / 100,
        }
        : {}),
    })),
  };
}

/** Writes `--export FILE`: the result, the machine and gestvenv's version, atomically. */
export async function exportResult(
  path: string,
  command: string,
  result: BenchmarkResult,
  rendered: Rendered,
): Promise<string> {
  const file = absolute(path);
  const doc = {
    format: 1,
    command,
    created_at: new Date().toISOString(),
    gestvenv: { version: VERSION },
    machine: await machine(),
    result: resultData(result, rendered),
  };
  await atomicWriteFile(file, JSON.stringify(doc, null, 2) + "\n");
  return file;
}

/** Prints the result: a table (median, min, max, runs; ratios for `compare`), or JSON. */
export async function printResult(
  ctx: CommandContext,
  command: string,
  result: BenchmarkResult,
  rendered: Rendered,
  format: string,
): Promise<void> {
  if (format === "json") {
    ctx.printer.json(command, resultData(result, rendered));
    return;
  }
  const data = resultData(result, rendered);
  const head = ["Case", "Median", "Min", "Max", "Runs", ...(rendered.ratios ? ["Ratio"] : [])];
  await ctx.printer.table(
    head,
    data.rows.map((r) => {
      if (r.timing === null) {
        return [
          r.label,
          r.unavailable_reason ?? "not available",
          "",
          "",
          "",
          ...(rendered.ratios ? [""] : []),
        ];
      }
      const ratio = (r as { ratio_to_first?: number | null }).ratio_to_first;
      return [
        r.label,
        formatMs(r.timing.median_ms),
        formatMs(r.timing.min_ms),
        formatMs(r.timing.max_ms),
        r.timing.iterations,
        ...(rendered.ratios
          ? [ratio === null || ratio === undefined ? "" : `${ratio.toFixed(2)}x`]
          : []),
      ];
    }),
  );
}

/**
 * Runs a benchmark and reports it, the one path of `benchmark *` and `compare *`: a dry run only
 * describes it; otherwise it runs, writes `--export FILE` when asked, and prints the table or JSON.
 */
export async function runAndReport(
  ctx: CommandContext,
  command: string,
  options: BenchmarkOptions,
  rendered: Rendered,
  exportPath: string | undefined,
): Promise<void> {
  const format = formatFor(ctx, ["table", "json"], "table");
  if (ctx.dryRun) {
    describeBenchmark(ctx, options);
    return;
  }
  const { runBenchmark } = await import("../lib/benchmark/mod.ts");
  const result = await runBenchmark(options);
  if (exportPath !== undefined) {
    ctx.printer.info(`Wrote ${await exportResult(exportPath, command, result, rendered)}`);
  }
  await printResult(ctx, command, result, rendered, format);
}
