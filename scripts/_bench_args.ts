/**
 * What the benchmark scripts share: reading `--name value` arguments, the named requirement sets
 * they measure, and the command that runs gestvenv from source as shipped (release permissions
 * and V8 settings).
 *
 * @module
 */
import { PERMISSION_FLAGS, V8_FLAGS } from "../commands/_self.ts";
import { normalize } from "./_local_index.ts";
import { shellLine } from "../lib/benchmark/mod.ts";

/** The value after `name` on the command line, or `fallback`. */
export function flag(name: string, fallback?: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

/** Requirement sets the benchmarks know, by name. */
export const SETS: Readonly<Record<string, string[]>> = {
  flask: ["flask"],
  jupyter: ["jupyter"],
  airflow: ["apache-airflow==2.9.3"],
  /** Trio's docs requirements, as uv's benchmarks use them (trio 01638f87, docs-requirements.in). */
  "trio-docs": [
    "sphinx>=4.0,<6.2",
    "jinja2",
    "sphinx_rtd_theme",
    "sphinxcontrib-jquery",
    "sphinxcontrib-trio",
    "towncrier",
    'cffi; os_name == "nt"',
    "attrs>=19.2.0",
    "sortedcontainers",
    "idna",
    "outcome",
    "sniffio",
    "exceptiongroup>=1.0.0rc9",
    "immutables>=0.6",
    "pyOpenSSL",
  ],
  fps: ["flask", "requests", "pandas"],
};

/**
 * The set named by `--set` (default `fallback`), as its name and requirements.
 *
 * @throws {Error} For an unknown set.
 */
export function chosenSet(fallback: string): { name: string; requirements: string[] } {
  const name = flag("--set", fallback)!;
  const requirements = SETS[name];
  if (requirements === undefined) {
    throw new Error(`unknown set ${name}: ${Object.keys(SETS).join(", ")}`);
  }
  return { name, requirements };
}

// One median, one duration format and one command-line quoting for the scripts and for
// `gestvenv benchmark`/`compare` (lib/benchmark), so both report figures the same way.
export { formatMs, median, shellLine } from "../lib/benchmark/mod.ts";

/**
 * This process's environment without the variables that would point pip, uv or gestvenv at
 * another configuration, index or cache (`PIP_*`, `UV_*`, `GESTVENV_*`, `VIRTUAL_ENV`), plus
 * `PIP_CONFIG_FILE=/dev/null` and `UV_NO_CONFIG=1` (no `pip.conf`/`uv.toml` either): what every
 * benchmarked command starts from, so that all of them read only the indexes given on their
 * command lines.
 */
export function isolatedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (!/^(PIP_|UV_|GESTVENV_|VIRTUAL_ENV$|CONDA_PREFIX$|PYTHONPATH$)/.test(k)) env[k] = v;
  }
  return {
    ...env,
    NO_COLOR: "1",
    PIP_CONFIG_FILE: "/dev/null",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    UV_NO_CONFIG: "1",
    UV_NO_PROGRESS: "1",
    UV_PYTHON_DOWNLOADS: "never",
  };
}

/** `deno run` with gestvenv's release permissions and V8 settings; `main` is the entry file. */
export function gestvenvCommand(main: string, v8: readonly string[] = V8_FLAGS): string[] {
  return [Deno.execPath(), "run", "--quiet", ...v8, ...PERMISSION_FLAGS, main];
}

/**
 * `uv pip compile FILE --python PY --index-url URL --cache-dir DIR --quiet`, plus `extra`: how
 * every script asks uv for the same resolution as gestvenv's.
 */
export function uvCompileCommand(
  uv: string,
  options: { requirements: string; python: string; index: string; cache: string },
  extra: readonly string[] = [],
): string[] {
  return [
    uv,
    "pip",
    "compile",
    options.requirements,
    "--python",
    options.python,
    "--index-url",
    options.index,
    "--cache-dir",
    options.cache,
    "--quiet",
    ...extra,
  ];
}

/**
 * Runs `argv` to completion with exactly `env` (nothing inherited); its stdout as text.
 * @throws {Error} With the command line and the end of its output when it fails.
 */
export async function runCommand(
  argv: readonly string[],
  env: Record<string, string>,
): Promise<string> {
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `${shellLine(argv)} failed (exit ${out.code}):\n${
        (text.decode(out.stdout) + text.decode(out.stderr)).slice(-3000)
      }`,
    );
  }
  return text.decode(out.stdout);
}

/** Writes `requirements` one per line to `<dir>/<name>.txt`; its path. */
export async function writeRequirements(
  dir: string,
  name: string,
  requirements: readonly string[],
): Promise<string> {
  const file = `${dir}/${name}.txt`;
  await Deno.writeTextFile(file, requirements.join("\n") + "\n");
  return file;
}

/**
 * `name==version` pins of the requirements file `file` for `python`, wheels only, resolved by uv
 * against `index` (the upstream every benchmark takes its files from).
 */
export async function uvPins(
  uv: string,
  options: { requirements: string; python: string; index: string; cache: string },
  env: Record<string, string>,
): Promise<string[]> {
  const out = await runCommand(
    uvCompileCommand(uv, options, ["--only-binary", ":all:", "--no-header", "--no-annotate"]),
    env,
  );
  return out.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

/** What {@linkcode downloadWheels} needs. */
export interface DownloadWheelsOptions {
  /** The interpreter whose pip downloads (`python -m pip download`). */
  python: string;
  /** The index the wheels come from. */
  index: string;
  /** The directory of wheels (a benchmark's `--files`), kept between runs. */
  dest: string;
  /** A scratch directory (requirements files, pip's cache). */
  work: string;
  /** The environment pip runs with (nothing else is inherited). */
  env: Record<string, string>;
  /** Progress lines. */
  progress: (line: string) => void;
}

/**
 * Downloads into `dest` the wheels of `name==version` pins it lacks (a rerun downloads nothing),
 * with pip (`--no-deps --only-binary :all:`), one pip command per group of distinct projects:
 * pip refuses two versions of one project in one command.
 */
export async function downloadWheels(
  pins: Iterable<string>,
  options: DownloadWheelsOptions,
): Promise<void> {
  const have = new Set<string>();
  for await (const item of Deno.readDir(options.dest)) {
    const [name, version] = item.name.split("-");
    if (item.name.endsWith(".whl")) have.add(`${normalize(name!)}==${version}`);
  }
  const groups: Map<string, string>[] = [];
  for (const pin of pins) {
    const [name, version] = pin.split("==");
    if (have.has(`${normalize(name!)}==${version}`)) continue;
    let group = groups.find((g) => !g.has(normalize(name!)));
    if (group === undefined) groups.push(group = new Map());
    group.set(normalize(name!), pin);
  }
  for (const [g, group] of groups.entries()) {
    options.progress(`downloading ${group.size} wheels into ${options.dest}`);
    const pinFile = await writeRequirements(options.work, `download-${g}`, [...group.values()]);
    await runCommand([
      options.python,
      "-m",
      "pip",
      "download",
      "--quiet",
      "--no-deps",
      "--only-binary",
      ":all:",
      "--index-url",
      options.index,
      "--dest",
      options.dest,
      "-r",
      pinFile,
    ], {
      ...options.env,
      PIP_CONFIG_FILE: "/dev/null",
      PIP_CACHE_DIR: `${options.work}/pin-cache/pip`,
    });
  }
}
