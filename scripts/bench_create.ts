/**
 * Benchmarks environment creation against its peers in one run, and prints a Markdown report
 * (medians of whole-process wall time, and ratios) for BENCHMARKS.md.
 *
 * Scenarios:
 * - `empty`: an environment without packages (gestvenv's interpreter probe already cached):
 *   gestvenv, `python -m venv --without-pip`, `python -m venv`, `virtualenv`, `uv venv`.
 * - `packages`: an environment with PACKAGES installed, package caches warm: gestvenv (pip
 *   backend) vs `python -m venv` + `pip install`, and gestvenv (uv backend) vs `uv venv` +
 *   `uv pip install`.
 *
 * Usage: `deno task bench [--runs N] [--python PATH] [--packages "flask requests"]
 *   [--uv PATH] [--virtualenv PATH] [--only empty|packages]`
 *
 * @module
 */
import { join } from "node:path";
import { flag, formatMs, gestvenvCommand, median } from "./_bench_args.ts";
import { uvIndexArgs } from "../lib/backends/mod.ts";
import { loadSettings } from "../lib/config/mod.ts";
import { decideIndexes } from "../lib/index/mod.ts";
import { findExecutable, resolveHome } from "../lib/paths/mod.ts";
import { findInterpreter } from "../lib/python/mod.ts";

const runs = Number(flag("--runs", "10"));
const only = flag("--only");
const packages = (flag("--packages", "flask requests") ?? "").split(/\s+/).filter(Boolean);
const python = flag("--python") ??
  (await findInterpreter("3.11").catch(() => findInterpreter(undefined))).realPath;
const uv = flag("--uv") ?? await findExecutable("uv");
const virtualenv = flag("--virtualenv") ?? await findExecutable("virtualenv");
const main = new URL("../main.ts", import.meta.url).pathname;
const gestvenv = gestvenvCommand(main);
const work = await Deno.makeTempDir({ prefix: "gestvenv-bench-" });
const home = join(work, "home");
const env = { ...Deno.env.toObject(), GESTVENV_HOME: home, NO_COLOR: "1" };

async function sh(argv: string[], extraEnv: Record<string, string> = {}): Promise<void> {
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env: { ...env, ...extraEnv },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`${argv.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
}

interface Case {
  label: string;
  /** Commands run one after the other for run `i`, timed together. */
  commands: (i: number) => string[][];
  env?: Record<string, string>;
}

async function measure(c: Case): Promise<number[]> {
  // One warm-up run fills caches (pip/uv wheels, interpreter probe, Deno's code cache).
  for (const argv of c.commands(-1)) await sh(argv, c.env);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    for (const argv of c.commands(i)) await sh(argv, c.env);
    times.push(performance.now() - start);
  }
  return times;
}

const dir = (tag: string, i: number) => join(work, `${tag}-${i}`);

async function table(title: string, cases: Case[]): Promise<string> {
  const rows: Array<[string, number, number, number]> = [];
  for (const c of cases) {
    const t = await measure(c);
    rows.push([c.label, median(t), Math.min(...t), Math.max(...t)]);
  }
  const base = rows[0]![1];
  const lines = [
    `### ${title}`,
    "",
    "| command | median | min | max | ratio to gestvenv |",
    "|---|---|---|---|---|",
  ];
  for (const [label, med, min, max] of rows) {
    lines.push(
      `| ${label} | ${formatMs(med)} | ${formatMs(min)} | ${formatMs(max)} | ${
        (med / base).toFixed(2)
      }x |`,
    );
  }
  return lines.join("\n");
}

const report: string[] = [];
const pyVersion = new TextDecoder().decode(
  (await new Deno.Command(python, { args: ["-V"] }).output()).stdout,
).trim();
report.push(
  `Python: ${pyVersion} (${python}); runs: ${runs} (+1 warm-up); ${Deno.build.os}/${Deno.build.arch}; ${navigator.hardwareConcurrency} CPUs`,
);

if (only === undefined || only === "empty") {
  const cases: Case[] = [
    {
      label: "gestvenv create",
      commands: (
        i,
      ) => [[...gestvenv, "create", `e${i + 1}`, "--python", python, "--backend", "pip"]],
    },
    {
      label: "python -m venv --without-pip",
      commands: (i) => [[python, "-m", "venv", "--without-pip", dir("venv-np", i)]],
    },
    {
      label: "python -m venv (with pip)",
      commands: (i) => [[python, "-m", "venv", dir("venv", i)]],
    },
  ];
  if (virtualenv) {
    cases.push({
      label: "virtualenv --no-pip --no-setuptools --no-wheel",
      commands: (
        i,
      ) => [[
        virtualenv,
        "-q",
        "-p",
        python,
        "--no-pip",
        "--no-setuptools",
        "--no-wheel",
        dir("virtualenv", i),
      ]],
    });
  }
  if (uv) {
    cases.push({
      label: "uv venv",
      commands: (i) => [[uv, "venv", "-q", "--python", python, dir("uvvenv", i)]],
    });
  }
  report.push(await table("Empty environment", cases));
}

if (only === undefined || only === "packages") {
  const spec = packages.join(" ");
  const cases: Case[] = [
    {
      label: `gestvenv create --packages "${spec}" (pip backend)`,
      commands: (
        i,
      ) => [[
        ...gestvenv,
        "create",
        `p${i + 1}`,
        "--python",
        python,
        "--backend",
        "pip",
        "--packages",
        spec,
      ]],
    },
    {
      label: `python -m venv + pip install ${spec}`,
      commands: (
        i,
      ) => [[python, "-m", "venv", dir("pv", i)], [
        join(dir("pv", i), "bin", "python"),
        "-m",
        "pip",
        "install",
        "-q",
        ...packages,
      ]],
    },
  ];
  if (uv) {
    // The same indexes gestvenv's uv backend uses (pip's configuration), so both read the same files.
    const index = await uvIndexArgs(decideIndexes(await loadSettings(resolveHome(), {})));
    cases.push({
      label: `gestvenv create --packages "${spec}" (uv backend)`,
      commands: (
        i,
      ) => [[
        ...gestvenv,
        "create",
        `u${i + 1}`,
        "--python",
        python,
        "--backend",
        "uv",
        "--packages",
        spec,
      ]],
      env: { GESTVENV_UV: uv },
    });
    cases.push({
      label: `uv venv + uv pip install ${spec}`,
      commands: (
        i,
      ) => [[uv, "venv", "-q", "--python", python, dir("uv", i)], [
        uv,
        "pip",
        "install",
        "-q",
        ...index,
        "--python",
        join(dir("uv", i), "bin", "python"),
        ...packages,
      ]],
    });
  }
  report.push(await table(`Environment with ${spec}, caches warm`, cases));
}

await Deno.remove(work, { recursive: true }).catch(() => {});
await Deno.stdout.write(new TextEncoder().encode(report.join("\n\n") + "\n"));
