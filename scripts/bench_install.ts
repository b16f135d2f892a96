/**
 * Benchmarks installing packages (issue 8, "Speed") against uv and venv+pip in one run, and
 * prints a Markdown section for BENCHMARKS.md: the exact command line, the machine (OS, CPUs, load,
 * the work directory's filesystem), link mode, tool versions, and per scenario the medians of
 * whole-process wall time, min/max, index requests per run, and ratios to uv with the issue's goal.
 *
 * Every package comes from a **local index on 127.0.0.1** (`scripts/_local_index.ts`): the script
 * first resolves the needed sets against `--upstream` (default PyPI) with `uv pip compile
 * --only-binary :all:`, downloads each pinned wheel once with `pip download --no-deps` for the
 * target interpreter (into `--files DIR`, reused when given), then serves that directory with PEP
 * 691/503 pages, PEP 658 metadata and PyPI's cache headers. Every tool is pointed at it with
 * `--index-url`, with `PIP_CONFIG_FILE=/dev/null`, `UV_NO_CONFIG=1` and no `PIP_*`/`UV_*`/
 * `GESTVENV_*` variables inherited, so all read exactly the same files and nothing else.
 *
 * Runs are interleaved (run 1 of every command, then run 2 of every command, ...) after one
 * untimed warm-up round, so a change in machine load hits every peer alike.
 *
 * Scenarios (`--only NAME[,NAME]`, default all):
 * - `empty`: `gestvenv create` vs `uv venv` vs `python -m venv --without-pip` (and `virtualenv
 *   --no-seed` when found). Goal: gestvenv ≤ 2x uv.
 * - `warm`: an environment with the set (`--set`, default `trio-docs`; `fps` = flask requests
 *   pandas), every cache warm (filled by the warm-up round): `gestvenv create NAME -r SET` vs
 *   `uv venv D` + `uv pip install --python D/bin/python -r SET` vs `python -m venv D` +
 *   `D/bin/pip install -r SET`. Goals: gestvenv ≤ 1.0x uv, ≥ 30x faster than venv+pip.
 * - `cold`: the same with empty caches at every run (gestvenv: a fresh `GESTVENV_HOME` and
 *   `GESTVENV_CACHE_DIR`; uv and pip: a fresh `--cache-dir`). Goal: gestvenv ≤ 1.5x uv.
 * - `noop`: installing the set again into an environment that has it: `gestvenv install --env NAME
 *   -r SET` vs `uv pip install --python D/bin/python -r SET` vs `D/bin/pip install -r SET`. Goal:
 *   gestvenv ≤ 60 ms.
 * - `disk`: five environments with overlapping sets (`DISK_SETS`) created one after the other
 *   with one cache, then `du -skc CACHE... ENV1 ... ENV5` (one invocation counts each inode once,
 *   so hard-linked files count once) and the sum of `du -sk` of each path alone (what the same
 *   files take without sharing), for gestvenv and uv (and venv+pip with `--disk-pip`: minutes).
 *
 * gestvenv runs with `--backend <--gestvenv-backend>` (`native`, the default; `uv` or `pip`) and
 * its own caches under the scenario's `GESTVENV_HOME` (the uv and pip backends' caches too:
 * `UV_CACHE_DIR`, `PIP_CACHE_DIR`, `GESTVENV_UV`=`--uv`).
 *
 * Usage: `deno task bench:install [--runs N] [--only empty|warm|cold|noop|disk] [--set trio-docs|fps|...]
 *   [--gestvenv-backend native|uv|pip] [--python 3.11|PATH] [--uv PATH] [--virtualenv PATH]
 *   [--link-mode clone|hardlink|copy|symlink] [--files DIR] [--upstream URL] [--work DIR] [--keep] [--disk-pip]`
 *
 * @module
 */
import { join } from "node:path";
import {
  chosenSet,
  downloadWheels,
  flag,
  formatMs,
  gestvenvCommand,
  isolatedEnv,
  median,
  runCommand,
  shellLine,
  uvPins,
  writeRequirements as writeRequirementsIn,
} from "./_bench_args.ts";
import { type DirectoryIndex, serveDirectory } from "./_local_index.ts";
import { findExecutable } from "../lib/paths/mod.ts";
import { findInterpreter } from "../lib/python/mod.ts";
import { measureCases } from "../lib/benchmark/mod.ts";

const SCENARIOS = ["empty", "warm", "cold", "noop", "disk"] as const;
type Scenario = typeof SCENARIOS[number];

/** Five overlapping sets for the disk scenario (two Django lines: files shared across versions). */
const DISK_SETS: readonly (readonly string[])[] = [
  ["flask", "requests"],
  ["flask", "pandas"],
  ["requests", "pandas", "numpy"],
  ["django", "requests"],
  ["flask", "django>=4.2,<5", "numpy"],
];

const runs = Number(flag("--runs", "5"));
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
const onlyFlag = flag("--only");
const selected: Scenario[] = onlyFlag === undefined ? [...SCENARIOS] : onlyFlag.split(",").map(
  (s) => {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new Error(`unknown scenario ${s}: ${SCENARIOS.join(", ")}`);
    }
    return s as Scenario;
  },
);
const backend = flag("--gestvenv-backend", "native")!;
if (!["native", "uv", "pip"].includes(backend)) {
  throw new Error(`--gestvenv-backend must be native, uv or pip, not ${backend}`);
}
const set = chosenSet("trio-docs");
const python = (await findInterpreter(flag("--python", "3.11"))).realPath;
const uvFound = flag("--uv") ?? await findExecutable("uv");
if (uvFound === undefined) throw new Error("uv not found: pass --uv PATH");
const uv: string = uvFound;
const virtualenv = flag("--virtualenv") ?? await findExecutable("virtualenv");
const linkMode = flag("--link-mode");
const upstream = flag("--upstream", "https://pypi.org/simple")!;
const keep = Deno.args.includes("--keep");
const diskPip = Deno.args.includes("--disk-pip");
const workParent = flag("--work");
if (workParent !== undefined) await Deno.mkdir(workParent, { recursive: true });
const work = await Deno.makeTempDir({
  prefix: "gestvenv-bench-install-",
  ...(workParent === undefined ? {} : { dir: workParent }),
});
const filesDir = flag("--files") ?? join(work, "files");
await Deno.mkdir(filesDir, { recursive: true });
const main = new URL("../main.ts", import.meta.url).pathname;
const gestvenv = gestvenvCommand(main);
// pip caches HTTP responses only over HTTPS or from a trusted host: trusting the loopback index
// gives pip the warm cache it has against PyPI.
const baseEnv = { ...isolatedEnv(), PIP_TRUSTED_HOST: "127.0.0.1" };

const progress = (line: string) => Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));

/** Runs `argv` with the benchmark environment plus `env`; its stdout. */
function run(argv: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return runCommand(argv, { ...baseEnv, ...env });
}

const firstLine = async (argv: string[]) =>
  (await run(argv).catch((e) => `unknown (${(e as Error).message.split("\n")[0]})`)).trim()
    .split("\n")[0]!;

// ---------------------------------------------------------------------------------------------
// The files: resolve every needed set upstream, download the pinned wheels once, serve them.

function writeRequirements(name: string, requirements: readonly string[]): Promise<string> {
  return writeRequirementsIn(work, name, requirements);
}

/** `name==version` pins of `file` for `python`, wheels only, resolved by uv against upstream. */
async function pinsOf(file: string): Promise<string[]> {
  return await uvPins(
    uv,
    { requirements: file, python, index: upstream, cache: join(work, "pin-cache") },
    baseEnv,
  );
}

const setFile = await writeRequirements(set.name, set.requirements);
const diskFiles: string[] = [];
for (const [i, requirements] of DISK_SETS.entries()) {
  diskFiles.push(await writeRequirements(`disk-${i + 1}`, requirements));
}
let index!: DirectoryIndex;
let fileCount = 0, fileBytes = 0;
let setPins: string[] = [];

/** Resolves the needed sets upstream, downloads the missing wheels, serves `filesDir`. */
async function fetchAndServe(): Promise<void> {
  const needed = [
    ...(selected.some((s) => s === "warm" || s === "cold" || s === "noop") ? [setFile] : []),
    ...(selected.includes("disk") ? diskFiles : []),
  ];
  const pins = new Set<string>();
  for (const file of needed) {
    progress(`resolving ${file} against ${upstream}`);
    const filePins = await pinsOf(file);
    if (file === setFile) setPins = filePins;
    for (const pin of filePins) pins.add(pin);
  }
  // A rerun downloads only what --files lacks.
  await downloadWheels(pins, {
    python,
    index: upstream,
    dest: filesDir,
    work,
    env: baseEnv,
    progress,
  });
  index = await serveDirectory(filesDir);
  for await (const item of Deno.readDir(filesDir)) {
    if (!item.name.endsWith(".whl")) continue;
    fileCount++;
    fileBytes += (await Deno.stat(join(filesDir, item.name))).size;
  }
}

// ---------------------------------------------------------------------------------------------
// Commands.

/** The environment of a gestvenv process whose state (and backends' caches) lives in `home`. */
function gestvenvEnv(home: string): Record<string, string> {
  return {
    GESTVENV_HOME: home,
    GESTVENV_CACHE_DIR: join(home, "cache"),
    GESTVENV_UV: uv,
    UV_CACHE_DIR: join(home, "uv-cache"),
    PIP_CACHE_DIR: join(home, "pip-cache"),
    ...(linkMode === undefined ? {} : { UV_LINK_MODE: linkMode }),
  };
}

const gestvenvLinkArgs = linkMode !== undefined && backend === "native"
  ? ["--link-mode", linkMode]
  : [];
const uvLinkArgs = linkMode === undefined ? [] : ["--link-mode", linkMode];

function gestvenvCreate(name: string, requirements?: string): string[] {
  return [
    ...gestvenv,
    "create",
    name,
    "--quiet",
    "--python",
    python,
    "--backend",
    backend,
    ...(requirements === undefined
      ? []
      : ["-r", requirements, "--index-url", index.url, ...gestvenvLinkArgs]),
  ];
}

function uvCreate(dir: string, cache: string, requirements?: string): string[][] {
  const venv = [uv, "venv", "--quiet", "--python", python, "--cache-dir", cache, dir];
  if (requirements === undefined) return [venv];
  return [venv, uvInstall(dir, cache, requirements)];
}

function uvInstall(dir: string, cache: string, requirements: string): string[] {
  return [
    uv,
    "pip",
    "install",
    "--quiet",
    "--python",
    join(dir, "bin", "python"),
    "--index-url",
    index.url,
    "--cache-dir",
    cache,
    ...uvLinkArgs,
    "-r",
    requirements,
  ];
}

function pipInstall(dir: string, cache: string, requirements: string): string[] {
  return [
    join(dir, "bin", "pip"),
    "install",
    "--quiet",
    "--index-url",
    index.url,
    "--cache-dir",
    cache,
    "-r",
    requirements,
  ];
}

const pipCreate = (dir: string, cache: string, requirements: string) => [
  [python, "-m", "venv", dir],
  pipInstall(dir, cache, requirements),
];

// ---------------------------------------------------------------------------------------------
// Measuring.

interface Case {
  label: string;
  /** Untimed, before run `i` (-1 is the warm-up run). */
  prepare?: (i: number) => Promise<void>;
  /** Commands of run `i`, timed together. */
  commands: (i: number) => string[][];
  env?: (i: number) => Record<string, string>;
}

interface Result {
  label: string;
  times: number[];
  /** Requests to the local index per timed run (median). */
  requests: number;
}

const fresh = async (dir: string) => {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
};

/** Interleaved runs after one warm-up round (lib/benchmark, as `gestvenv benchmark` measures). */
async function measure(title: string, cases: Case[]): Promise<Result[]> {
  const results = await measureCases(
    cases.map((c) => ({
      label: c.label,
      ...(c.prepare === undefined ? {} : { prepare: c.prepare }),
      commands: c.commands,
      env: (i: number) => ({ ...baseEnv, ...(c.env?.(i) ?? {}) }),
    })),
    {
      runs,
      counter: () => index.requests(),
      onRun: (label, i, ms, requests) =>
        progress(
          `${title} | ${label} | ${i < 0 ? "warm-up" : `run ${i + 1}/${runs}`}: ${
            formatMs(ms)
          }, ${requests} requests`,
        ),
    },
  );
  return results.map((r) => ({ label: r.label, times: r.times, requests: median(r.counts) }));
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

/** A Markdown table; ratios are to the row labelled `base`. */
function table(results: Result[], base: string): string[] {
  const baseMedian = median(results.find((r) => r.label === base)!.times);
  return [
    "| command | median | min | max | index requests/run | ratio to uv |",
    "|---|---|---|---|---|---|",
    ...results.map((r) =>
      `| ${r.label} | ${formatMs(median(r.times))} | ${formatMs(Math.min(...r.times))} | ${
        formatMs(Math.max(...r.times))
      } | ${r.requests} | ${ratio(median(r.times), baseMedian)} |`
    ),
  ];
}

const medianOf = (results: Result[], label: string) =>
  median(results.find((r) => r.label === label)!.times);
const verdict = (ok: boolean) => ok ? "**met**" : "**not met**";

// ---------------------------------------------------------------------------------------------
// Scenarios.

const G = `gestvenv (${backend} backend)`;
const report: string[] = [];

async function emptyScenario(): Promise<void> {
  const home = join(work, "empty-home");
  const uvCache = join(work, "empty-uv-cache");
  const dir = (tag: string, i: number) => join(work, "empty", `${tag}-${i + 1}`);
  const cases: Case[] = [
    {
      label: `${G}: create`,
      commands: (i) => [gestvenvCreate(`e${i + 1}`)],
      env: () => gestvenvEnv(home),
    },
    { label: "uv venv", commands: (i) => uvCreate(dir("uv", i), uvCache) },
    {
      label: "python -m venv --without-pip",
      commands: (i) => [[python, "-m", "venv", "--without-pip", dir("venv", i)]],
    },
  ];
  if (virtualenv !== undefined) {
    cases.push({
      label: "virtualenv --no-seed",
      commands: (i) => [[virtualenv, "-q", "-p", python, "--no-seed", dir("virtualenv", i)]],
    });
  }
  const results = await measure("empty", cases);
  const r = medianOf(results, cases[0]!.label) / medianOf(results, "uv venv");
  report.push(
    "### Empty environment",
    "",
    "gestvenv's interpreter probe and uv's interpreter cache are filled by the warm-up run.",
    "",
    ...table(results, "uv venv"),
    "",
    `gestvenv / uv venv = ${r.toFixed(2)}x (goal ≤ 2x): ${verdict(r <= 2)}.`,
  );
}

async function warmScenario(): Promise<void> {
  const home = join(work, "warm-home");
  const uvCache = join(work, "warm-uv-cache");
  const pipCache = join(work, "warm-pip-cache");
  const dir = (tag: string, i: number) => join(work, "warm", `${tag}-${i + 1}`);
  const uvLabel = "uv venv + uv pip install";
  const pipLabel = "python -m venv + pip install";
  const cases: Case[] = [
    {
      label: `${G}: create -r ${set.name}`,
      commands: (i) => [gestvenvCreate(`w${i + 1}`, setFile)],
      env: () => gestvenvEnv(home),
    },
    { label: uvLabel, commands: (i) => uvCreate(dir("uv", i), uvCache, setFile) },
    { label: pipLabel, commands: (i) => pipCreate(dir("pip", i), pipCache, setFile) },
  ];
  const results = await measure("warm", cases);
  const g = medianOf(results, cases[0]!.label);
  const r = g / medianOf(results, uvLabel);
  const p = medianOf(results, pipLabel) / g;
  report.push(
    `### Create + install \`${set.name}\`, caches warm`,
    "",
    "Every tool's cache is filled by the warm-up run; the local index sends PyPI's `max-age=600`.",
    "",
    ...table(results, uvLabel),
    "",
    `gestvenv / uv = ${r.toFixed(2)}x (goal ≤ 1.0x): ${verdict(r <= 1)}. ` +
      `venv+pip / gestvenv = ${p.toFixed(1)}x (goal ≥ 30x): ${verdict(p >= 30)}.`,
  );
}

async function coldScenario(): Promise<void> {
  const root = join(work, "cold");
  const path = (tag: string, i: number) => join(root, `${tag}-${i + 1}`);
  const uvLabel = "uv venv + uv pip install";
  const cases: Case[] = [
    {
      label: `${G}: create -r ${set.name}`,
      prepare: (i) => fresh(path("gestvenv-home", i - 1)),
      commands: () => [gestvenvCreate("c", setFile)],
      env: (i) => gestvenvEnv(path("gestvenv-home", i)),
    },
    {
      label: uvLabel,
      prepare: async (i) => {
        await fresh(path("uv", i - 1));
        await fresh(path("uv-cache", i - 1));
      },
      commands: (i) => uvCreate(path("uv", i), path("uv-cache", i), setFile),
    },
    {
      label: "python -m venv + pip install",
      prepare: async (i) => {
        await fresh(path("pip", i - 1));
        await fresh(path("pip-cache", i - 1));
      },
      commands: (i) => pipCreate(path("pip", i), path("pip-cache", i), setFile),
    },
  ];
  const results = await measure("cold", cases);
  const r = medianOf(results, cases[0]!.label) / medianOf(results, uvLabel);
  report.push(
    `### Create + install \`${set.name}\`, caches empty`,
    "",
    "Each run starts with empty caches: gestvenv a new `GESTVENV_HOME` (and `GESTVENV_CACHE_DIR`, " +
      "`UV_CACHE_DIR`, `PIP_CACHE_DIR` inside it), uv and pip a new `--cache-dir`; all download " +
      "from the loopback index.",
    "",
    ...table(results, uvLabel),
    "",
    `gestvenv / uv = ${r.toFixed(2)}x (goal ≤ 1.5x): ${verdict(r <= 1.5)}.`,
  );
}

async function noopScenario(): Promise<void> {
  const home = join(work, "noop-home");
  const uvDir = join(work, "noop-uv"), uvCache = join(work, "noop-uv-cache");
  const pipDir = join(work, "noop-pip"), pipCache = join(work, "noop-pip-cache");
  progress("noop: setting up the three environments");
  await run(gestvenvCreate("n", setFile), gestvenvEnv(home));
  for (const argv of uvCreate(uvDir, uvCache, setFile)) await run(argv);
  for (const argv of pipCreate(pipDir, pipCache, setFile)) await run(argv);
  const uvLabel = "uv pip install";
  const cases: Case[] = [
    {
      label: `${G}: install --env n -r ${set.name}`,
      commands: () => [[
        ...gestvenv,
        "install",
        "--quiet",
        "--env",
        "n",
        "--backend",
        backend,
        "--index-url",
        index.url,
        "-r",
        setFile,
      ]],
      env: () => gestvenvEnv(home),
    },
    { label: uvLabel, commands: () => [uvInstall(uvDir, uvCache, setFile)] },
    { label: "pip install", commands: () => [pipInstall(pipDir, pipCache, setFile)] },
  ];
  const results = await measure("noop", cases);
  const g = medianOf(results, cases[0]!.label);
  report.push(
    `### Installing \`${set.name}\` again (nothing to do)`,
    "",
    ...table(results, uvLabel),
    "",
    `gestvenv: ${formatMs(g)} (goal ≤ 60 ms): ${verdict(g <= 60)}; ` +
      `${ratio(g, medianOf(results, uvLabel))} uv.`,
  );
}

/**
 * `du -skc` over the existing `paths` in one invocation: KiB per path (an inode already counted
 * under an earlier path is not counted again) and the total, plus the sum of `du -sk` of each path
 * alone (every path counted in full).
 */
async function du(
  all: string[],
): Promise<{ byPath: Map<string, number>; total: number; unshared: number }> {
  const paths: string[] = [];
  for (const p of all) if (await exists(p)) paths.push(p);
  const lines = (await run(["du", "-skc", ...paths])).trim().split("\n");
  const sizes = lines.map((l) => Number(l.split("\t")[0]));
  let unshared = 0;
  for (const p of paths) unshared += Number((await run(["du", "-sk", p])).split("\t")[0]);
  return {
    byPath: new Map(paths.map((p, i) => [p, sizes[i]!])),
    total: sizes[paths.length]!,
    unshared,
  };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function diskScenario(): Promise<void> {
  const rows: string[] = [];
  const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
  const tools: {
    label: string;
    build: () => Promise<{ caches: string[]; envs: string[] }>;
  }[] = [
    {
      label: G,
      build: async () => {
        const home = join(work, "disk-home");
        for (const [i, file] of diskFiles.entries()) {
          await run(gestvenvCreate(`d${i + 1}`, file), gestvenvEnv(home));
        }
        return {
          caches: ["cache", "uv-cache", "pip-cache"].map((c) => join(home, c)),
          envs: diskFiles.map((_, i) => join(home, "environments", `d${i + 1}`)),
        };
      },
    },
    {
      label: "uv venv + uv pip install",
      build: async () => {
        const cache = join(work, "disk-uv-cache");
        const envs = diskFiles.map((_, i) => join(work, `disk-uv-${i + 1}`));
        for (const [i, file] of diskFiles.entries()) {
          for (const argv of uvCreate(envs[i]!, cache, file)) await run(argv);
        }
        return { caches: [cache], envs };
      },
    },
  ];
  if (diskPip) {
    tools.push({
      label: "python -m venv + pip install",
      build: async () => {
        const cache = join(work, "disk-pip-cache");
        const envs = diskFiles.map((_, i) => join(work, `disk-pip-${i + 1}`));
        for (const [i, file] of diskFiles.entries()) {
          for (const argv of pipCreate(envs[i]!, cache, file)) await run(argv);
        }
        return { caches: [cache], envs };
      },
    });
  }
  const totals: number[] = [];
  for (const tool of tools) {
    progress(`disk | ${tool.label}: creating five environments`);
    const start = performance.now();
    const { caches, envs } = await tool.build();
    const ms = performance.now() - start;
    const { byPath, total, unshared } = await du([...caches, ...envs]);
    const cacheKiB = caches.reduce((sum, c) => sum + (byPath.get(c) ?? 0), 0);
    totals.push(total);
    rows.push(
      `| ${tool.label} | ${mib(cacheKiB)} | ${mib(total - cacheKiB)} | ${mib(total)} | ${
        mib(unshared)
      } | ${formatMs(ms)} |`,
    );
  }
  report.push(
    "### Disk: one cache and five environments",
    "",
    `Sets: ${DISK_SETS.map((s) => `\`${s.join(" ")}\``).join(", ")}; created one after the ` +
      "other with one cache per tool. `du -skc CACHE... ENV1 ... ENV5` in one invocation counts " +
      'each inode once: "environments" is what they add beyond the cache (hard-linked files ' +
      'count once). "Without sharing" adds `du -sk` of each path alone.',
    "",
    "| tool | cache | environments beyond the cache | total | without sharing | time for the five |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    `gestvenv / uv total = ${ratio(totals[0]!, totals[1]!)}.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Header, run, report.

const load = () => Deno.loadavg().map((l) => l.toFixed(2)).join(" ");
const header: string[] = [];
try {
  await fetchAndServe();
  const osRelease = await Deno.readTextFile("/etc/os-release").then(
    (t) => t.match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1] ?? "unknown",
    () => "unknown",
  );
  const loadBefore = load();
  header.push(
    `Command: \`deno task bench:install ${shellLine(Deno.args)}\` ` +
      `(= \`deno run -A scripts/bench_install.ts ${shellLine(Deno.args)}\`), ` +
      `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    "",
    `- Machine: ${osRelease}, Linux ${Deno.osRelease()} ${Deno.build.arch}, ` +
      `${navigator.hardwareConcurrency} CPUs; load average at start ${loadBefore}.`,
    `- Work directory: ${work}, filesystem \`${(await firstLine([
      "stat",
      "-f",
      "-c",
      "%T",
      work,
    ]))}\`.`,
    `- Link mode: ${
      linkMode === undefined
        ? "each tool's default (uv: hardlink on Linux; gestvenv native: reflink, else hardlink, else copy)"
        : `\`${linkMode}\` for uv and gestvenv`
    }.`,
    `- gestvenv ${await firstLine([...gestvenv, "--version"])} from source (${await firstLine([
      "git",
      "-C",
      new URL("..", import.meta.url).pathname,
      "describe",
      "--always",
      "--dirty",
    ])}), Deno ${Deno.version.deno}, \`--backend ${backend}\`.`,
    `- ${await firstLine([uv, "--version"])}; ${await firstLine([python, "-V"])} (${python}); ` +
      `pip in the venvs ${await firstLine([
        python,
        "-c",
        "import ensurepip; print(ensurepip.version())",
      ])} (ensurepip's); pip of the base interpreter (gestvenv's pip backend) ${
        (await firstLine([python, "-m", "pip", "--version"])).split(" ")[1]
      }; ${
        virtualenv === undefined
          ? "virtualenv not found"
          : await firstLine([virtualenv, "--version"])
      }.`,
    ...(fileCount === 0 ? [] : [
      `- Index: 127.0.0.1 serving ${fileCount} wheels (${(fileBytes / 1048576).toFixed(1)} MiB) ` +
      `downloaded from ${upstream}` +
      (setPins.length === 0
        ? "."
        : `; \`${set.name}\` = ${
          set.requirements.map((r) => `\`${r}\``).join(", ")
        } (${setPins.length} distributions for this interpreter).`),
    ]),
    `- Medians of ${runs} runs after one warm-up run, interleaved; ratios are to uv's median.`,
  );
  for (const scenario of selected) {
    progress(`== ${scenario}`);
    if (scenario === "empty") await emptyScenario();
    else if (scenario === "warm") await warmScenario();
    else if (scenario === "cold") await coldScenario();
    else if (scenario === "noop") await noopScenario();
    else await diskScenario();
    report.push("");
  }
} finally {
  await index?.close();
  if (!keep) await Deno.remove(work, { recursive: true }).catch(() => {});
  else progress(`kept ${work}`);
}
header.push(`- Load average at the end: ${load()}.`, "");
await Deno.stdout.write(new TextEncoder().encode([...header, ...report].join("\n")));
