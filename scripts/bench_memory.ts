/**
 * Peak memory of resolution, gestvenv against uv in the same run: the maximum resident set size
 * (`/usr/bin/time -f %M`, which covers the process and the children it waited for, such as sdist
 * builds) and the wall time of
 *
 * - gestvenv: `gestvenv resolve -r FILE --python PY --index-url URL --format requirements`, run as
 *   shipped (with `V8_FLAGS` from commands/_self.ts) and without them
 * - uv: `uv pip compile FILE --python PY --index-url URL --cache-dir DIR`
 *
 * **Cold**: an empty cache (a new `GESTVENV_HOME`, a new `--cache-dir`); **warm**: the same command
 * again on the cache the cold run filled. Each run measures gestvenv cold, uv cold, gestvenv warm,
 * uv warm, one after the other, so both tools see the same network and machine load; the report
 * gives medians over the runs and the ratio gestvenv / uv. The pins of both are compared.
 *
 * With `--v8-flags FLAGS`, gestvenv is measured a second time in each run with
 * `DENO_V8_FLAGS=FLAGS` (e.g. `--max-semi-space-size=4`), to show what the launcher's V8 settings
 * change. With `--before DIR`, the `main.ts` of another checkout (e.g. the commit before a change,
 * from `git archive`) is measured too, as "gestvenv (before)".
 *
 * Usage: `deno run -A scripts/bench_memory.ts [--set airflow|jupyter|flask] [--runs 3]
 *   [--python 3.11] [--uv PATH] [--index URL] [--v8-flags FLAGS] [--before DIR]`
 *
 * Linux only (GNU time).
 *
 * @module
 */
import { join } from "node:path";
import { V8_FLAGS } from "../commands/_self.ts";
import { chosenSet, flag, gestvenvCommand, uvCompileCommand } from "./_bench_args.ts";
import { findExecutable } from "../lib/paths/mod.ts";
import { findInterpreter } from "../lib/python/mod.ts";

const { requirements } = chosenSet("airflow");
const runs = Number(flag("--runs", "3"));
const index = flag("--index", "https://pypi.org/simple")!;
const python = (await findInterpreter(flag("--python", "3.11"))).realPath;
const uv = flag("--uv") ?? await findExecutable("uv");
if (uv === undefined) throw new Error("uv not found: pass --uv PATH");
const v8Flags = flag("--v8-flags");
const before = flag("--before");
const main = new URL("../main.ts", import.meta.url).pathname;
const work = await Deno.makeTempDir({ prefix: "gestvenv-bench-memory-" });
const reqFile = join(work, "requirements.in");
await Deno.writeTextFile(reqFile, requirements.join("\n") + "\n");

interface Measure {
  rssKb: number;
  seconds: number;
  pins: string;
}

async function measure(argv: string[], env: Record<string, string>): Promise<Measure> {
  const out = join(work, "time.txt");
  const result = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M %e", "-o", out, ...argv],
    env: { ...Deno.env.toObject(), NO_COLOR: "1", PIP_CONFIG_FILE: "/dev/null", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(
      `${argv.join(" ")} failed:\n${new TextDecoder().decode(result.stderr).slice(-3000)}`,
    );
  }
  const [rss, seconds] = (await Deno.readTextFile(out)).trim().split(/\s+/).slice(-2).map(Number);
  const pins = new TextDecoder().decode(result.stdout).split("\n")
    .map((l) => l.trim().toLowerCase().replace(/[-_.]+(?=[^=]*==)/g, "-"))
    .filter((l) => /^[a-z0-9-]+==\S+$/.test(l)).sort().join("\n");
  return { rssKb: rss!, seconds: seconds!, pins };
}

interface Tool {
  label: string;
  argv: (cache: string) => string[];
  env: (cache: string) => Record<string, string>;
}

const gestvenv = (extraEnv: Record<string, string>): Tool["env"] => (cache) => ({
  GESTVENV_HOME: cache,
  ...extraEnv,
});
const gestvenvArgv = (entry = main, v8: readonly string[] = V8_FLAGS) => () => [
  ...gestvenvCommand(entry, v8),
  "resolve",
  "-r",
  reqFile,
  "--python",
  python,
  "--index-url",
  index,
  "--format",
  "requirements",
];
const tools: Tool[] = [
  { label: "gestvenv", argv: gestvenvArgv(), env: gestvenv({}) },
  { label: "gestvenv, no V8 flags", argv: gestvenvArgv(main, []), env: gestvenv({}) },
  {
    label: "uv",
    argv: (cache) =>
      uvCompileCommand(uv, { requirements: reqFile, python, index, cache }, [
        "--no-header",
        "--no-annotate",
      ]),
    env: () => ({}),
  },
  ...(v8Flags === undefined ? [] : [{
    label: `gestvenv, DENO_V8_FLAGS=${v8Flags}`,
    argv: gestvenvArgv(),
    env: gestvenv({ DENO_V8_FLAGS: v8Flags }),
  }]),
  ...(before === undefined ? [] : [{
    label: "gestvenv (before)",
    argv: gestvenvArgv(join(before, "main.ts"), []),
    env: gestvenv({}),
  }]),
];

const results = new Map<string, { cold: Measure[]; warm: Measure[] }>(
  tools.map((t) => [t.label, { cold: [], warm: [] }]),
);
for (let run = 0; run < runs; run++) {
  const caches = tools.map((t, i) => join(work, `${run}-${i}-${t.label.split(",")[0]}`));
  for (const phase of ["cold", "warm"] as const) {
    for (const [i, tool] of tools.entries()) {
      const m = await measure(tool.argv(caches[i]!), tool.env(caches[i]!));
      results.get(tool.label)![phase].push(m);
      Deno.stderr.writeSync(
        new TextEncoder().encode(
          `run ${run + 1} ${phase} ${tool.label}: ${
            (m.rssKb / 1024).toFixed(0)
          } MB, ${m.seconds} s\n`,
        ),
      );
    }
  }
  for (const cache of caches) await Deno.remove(cache, { recursive: true }).catch(() => {});
}
await Deno.remove(work, { recursive: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1
    ? s[(s.length - 1) / 2]!
    : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const uvResult = results.get("uv")!;
const uvCold = median(uvResult.cold.map((m) => m.rssKb));
const uvWarm = median(uvResult.warm.map((m) => m.rssKb));
const samePins = results.get("gestvenv")!.cold.every((m) => m.pins === uvResult.cold[0]!.pins);
const lines = [
  `Resolve \`${
    requirements.join(" ")
  }\` for Python ${python}, index ${index}; medians of ${runs} runs, each measuring every tool cold then warm in turn. Pins identical to uv's: ${
    samePins ? "yes" : "no"
  }.`,
  "",
  "| Tool | Peak RSS cold | Peak RSS warm | vs uv cold | vs uv warm | Time cold | Time warm |",
  "|---|---|---|---|---|---|---|",
  ...[...results].map(([label, r]) => {
    const cold = median(r.cold.map((m) => m.rssKb)), warm = median(r.warm.map((m) => m.rssKb));
    return `| ${label} | ${mb(cold)} | ${mb(warm)} | ${(cold / uvCold).toFixed(2)}x | ${
      (warm / uvWarm).toFixed(2)
    }x | ${median(r.cold.map((m) => m.seconds)).toFixed(1)} s | ${
      median(r.warm.map((m) => m.seconds)).toFixed(1)
    } s |`;
  }),
];
Deno.stdout.writeSync(new TextEncoder().encode(lines.join("\n") + "\n"));
