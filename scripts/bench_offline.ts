/**
 * Benchmarks the offline work of issue 9 (section 4) and prints a Markdown section for
 * BENCHMARKS.md: the exact command line, the machine, tool versions, and per scenario the medians.
 *
 * - `bundle`: a cache of about `--target-mb` MiB (default 500) of real wheels is filled with
 *   `gestvenv cache add -r BIG` from a local index, then, per compression (`none`, `gzip`,
 *   `zstd`), `gestvenv cache export FILE --compress C` into a bundle and `gestvenv cache import
 *   FILE` into an empty cache of a fresh home: wall time of each, bundle size, and the ratio to the
 *   artifacts' size.
 * - `create`: an offline create of a 20-package set with a warm cache, `gestvenv --offline create
 *   NAME -r SET` vs `uv venv D && uv pip install --offline --python D/bin/python -r SET`, runs
 *   interleaved, the local index **stopped** before the timed runs (so neither can go online:
 *   a tool that tried would fail), medians and the ratio to uv.
 *
 * Every wheel comes from a local index on 127.0.0.1 (`scripts/_local_index.ts`) serving a
 * directory filled once from `--upstream` (default PyPI): the sets are resolved with `uv pip
 * compile --only-binary :all:` for the interpreter and each pinned wheel downloaded with `pip
 * download --no-deps` (into `--files DIR`, reused when given). Tools run with
 * `PIP_CONFIG_FILE=/dev/null`, `UV_NO_CONFIG=1` and no inherited `PIP_*`/`UV_*`/`GESTVENV_*`.
 *
 * Usage: `deno run -A scripts/bench_offline.ts [--runs N] [--only bundle,create] [--python 3.11]
 *   [--uv PATH] [--target-mb 500] [--files DIR] [--upstream URL] [--work DIR] [--keep]`
 *
 * @module
 */
import { join } from "node:path";
import {
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
import { type DirectoryIndex, normalize, serveDirectory } from "./_local_index.ts";
import { findExecutable } from "../lib/paths/mod.ts";
import { findInterpreter } from "../lib/python/mod.ts";

const SCENARIOS = ["bundle", "create"] as const;
type Scenario = typeof SCENARIOS[number];

/** The 20-distribution set of the offline create (web, CLI and data helpers, pure and binary). */
const CREATE_SET = ["flask", "requests", "rich", "python-dateutil", "attrs", "packaging"];

/**
 * Big wheels, added in this order until the downloaded files reach `--target-mb` (no torch: its
 * CUDA dependencies alone are gigabytes).
 */
const BIG_CANDIDATES = [
  "numpy",
  "scipy",
  "pandas",
  "matplotlib",
  "pyarrow",
  "scikit-learn",
  "polars",
  "opencv-python-headless",
  "llvmlite",
  "duckdb",
  "plotly",
  "jaxlib",
  "grpcio",
  "sympy",
  "bokeh",
  "statsmodels",
  "scikit-image",
  "pillow",
  "lxml",
  "cryptography",
  "pymupdf",
  "onnxruntime",
  "h5py",
  "shapely",
];

const COMPRESSIONS = ["none", "gzip", "zstd"] as const;

const runs = Number(flag("--runs", "5"));
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
const onlyFlag = flag("--only");
const selected: Scenario[] = onlyFlag === undefined ? [...SCENARIOS] : onlyFlag.split(",").map(
  (s) => {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new Error(`unknown scenario ${s}: ${SCENARIOS.join(", ")}`);
    }
    return s as Scenario;
  },
);
const targetMb = Number(flag("--target-mb", "500"));
const upstream = flag("--upstream", "https://pypi.org/simple")!;
const python = (await findInterpreter(flag("--python", "3.11")!)).realPath;
const uv: string = flag("--uv") ?? await findExecutable("uv") ?? "/tmp/ci/main/.tools/py/bin/uv";
const keep = Deno.args.includes("--keep");
const workParent = flag("--work");
if (workParent !== undefined) await Deno.mkdir(workParent, { recursive: true });
const work = await Deno.makeTempDir({
  prefix: "gestvenv-bench-offline-",
  ...(workParent === undefined ? {} : { dir: workParent }),
});
const filesDir = flag("--files") ?? join(work, "files");
await Deno.mkdir(filesDir, { recursive: true });
const main = new URL("../main.ts", import.meta.url).pathname;
const gestvenv = gestvenvCommand(main);
const baseEnv = { ...isolatedEnv() };

const progress = (line: string) => Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));

/** Runs `argv` with the benchmark environment plus `env`; its stdout. */
function run(argv: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return runCommand(argv, { ...baseEnv, ...env });
}

/** Wall time of `argv` in ms. */
async function timed(argv: readonly string[], env: Record<string, string> = {}): Promise<number> {
  const start = performance.now();
  await run(argv, env);
  return performance.now() - start;
}

function writeRequirements(name: string, requirements: readonly string[]): Promise<string> {
  return writeRequirementsIn(work, name, requirements);
}

/** `name==version` pins of `requirements` for the interpreter, wheels only, resolved upstream. */
async function pinsOf(name: string, requirements: readonly string[]): Promise<string[]> {
  const file = await writeRequirements(`in-${name}`, requirements);
  return await uvPins(
    uv,
    { requirements: file, python, index: upstream, cache: join(work, "pin-cache") },
    baseEnv,
  );
}

/** Downloads the wheels of `pins` that `filesDir` lacks. */
function download(pins: readonly string[]): Promise<void> {
  return downloadWheels(pins, {
    python,
    index: upstream,
    dest: filesDir,
    work,
    env: baseEnv,
    progress,
  });
}

/** Total size in bytes of the wheels of `pins` in `filesDir`. */
async function sizeOf(pins: readonly string[]): Promise<number> {
  const wanted = new Set(pins.map((p) => {
    const [n, v] = p.split("==");
    return `${normalize(n!)}==${v}`;
  }));
  let total = 0;
  for await (const item of Deno.readDir(filesDir)) {
    const [n, v] = item.name.split("-");
    if (item.name.endsWith(".whl") && wanted.has(`${normalize(n!)}==${v}`)) {
      total += (await Deno.stat(join(filesDir, item.name))).size;
    }
  }
  return total;
}

/** The environment of a gestvenv process living in `home`. */
function gestvenvEnv(home: string): Record<string, string> {
  return {
    GESTVENV_HOME: home,
    GESTVENV_CACHE_DIR: join(home, "cache"),
    PIP_CONFIG_FILE: "/dev/null",
  };
}

const MB = 1024 * 1024;
const lines: string[] = [];
const startedAt = new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Pins and files.

let bigPins: string[] = [];
const bigRequirements: string[] = [];
let bigBytes = 0;
let createPins: string[] = [];
if (selected.includes("bundle")) {
  for (const candidate of BIG_CANDIDATES) {
    bigRequirements.push(candidate);
    progress(`resolving ${bigRequirements.join(" ")}`);
    bigPins = await pinsOf("big", bigRequirements);
    await download(bigPins);
    bigBytes = await sizeOf(bigPins);
    progress(`  ${(bigBytes / MB).toFixed(0)} MiB`);
    if (bigBytes >= targetMb * MB) break;
  }
}
if (selected.includes("create")) {
  createPins = await pinsOf("create", CREATE_SET);
  await download(createPins);
}
const index: DirectoryIndex = await serveDirectory(filesDir);

const gestvenvVersion = `gestvenv ${(await run([...gestvenv, "--version"])).trim()}`;
const uvVersion = (await run([uv, "--version"])).trim();
const pythonVersion = (await run([python, "--version"])).trim();
const cpus = navigator.hardwareConcurrency;
const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "?")).split(" ").slice(0, 3)
  .join(" ");

lines.push(
  `## Offline work (issue 9): cache bundles and an offline create vs uv`,
  "",
  `Command: \`deno run -A scripts/bench_offline.ts ${Deno.args.join(" ")}\` (${startedAt})`,
  "",
  `Machine: ${Deno.build.os} ${Deno.build.arch}, ${cpus} CPUs, load ${load}; ${gestvenvVersion}, ${uvVersion}, ${pythonVersion}.`,
  "",
);

// ---------------------------------------------------------------------------------------------
// bundle: cache export + import per compression.

if (selected.includes("bundle")) {
  const home = join(work, "bundle-home");
  const big = await writeRequirements("big", bigPins);
  progress(`cache add of ${bigPins.length} wheels (${(bigBytes / MB).toFixed(0)} MiB)`);
  await run(
    [...gestvenv, "cache", "add", "-r", big, "--python", python, "--index-url", index.url, "-q"],
    gestvenvEnv(home),
  );
  const rows: string[][] = [];
  for (const compression of COMPRESSIONS) {
    const ext = compression === "none" ? "tar" : compression === "gzip" ? "tar.gz" : "tar.zst";
    const exports: number[] = [];
    const imports: number[] = [];
    let size = 0;
    const bundleRuns = Math.min(runs, 3);
    for (let i = 0; i < bundleRuns; i++) {
      const file = join(work, `cache-${compression}.${ext}`);
      await Deno.remove(file).catch(() => {});
      progress(`cache export --compress ${compression} (run ${i + 1}/${bundleRuns})`);
      exports.push(
        await timed(
          [...gestvenv, "cache", "export", file, "--compress", compression, "-q"],
          gestvenvEnv(home),
        ),
      );
      size = (await Deno.stat(file)).size;
      const fresh = join(work, `import-home-${compression}-${i}`);
      progress(`cache import (${compression}, run ${i + 1}/${bundleRuns})`);
      imports.push(await timed([...gestvenv, "cache", "import", file, "-q"], gestvenvEnv(fresh)));
      await Deno.remove(fresh, { recursive: true }).catch(() => {});
      await Deno.remove(file).catch(() => {});
    }
    rows.push([
      compression,
      formatMs(median(exports)),
      formatMs(median(imports)),
      `${(size / MB).toFixed(1)} MiB`,
      `${(size / bigBytes).toFixed(3)}`,
    ]);
  }
  lines.push(
    `### Cache bundle of ${(bigBytes / MB).toFixed(0)} MiB (${bigPins.length} wheels: ${
      bigRequirements.join(", ")
    } and their dependencies)`,
    "",
    `Filled with \`gestvenv cache add -r BIG\` from the local index; each run exports the whole cache and imports the bundle into an empty cache of a fresh home. Medians of ${
      Math.min(runs, 3)
    } runs.`,
    "",
    "| compression | `cache export` | `cache import` | bundle size | size / wheels |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
  );
}

// ---------------------------------------------------------------------------------------------
// create: offline create of a 20-package set, gestvenv vs uv, warm caches, index stopped.

if (selected.includes("create")) {
  const set = await writeRequirements("create-set", createPins);
  const gHome = join(work, "create-home");
  const uvCache = join(work, "uv-cache");
  const uvEnv = { UV_CACHE_DIR: uvCache, UV_NO_CONFIG: "1", UV_PYTHON_DOWNLOADS: "never" };
  progress(`warming both caches with ${createPins.length} distributions`);
  await run(
    [...gestvenv, "create", "warm", "-r", set, "--python", python, "--index-url", index.url, "-q"],
    gestvenvEnv(gHome),
  );
  const uvWarm = join(work, "uv-warm");
  await run([uv, "venv", uvWarm, "--python", python, "-q"], uvEnv);
  await run(
    [
      uv,
      "pip",
      "install",
      "--python",
      join(uvWarm, "bin", "python"),
      "-r",
      set,
      "--index-url",
      index.url,
      "-q",
    ],
    uvEnv,
  );
  // The same create online (index up, caches warm), for what offline mode itself costs.
  const online: number[] = [];
  for (let i = 0; i <= runs; i++) {
    await run([...gestvenv, "delete", "x", "--force", "-q"], gestvenvEnv(gHome)).catch(() => {});
    const t = await timed(
      [...gestvenv, "create", "x", "-r", set, "--python", python, "--index-url", index.url, "-q"],
      gestvenvEnv(gHome),
    );
    if (i > 0) online.push(t);
  }
  // From here on nothing may go online: the index is gone.
  await index.close();
  const gestvenvRun = [
    ...gestvenv,
    "--offline",
    "create",
    "x",
    "-r",
    set,
    "--python",
    python,
    "--index-url",
    index.url,
    "-q",
  ];
  const uvDir = join(work, "uv-x");
  const uvRun = [
    "sh",
    "-c",
    `${shellLine([uv, "venv", uvDir, "--python", python, "-q"])} && ${
      shellLine([
        uv,
        "pip",
        "install",
        "--offline",
        "--python",
        join(uvDir, "bin", "python"),
        "-r",
        set,
        "--index-url",
        index.url,
        "-q",
      ])
    }`,
  ];
  const g: number[] = [];
  const u: number[] = [];
  for (let i = 0; i <= runs; i++) {
    await run([...gestvenv, "delete", "x", "--force", "-q"], gestvenvEnv(gHome)).catch(() => {});
    await Deno.remove(uvDir, { recursive: true }).catch(() => {});
    const gt = await timed(gestvenvRun, gestvenvEnv(gHome));
    const ut = await timed(uvRun, uvEnv);
    if (i > 0) { // run 0 is the untimed warm-up
      g.push(gt);
      u.push(ut);
    }
    progress(`create run ${i}: gestvenv ${formatMs(gt)}, uv ${formatMs(ut)}`);
  }
  const installed = (await run([
    join(work, "create-home", "environments", "x", "bin", "python"),
    "-c",
    "import flask, requests, rich, dateutil, attrs, packaging; print('ok')",
  ])).trim();
  lines.push(
    `### Offline create of ${createPins.length} distributions (${
      CREATE_SET.join(", ")
    }), warm caches`,
    "",
    `Both caches warmed by one online install; the local index is then stopped, so any network use would fail. Interleaved, one untimed warm-up round, medians of ${runs} runs (min–max). The gestvenv environment imports its packages afterwards: ${installed}.`,
    "",
    "| command | median | min–max | ratio to uv |",
    "| --- | --- | --- | --- |",
    `| \`gestvenv --offline create x -r SET\` | ${formatMs(median(g))} | ${
      formatMs(Math.min(...g))
    }–${formatMs(Math.max(...g))} | ${(median(g) / median(u)).toFixed(2)}x |`,
    `| \`gestvenv create x -r SET\` (online, index up, same warm cache; before the index stopped) | ${
      formatMs(median(online))
    } | ${formatMs(Math.min(...online))}–${formatMs(Math.max(...online))} | ${
      (median(online) / median(u)).toFixed(2)
    }x |`,
    `| \`uv venv D && uv pip install --offline --python D/bin/python -r SET\` | ${
      formatMs(median(u))
    } | ${formatMs(Math.min(...u))}–${formatMs(Math.max(...u))} | 1.00x |`,
    "",
  );
} else {
  await index.close();
}

await Deno.stdout.write(new TextEncoder().encode(lines.join("\n") + "\n"));
if (!keep) await Deno.remove(work, { recursive: true }).catch(() => {});
