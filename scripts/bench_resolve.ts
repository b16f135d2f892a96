/**
 * Benchmarks resolution against uv and pip in one run, cold (empty cache every run) and warm
 * (cache kept from the previous run), and prints a Markdown report (medians of whole-process
 * wall time, ratios) for BENCHMARKS.md.
 *
 * - gestvenv: `gestvenv resolve -r FILE --python PY --format requirements`
 * - uv: `uv pip compile FILE --python PY`
 * - pip: `pip install --dry-run --ignore-installed --report - -r FILE` (the resolver of pip)
 *
 * All three use the same single index (`--index` URL, default PyPI), so they see the same files.
 *
 * Usage: `deno run -A scripts/bench_resolve.ts [--set jupyter|airflow|flask] [--runs N]
 *   [--pip-runs N] [--python 3.11] [--uv PATH] [--index URL]`
 *
 * @module
 */
import { join } from "node:path";
import { chosenSet, flag, gestvenvCommand, median, uvCompileCommand } from "./_bench_args.ts";
import { findExecutable } from "../lib/paths/mod.ts";
import { findInterpreter } from "../lib/python/mod.ts";

const { requirements } = chosenSet("jupyter");
const runs = Number(flag("--runs", "5"));
const pipRuns = Number(flag("--pip-runs", "2"));
const index = flag("--index", "https://pypi.org/simple")!;
const python = (await findInterpreter(flag("--python", "3.11"))).realPath;
const uv = flag("--uv") ?? await findExecutable("uv");
const main = new URL("../main.ts", import.meta.url).pathname;
const work = await Deno.makeTempDir({ prefix: "gestvenv-bench-resolve-" });
const reqFile = join(work, "requirements.in");
await Deno.writeTextFile(reqFile, requirements.join("\n") + "\n");

async function timed(argv: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env: { ...Deno.env.toObject(), NO_COLOR: "1", PIP_CONFIG_FILE: "/dev/null", ...env },
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  if (!out.success) {
    throw new Error(
      `${argv.join(" ")} failed:\n${new TextDecoder().decode(out.stderr).slice(-3000)}`,
    );
  }
  return ms;
}

interface Tool {
  label: string;
  argv: (cache: string) => string[];
  env: (cache: string) => Record<string, string>;
  runs: number;
}

const tools: Tool[] = [
  {
    label: "gestvenv",
    argv: () => [
      ...gestvenvCommand(main),
      "resolve",
      "-r",
      reqFile,
      "--python",
      python,
      "--index-url",
      index,
      "--format",
      "requirements",
    ],
    env: (cache) => ({ GESTVENV_HOME: cache }),
    runs,
  },
  ...(uv === undefined ? [] : [{
    label: "uv",
    argv: (cache: string) => uvCompileCommand(uv, { requirements: reqFile, python, index, cache }),
    env: () => ({}),
    runs,
  }]),
  {
    label: "pip",
    argv: (
      cache,
    ) => [
      python,
      "-m",
      "pip",
      "install",
      "--dry-run",
      "--ignore-installed",
      "--quiet",
      "--report",
      "-",
      "--index-url",
      index,
      "--cache-dir",
      cache,
      "-r",
      reqFile,
    ],
    env: () => ({}),
    runs: pipRuns,
  },
];

const results: Record<string, { cold: number; warm: number }> = {};
for (const tool of tools) {
  const cold: number[] = [], warm: number[] = [];
  for (let i = 0; i < tool.runs; i++) {
    const cache = join(work, `${tool.label}-cold-${i}`);
    cold.push(await timed(tool.argv(cache), tool.env(cache)));
    await Deno.remove(cache, { recursive: true }).catch(() => {});
  }
  const cache = join(work, `${tool.label}-warm`);
  await timed(tool.argv(cache), tool.env(cache));
  for (let i = 0; i < tool.runs; i++) warm.push(await timed(tool.argv(cache), tool.env(cache)));
  results[tool.label] = { cold: median(cold), warm: median(warm) };
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `${tool.label}: cold ${cold.map(Math.round).join(", ")} ms; warm ${
        warm.map(Math.round).join(", ")
      } ms\n`,
    ),
  );
}
await Deno.remove(work, { recursive: true });

const g = results.gestvenv!;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const lines = [
  `Resolve \`${
    requirements.join(" ")
  }\` for Python ${python}, index ${index}; medians of ${runs} runs (pip: ${pipRuns}).`,
  "",
  "| Tool | Cold | Warm | Cold vs gestvenv | Warm vs gestvenv |",
  "|---|---|---|---|---|",
  ...Object.entries(results).map(([label, r]) =>
    `| ${label} | ${fmt(r.cold)} | ${fmt(r.warm)} | ${(r.cold / g.cold).toFixed(2)}x | ${
      (r.warm / g.warm).toFixed(2)
    }x |`
  ),
];
Deno.stdout.writeSync(new TextEncoder().encode(lines.join("\n") + "\n"));
