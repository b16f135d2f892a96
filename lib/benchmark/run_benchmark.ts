/**
 * `gestvenv benchmark` and `compare`: an operation (create an environment, install packages)
 * timed as whole gestvenv processes in throwaway homes, for one backend, for several backends,
 * or with a cold and a warm cache. Nothing of the user's is touched: every process runs with
 * `GESTVENV_HOME` (and the package caches of gestvenv, uv and pip) inside one temporary
 * directory, removed at the end whatever happens (error, Ctrl-C). The user's `config.toml` is
 * copied into each home without the keys that point at the user's state (`environments_path`,
 * `cache_path`), and the processes run in the current directory with the user's environment, so
 * they read the same indexes (config, pip's configuration, the project's `.gestvenv.toml`) as the
 * user's own commands. Offline, the processes read a copy of the user's cache (its read-only files
 * hard-linked where possible, the writable ones such as the sqlite index copied),
 * and a cold cache cannot be measured.
 *
 * Measured as `scripts/bench_install.ts` measures: one untimed warm-up round (it fills the
 * caches), then the timed rounds, cases interleaved.
 *
 * @module
 */
import { loadConfig, renderConfig } from "../config/mod.ts";
import { redactUrlsIn, UsageError } from "../errors/mod.ts";
import { pathExists, tryWithFileLock, withFileLock } from "../fs/mod.ts";
import { dirname, join } from "../paths/mod.ts";
import { type BenchmarkCase, measureCases } from "./measure.ts";
import { runTimed } from "./run_timed.ts";
import { summarize, type TimingSummary } from "./stats.ts";

/** The benchmarks `gestvenv benchmark` knows. */
export const BENCHMARK_KINDS = ["create", "install", "backends", "cache"] as const;

/** One of {@linkcode BENCHMARK_KINDS}. */
export type BenchmarkKind = typeof BENCHMARK_KINDS[number];

/** A backend a benchmark can run with. */
export type BenchmarkBackend = "native" | "uv" | "pip";

/** The operation a run times. */
export type BenchmarkOperation = "create" | "install";

/** What {@linkcode runBenchmark} measures and how. */
export interface BenchmarkOptions {
  /**
   * `create`: `gestvenv create NAME` (with `-r` when there are requirements); `install`:
   * `gestvenv install --env NAME -r ...` into an empty environment made before (untimed);
   * `backends`: `operation` once per backend; `cache`: `install` with a warm cache (filled by
   * the warm-up round) and with an empty cache at every run.
   */
  kind: BenchmarkKind;
  /** The operation of `backends` (ignored by the others). @default "install" */
  operation?: BenchmarkOperation;
  /** The backend of `create`, `install` and `cache`. */
  backend: BenchmarkBackend;
  /**
   * The backends of `backends`, in the order of the rows, each with the reason it cannot run
   * here (`null` when it can): an unavailable backend is a row without figures.
   */
  backends?: ReadonlyArray<{ name: BenchmarkBackend; unavailable: string | null }>;
  /** PEP 508 requirements (written to a requirements file in the work directory). */
  requirements: readonly string[];
  /** Requirements files given by the user (absolute paths), passed with `-r`. */
  requirementFiles: readonly string[];
  /** Timed runs per case (after one warm-up run). */
  iterations: number;
  /** The interpreter every environment is made with (absolute path). */
  python: string;
  /** The argv that runs gestvenv (`selfCommand()`), the subcommand appended. */
  gestvenv: readonly string[];
  /**
   * The environment the processes start from (the user's); gestvenv's home and cache variables,
   * uv's and pip's cache variables and failpoints are replaced.
   */
  baseEnv: Readonly<Record<string, string>>;
  /**
   * The user's `config.toml`, copied into every throwaway home when it exists, less the keys that
   * point at the user's state ({@linkcode USER_STATE_KEYS}).
   */
  configFile: string;
  /** `--index-url` for every process, when given. */
  indexUrl?: string | undefined;
  /** `--offline`: the processes read a linked copy of `userCacheDir` and never the network. */
  offline: boolean;
  /** The user's cache directory (linked into the work directory offline; never written). */
  userCacheDir: string;
  /** Where the temporary work directory is made. @default the system's temp directory */
  tempParent?: string | undefined;
  /** Ctrl-C: the running process is stopped, the work directory removed. */
  signal?: AbortSignal | undefined;
  /** Progress after each run (-1: the warm-up run), ms. */
  onRun?: (label: string, run: number, ms: number) => void;
  /** Progress before untimed set-up work. */
  onStep?: (text: string) => void;
}

/** One row of a benchmark: a case and its timings, or why it could not run. */
export interface BenchmarkRow {
  /** What the row measured, e.g. `install (native backend, warm cache)`. */
  label: string;
  /** The backend the processes ran with. */
  backend: BenchmarkBackend;
  /** `warm` or `cold` for `cache`; null otherwise. */
  cache: "warm" | "cold" | null;
  /** False when the backend cannot run here. */
  available: boolean;
  /** Why it could not run (null when it ran). */
  unavailable_reason: string | null;
  /** The timings (null when it did not run). */
  timing: TimingSummary | null;
}

/** What {@linkcode runBenchmark} returns. */
export interface BenchmarkResult {
  kind: BenchmarkKind;
  /** The operation each run timed. */
  operation: BenchmarkOperation;
  /** The requirements installed (`--packages`), and the requirements files. */
  requirements: string[];
  requirement_files: string[];
  /** Timed runs per case. */
  iterations: number;
  /** The interpreter used. */
  python: string;
  /** `--index-url` (credentials removed), or null for the configured indexes. */
  index_url: string | null;
  offline: boolean;
  rows: BenchmarkRow[];
}

/** Configuration keys left out of the throwaway homes: they point at the user's own state. */
export const USER_STATE_KEYS = ["environments_path", "cache_path"] as const;

/**
 * Re-creates the tree `src` at `dest` with hard links to its read-only files (a copy where a link
 * cannot be made, e.g. across filesystems) and copies of the others; a missing `src` gives an
 * empty `dest`.
 */
async function linkTree(src: string, dest: string): Promise<void> {
  await Deno.mkdir(dest, { recursive: true });
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(src));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const entry of entries) {
    const from = join(src, entry.name);
    const to = join(dest, entry.name);
    if (entry.isDirectory) await linkTree(from, to);
    else if (entry.isSymlink) await Deno.symlink(await Deno.readLink(from), to);
    else {
      // Only read-only files (the cache's content, written once) are shared; anything writable
      // (its sqlite index) is copied, so a write in the copy never reaches the user's file.
      const mode = (await Deno.lstat(from)).mode;
      if (mode !== null && (mode & 0o222) === 0) {
        await Deno.link(from, to).catch(() => Deno.copyFile(from, to));
      } else await Deno.copyFile(from, to);
    }
  }
}

/** Variables the processes must not inherit: they would point them at the user's state. */
const REPLACED =
  /^(GESTVENV_INDEX_URL|GESTVENV_HOME|GESTVENV_CACHE_DIR|GESTVENV_CACHE_PATH|GESTVENV_FAILPOINT|UV_CACHE_DIR|PIP_CACHE_DIR|VIRTUAL_ENV)$/;

/**
 * Runs the benchmark and returns its rows. The temporary work directory
 * (`gestvenv-benchmark-<pid>-*`) is removed before returning or throwing; those of dead runs
 * beside it (a lock file nobody holds) are removed first.
 * @throws {UsageError} For `install`, `backends`, `cache` without requirements, `cache` offline,
 *   an iteration count below 1, or `backends` with no backend.
 * @throws {OperationError} When a measured command fails (its command line and output).
 * @throws {InterruptedError} On Ctrl-C (`signal`).
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const operation: BenchmarkOperation = options.kind === "create"
    ? "create"
    : options.kind === "backends"
    ? options.operation ?? "install"
    : "install";
  const hasRequirements = options.requirements.length + options.requirementFiles.length > 0;
  if (!Number.isInteger(options.iterations) || options.iterations < 1) {
    throw new UsageError(`--iterations must be a whole number of at least 1`, {
      hint: "e.g. --iterations 5",
    });
  }
  if (operation === "install" && !hasRequirements) {
    throw new UsageError(`\`benchmark ${options.kind}\` needs packages to install`, {
      hint: 'Name them: --packages "requests,flask" (or --packages-file FILE)',
    });
  }
  if (options.kind === "cache" && options.offline) {
    throw new UsageError("An empty cache cannot be measured offline: its runs must download", {
      hint: "Run `benchmark cache` without --offline",
    });
  }
  const backends = options.kind === "backends"
    ? [...(options.backends ?? [])]
    : [{ name: options.backend, unavailable: null }];
  if (backends.length === 0) {
    throw new UsageError("No backend to measure", { hint: "Name them: native uv pip" });
  }

  const work = await Deno.makeTempDir({
    prefix: `${WORK_PREFIX}${Deno.pid}-`,
    ...(options.tempParent === undefined ? {} : { dir: options.tempParent }),
  });
  try {
    // Held while the benchmark runs: a work directory whose lock is free is a dead run's.
    return await withFileLock(join(work, WORK_LOCK), async () => {
      await removeStaleWorkDirs(dirname(work), work);
      return await measure(options, work, operation, hasRequirements, backends);
    }, { holder: { command: `gestvenv benchmark ${options.kind}` } });
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** The prefix of the work directories, followed by the pid of the run. */
const WORK_PREFIX = "gestvenv-benchmark-";
/** The lock file a running benchmark holds in its work directory. */
const WORK_LOCK = "work.lock";

/**
 * Removes the work directories of benchmarks that died without removing theirs (a second Ctrl-C
 * stops at once, SIGKILL, a power cut): those beside `own` with a lock file that nobody holds.
 * Directories without the lock file are not ours to judge and are left alone.
 */
async function removeStaleWorkDirs(parent: string, own: string): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(parent));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory || !/^gestvenv-benchmark-\d+-/.test(entry.name)) continue;
    const dir = join(parent, entry.name);
    if (dir === own || !await pathExists(join(dir, WORK_LOCK))) continue;
    await tryWithFileLock(join(dir, WORK_LOCK), async () => {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }).catch(() => {});
  }
}

/** The body of {@linkcode runBenchmark}, in its work directory. */
async function measure(
  options: BenchmarkOptions,
  work: string,
  operation: BenchmarkOperation,
  hasRequirements: boolean,
  backends: Array<{ name: BenchmarkBackend; unavailable: string | null }>,
): Promise<BenchmarkResult> {
  const files = [...options.requirementFiles];
  if (options.requirements.length > 0) {
    const file = join(work, "requirements.txt");
    await Deno.writeTextFile(file, options.requirements.join("\n") + "\n");
    files.push(file);
  }
  const user = await Deno.stat(options.configFile).then(() => true, () => false)
    ? await loadConfig(options.configFile) as Record<string, unknown>
    : undefined;
  for (const key of USER_STATE_KEYS) delete user?.[key];
  const config = user === undefined ? undefined : renderConfig(user);
  let offlineCache: string | undefined;
  if (options.offline) {
    offlineCache = join(work, "offline-cache");
    options.onStep?.(`Linking your cache ${options.userCacheDir} into ${offlineCache}`);
    await linkTree(options.userCacheDir, offlineCache);
  }
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.baseEnv)) if (!REPLACED.test(k)) base[k] = v;
  base.NO_COLOR = "1";

  /** The home of case `k`, made with the user's configuration. */
  const homes: string[] = [];
  const homeOf = async (k: number) => {
    const home = join(work, `home-${k}`);
    await Deno.mkdir(home, { recursive: true });
    if (config !== undefined) await Deno.writeTextFile(join(home, "config.toml"), config);
    homes[k] = home;
    return home;
  };
  /** The environment of case `k`'s processes; `caches` holds gestvenv's, uv's and pip's. */
  const envOf = (home: string, caches: string | undefined): Record<string, string> => ({
    ...base,
    GESTVENV_HOME: home,
    ...(offlineCache !== undefined ? { GESTVENV_CACHE_DIR: offlineCache } : {
      GESTVENV_CACHE_DIR: join(caches!, "gestvenv"),
      UV_CACHE_DIR: join(caches!, "uv"),
      PIP_CACHE_DIR: join(caches!, "pip"),
    }),
  });
  // `--index-url` reaches the processes as GESTVENV_INDEX_URL (the same precedence below the
  // flag), never on their argv, where `ps` and the error messages would show its credentials.
  if (options.indexUrl !== undefined) base.GESTVENV_INDEX_URL = options.indexUrl;
  const indexArgs = options.offline ? ["--offline"] : [];
  const requirementArgs = files.flatMap((f) => ["-r", f]);
  const create = (name: string, backend: BenchmarkBackend, withPackages: boolean) => [
    ...options.gestvenv,
    "create",
    name,
    "--quiet",
    "--python",
    options.python,
    "--backend",
    backend,
    ...(withPackages ? [...requirementArgs, ...indexArgs] : indexArgs),
  ];
  const install = (name: string, backend: BenchmarkBackend) => [
    ...options.gestvenv,
    "install",
    "--env",
    name,
    "--quiet",
    "--backend",
    backend,
    ...requirementArgs,
    ...indexArgs,
  ];
  const envName = (k: number, i: number) => `bench-${k}-${i < 0 ? "warmup" : i + 1}`;

  const cases: BenchmarkCase[] = [];
  const rows: BenchmarkRow[] = [];
  /** Adds the case of `backend` (cache `warm`/`cold` for the `cache` kind). */
  const addCase = async (backend: BenchmarkBackend, cache: "warm" | "cold" | null) => {
    const k = cases.length;
    const home = await homeOf(k);
    const label = `${operation} (${backend} backend${cache === null ? "" : `, ${cache} cache`})`;
    const cacheOf = (i: number) =>
      cache === "cold"
        ? join(work, `caches-${k}-${i < 0 ? "warmup" : i + 1}`)
        : join(home, "caches");
    const env = (i: number) => envOf(home, cacheOf(i));
    const prepare = async (i: number) => {
      if (cache === "cold" && i >= 0) {
        // Each run starts empty; the previous run's cache goes (disk space).
        await Deno.remove(cacheOf(i - 1), { recursive: true }).catch(() => {});
      }
      if (operation === "install") {
        await runTimed(create(envName(k, i), backend, false), {
          env: env(i),
          signal: options.signal,
        });
      }
    };
    cases.push({
      label,
      prepare,
      env,
      commands: (i) => [
        operation === "create"
          ? create(envName(k, i), backend, hasRequirements)
          : install(envName(k, i), backend),
      ],
    });
    rows.push({
      label,
      backend,
      cache,
      available: true,
      unavailable_reason: null,
      timing: null,
    });
  };
  for (const b of backends) {
    if (b.unavailable !== null) {
      rows.push({
        label: `${operation} (${b.name} backend)`,
        backend: b.name,
        cache: null,
        available: false,
        unavailable_reason: b.unavailable,
        timing: null,
      });
      continue;
    }
    if (options.kind === "cache") {
      await addCase(b.name, "warm");
      await addCase(b.name, "cold");
    } else {
      await addCase(b.name, null);
    }
  }
  if (cases.length > 0) {
    options.onStep?.(
      `Measuring ${cases.length} case${
        cases.length === 1 ? "" : "s"
      }: one warm-up run, then ${options.iterations} timed run${
        options.iterations === 1 ? "" : "s"
      } each, in ${work}`,
    );
    const times = await measureCases(cases, {
      runs: options.iterations,
      signal: options.signal,
      onRun: (label, run, ms) => options.onRun?.(label, run, ms),
    });
    for (const t of times) {
      const row = rows.find((r) => r.label === t.label && r.available)!;
      row.timing = summarize(t.times);
    }
  }
  return {
    kind: options.kind,
    operation,
    requirements: [...options.requirements],
    requirement_files: [...options.requirementFiles],
    iterations: options.iterations,
    python: options.python,
    index_url: options.indexUrl === undefined ? null : redactUrlsIn(options.indexUrl),
    offline: options.offline,
    rows,
  };
}
