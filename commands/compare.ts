import { buildCommand, buildRouteMap } from "npm:@stricli/core@1.3.0";
import type { BenchmarkBackend, BenchmarkOperation } from "../lib/benchmark/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { action, type CliContext, GLOBAL_ALIASES, GLOBAL_FLAGS } from "./_context.ts";
import {
  BENCHMARK_FLAGS,
  type BenchmarkFlags,
  benchmarkOptions,
  runAndReport,
} from "./_benchmark.ts";
import { examples } from "./_help.ts";

interface CompareBackendsFlags extends BenchmarkFlags {
  readonly operation?: BenchmarkOperation;
}

const FOOTER =
  "\nEach run is a whole gestvenv process in a throwaway home (removed afterwards, also on" +
  "\nCtrl-C or error); one untimed warm-up run, then --iterations timed runs, interleaved." +
  "\nRatios are each median over the first row's. --export FILE writes the JSON with the" +
  "\nmachine and gestvenv's version.";

const BACKENDS: readonly BenchmarkBackend[] = ["native", "uv", "pip"];

function parseBackend(text: string): BenchmarkBackend {
  if ((BACKENDS as readonly string[]).includes(text)) return text as BenchmarkBackend;
  throw new UsageError(`No backend \`${text}\`: native, uv or pip`, {
    hint: "e.g. gestvenv compare backends native uv pip --packages requests",
  });
}

/** `gestvenv compare backends native uv pip`: one operation with each backend, side by side. */
const compareBackendsCommand = buildCommand<CompareBackendsFlags, BenchmarkBackend[], CliContext>({
  docs: {
    brief: "The same operation with each backend, side by side with ratios to the first",
    fullDescription: examples([
      ["gestvenv compare backends native uv pip --packages requests", "install, 5 runs each"],
      [
        'gestvenv compare backends pip uv --operation create --packages "flask"',
        "create with packages",
      ],
      ["gestvenv compare backends --packages flask --export comparison.json", "all three, saved"],
    ]) + FOOTER,
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      ...BENCHMARK_FLAGS,
      operation: {
        kind: "enum",
        values: ["install", "create"],
        brief: "What each run does (default install: into a fresh empty environment)",
        optional: true,
      },
    },
    aliases: { ...GLOBAL_ALIASES, p: "python" },
    positional: {
      kind: "array",
      parameter: {
        brief: "Backends in column order (default: native uv pip)",
        parse: parseBackend,
        placeholder: "backend",
      },
    },
  },
  func: action(
    "compare backends",
    async (ctx, flags: CompareBackendsFlags, ...names: BenchmarkBackend[]) => {
      const backends = names.length === 0 ? BACKENDS : [...new Set(names)];
      const operation = flags.operation ?? "install";
      const options = await benchmarkOptions(ctx, flags, "backends", {
        operation,
        backends,
        signal: ctx.signal,
      });
      await runAndReport(ctx, "compare backends", options, { ratios: true }, flags.export);
    },
    { effect: "changes" },
  ),
});

/** `gestvenv compare cache-vs-nocache`: an install with a warm cache, then with an empty one. */
const compareCacheCommand = buildCommand<BenchmarkFlags, [], CliContext>({
  docs: {
    brief: "The same install with a warm cache and with an empty one, with the ratio",
    fullDescription: examples([
      ["gestvenv compare cache-vs-nocache --packages requests", "warm first, then empty"],
    ]) + FOOTER,
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, ...BENCHMARK_FLAGS },
    aliases: { ...GLOBAL_ALIASES, p: "python" },
  },
  func: action("compare cache-vs-nocache", async (ctx, flags: BenchmarkFlags) => {
    const options = await benchmarkOptions(ctx, flags, "cache", { signal: ctx.signal });
    await runAndReport(ctx, "compare cache-vs-nocache", options, { ratios: true }, flags.export);
  }, { effect: "changes" }),
});

/** `gestvenv compare backends|cache-vs-nocache`: benchmarks side by side, with ratios. */
export const compareRoutes = buildRouteMap({
  routes: { backends: compareBackendsCommand, "cache-vs-nocache": compareCacheCommand },
  docs: {
    brief: "Compare backends, or a warm cache with none, side by side with ratios",
    fullDescription: examples([
      ["gestvenv compare backends native uv pip --packages requests", "the three backends"],
      ["gestvenv compare cache-vs-nocache --packages requests", "warm vs empty cache"],
    ]),
  },
});
