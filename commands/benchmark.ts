import { buildCommand, buildRouteMap } from "npm:@stricli/core@1.3.0";
import type { BenchmarkKind } from "../lib/benchmark/mod.ts";
import { action, type CliContext, GLOBAL_ALIASES, GLOBAL_FLAGS } from "./_context.ts";
import {
  BENCHMARK_FLAGS,
  type BenchmarkFlags,
  benchmarkOptions,
  runAndReport,
} from "./_benchmark.ts";
import { examples } from "./_help.ts";

const BRIEFS: Record<BenchmarkKind, string> = {
  create: "Time `create` (empty, or with --packages) in throwaway environments",
  install: "Time `install --packages` into fresh empty environments (warm cache)",
  backends: "Time the same install with the native, uv and pip backends (those available)",
  cache: "Time the same install with an empty cache and with a warm cache",
};

const EXAMPLES: Record<BenchmarkKind, Array<[string, string]>> = {
  create: [
    ["gestvenv benchmark create --iterations 10", "an empty environment"],
    ['gestvenv benchmark create --packages "flask,requests"', "an environment with packages"],
  ],
  install: [
    ['gestvenv benchmark install --packages "requests,flask,django"', "median of 5 runs"],
    ["gestvenv benchmark install --packages-file requirements.txt --format json", "as JSON"],
  ],
  backends: [
    ['gestvenv benchmark backends --packages "numpy,pandas"', "native vs uv vs pip"],
  ],
  cache: [
    ["gestvenv benchmark cache --packages-file popular.txt", "cold vs warm cache"],
  ],
};

function benchmarkCommand(kind: BenchmarkKind) {
  return buildCommand<BenchmarkFlags, [], CliContext>({
    docs: {
      brief: BRIEFS[kind],
      fullDescription: examples(EXAMPLES[kind]) +
        "\nEach run is a whole gestvenv process in a throwaway home (removed afterwards, also on" +
        "\nCtrl-C or error): your environments, registry and cache are not touched. The processes" +
        "\nread your configured indexes (or --index-url); with --offline they read your cache." +
        "\nOne untimed warm-up run, then --iterations timed runs; min, median and max in ms." +
        "\nProgress goes to stderr.",
    },
    parameters: {
      flags: { ...GLOBAL_FLAGS, ...BENCHMARK_FLAGS },
      aliases: { ...GLOBAL_ALIASES, p: "python" },
    },
    func: action(`benchmark ${kind}`, async (ctx, flags: BenchmarkFlags) => {
      const options = await benchmarkOptions(ctx, flags, kind, {
        ...(kind === "backends" ? { backends: ["native", "uv", "pip"] as const } : {}),
        signal: ctx.signal,
      });
      const rendered = { ratios: kind === "backends" || kind === "cache" };
      await runAndReport(ctx, `benchmark ${kind}`, options, rendered, flags.export);
    }, { effect: "changes" }),
  });
}

/** `gestvenv benchmark create|install|backends|cache`: operations timed in throwaway homes. */
export const benchmarkRoutes = buildRouteMap({
  routes: {
    create: benchmarkCommand("create"),
    install: benchmarkCommand("install"),
    backends: benchmarkCommand("backends"),
    cache: benchmarkCommand("cache"),
  },
  docs: {
    brief: "Time gestvenv operations in throwaway environments (min, median, max)",
    fullDescription: examples([
      ["gestvenv benchmark create --iterations 10", "creating an empty environment"],
      ['gestvenv benchmark install --packages "requests,flask"', "installing packages"],
      ['gestvenv benchmark backends --packages "numpy,pandas"', "native vs uv vs pip"],
      ["gestvenv benchmark cache --packages requests", "empty vs warm cache"],
    ]),
  },
});
