/**
 * Installing exactly what a PEP 751 lock lists. A plan is computed first (for each package whose
 * marker holds: the best wheel for the interpreter, else the sdist, else its directory; what is
 * already installed at that version is kept; for a sync, what the lock does not list is removed).
 * Applying it fetches every file into a private temp directory and verifies its size and sha256
 * (all of them, before anything is installed), then hands the verified files to the backend as
 * absolute paths with `--no-deps`, then installs the lock's directories. No requirements file is
 * written; no lock field reaches a command line except as a path we built.
 *
 * @module
 */
import type { Backend, BackendTarget } from "../backends/mod.ts";
import { tagInput } from "../python/mod.ts";
import { httpTimeouts } from "../config/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { OperationError, PackageNotFoundError } from "../errors/mod.ts";
import { atomicWriteFile, failpoint } from "../fs/mod.ts";
import {
  type ArtifactSpec,
  decideIndexes,
  fetchArtifacts,
  type FetchedArtifact,
  HttpClient,
  redactUrl,
} from "../index/mod.ts";
import {
  formatPylock,
  type LockedInstall,
  parsePylock,
  type Pylock,
  requireSha256,
  selectLockedFiles,
} from "../lock/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { tryParseVersion, versionsEqual } from "../pep440/mod.ts";
import {
  assertMayChange,
  backendCall,
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  openEnvironment,
  recordInstalled,
  withEnvironmentLock,
} from "../environments/mod.ts";
import { environmentLockPath } from "./environment_lock.ts";

/** Distributions a sync never removes: the environment's own installer. */
const KEEP = new Set(["pip"]);

/** One distribution a lock installs. */
export interface PlannedInstall {
  /** PEP 503 normalized name. */
  name: string;
  /** The locked version (null for a directory without one). */
  version: string | null;
  /** The file installed (wheel or sdist name), or null for a directory. */
  file: string | null;
  /** The file's URL (credentials never kept), or null for a directory. */
  url: string | null;
  /** The directory installed (absolute), or null for a file. */
  path: string | null;
  /** Whether a directory is installed in editable mode. */
  editable: boolean;
  /** The version installed now when it is replaced, else null. */
  replaces: string | null;
  /** What the lock selected (with its hashes), to apply the plan. */
  locked: LockedInstall;
}

/** An installed distribution that a plan keeps or removes. */
export interface PlannedDistribution {
  name: string;
  version: string;
}

/** What applying a lock to an environment does. */
export interface LockPlan {
  /** Distributions to install (new, or replacing another version, or a directory). */
  install: PlannedInstall[];
  /** Distributions already installed at the locked version, left alone. */
  unchanged: PlannedDistribution[];
  /** Installed distributions the lock does not list (only for an exact sync). */
  remove: PlannedDistribution[];
}

/**
 * Computes what applying `lock` to `target` would do, changing nothing: the files to install
 * (markers evaluated, best wheel for the interpreter's tags, else the sdist), which installed
 * distributions already match, and, when `exact`, which ones the lock does not list (pip is
 * kept). Every file to install must have a sha256 and every directory must exist.
 * @throws {UsageError} when the lock is not meant for this interpreter.
 * @throws {InvalidSyntaxError} when a package has no file here or a file has no sha256.
 * @throws {PackageNotFoundError} when a locked directory is missing or is not a directory.
 */
export async function planLockInstall(
  lock: Pylock,
  target: BackendTarget,
  exact: boolean,
): Promise<LockPlan> {
  const info = target.interpreter.info;
  const selected = selectLockedFiles(lock, info.markers, supportedTags(tagInput(info)));
  requireSha256(lock, selected);
  for (const s of selected) {
    if (s.directory !== null) await requireDirectory(lock, s);
  }
  const installed = new Map(
    (await readInstalledDistributions(target.layout.sitePackages)).map((d) => [
      d.normalized_name,
      d,
    ]),
  );
  const plan: LockPlan = { install: [], unchanged: [], remove: [] };
  for (const s of selected) {
    const current = installed.get(s.name);
    const have = current === undefined ? null : tryParseVersion(current.version);
    const want = s.version === undefined ? null : tryParseVersion(s.version);
    if (s.file !== null && have !== null && want !== null && versionsEqual(have, want)) {
      plan.unchanged.push({ name: s.name, version: current!.version });
      continue;
    }
    plan.install.push({
      name: s.name,
      version: s.version ?? null,
      file: s.file?.name ?? null,
      url: s.file === null ? null : redactUrl(s.file.url),
      path: s.directory?.path ?? null,
      editable: s.directory?.editable ?? false,
      replaces: current === undefined ? null : current.version,
      locked: s,
    });
  }
  if (exact) {
    const wanted = new Set(selected.map((s) => s.name));
    for (const [name, dist] of installed) {
      if (!wanted.has(name) && !KEEP.has(name)) plan.remove.push({ name, version: dist.version });
    }
  }
  return plan;
}

async function requireDirectory(lock: Pylock, s: LockedInstall): Promise<void> {
  const path = s.directory!.path;
  const where = `${lock.source ?? "The lock"}: the directory of ${s.name}`;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw new PackageNotFoundError(`${where} does not exist: ${path}`, {
      cause: error,
      hint: "Relative directory paths are relative to the lock file; fix the path or lock again",
    });
  }
  if (!info.isDirectory) {
    throw new PackageNotFoundError(`${where} is not a directory: ${path}`, {
      hint: "A `directory` entry must name a project directory; fix the path or lock again",
    });
  }
}

/** Options for {@linkcode installFromLock}. */
export interface InstallFromLockOptions {
  /** The HTTP client that fetches the files. @default a new client with a 5-minute timeout */
  http?: HttpClient;
  /** A plan computed beforehand by {@linkcode planLockInstall}. @default computed here */
  plan?: LockPlan;
}

/**
 * Adds the credentials of a configured index to a file URL on the same origin (as pip reuses its
 * index credentials for files), since locks never keep credentials. Never printed.
 */
function withIndexCredentials(url: string, indexes: string[]): string {
  if (!/^https?:/i.test(url)) return url;
  const target = new URL(url);
  if (target.username !== "" || target.password !== "") return url;
  for (const index of indexes) {
    let u: URL;
    try {
      u = new URL(index);
    } catch {
      continue;
    }
    if (u.origin === target.origin && (u.username !== "" || u.password !== "")) {
      target.username = u.username;
      target.password = u.password;
      return target.href;
    }
  }
  return url;
}

/**
 * Applies a lock to `target`: computes the plan (see {@linkcode planLockInstall}), fetches every
 * file to install into a private temp directory and verifies its size and sha256, and only when
 * all are verified installs them (absolute paths, `--no-deps`), then the lock's directories,
 * then removes what the lock does not list when `exact`; finally stores the lock as the
 * environment's lock. The temp directory is removed in every case.
 * @returns the plan that was applied.
 * @throws {ArtifactMismatchError} (exit 5) when any file does not match; nothing is installed.
 * @throws {InvalidSyntaxError | UsageError | PackageNotFoundError} as {@linkcode planLockInstall}.
 * @throws {NetworkError | PackageNotFoundError} when a file cannot be fetched.
 * @throws {BackendError} when the backend fails.
 */
export async function installFromLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  backend: Backend,
  target: BackendTarget,
  lock: Pylock,
  exact: boolean,
  options: InstallFromLockOptions = {},
): Promise<LockPlan> {
  assertMayChange(ctx, `install a lock into ${record.name}`);
  const plan = options.plan ?? await planLockInstall(lock, target, exact);
  const files = plan.install.filter((p) => p.locked.file !== null);
  const directories = plan.install.filter((p) => p.locked.directory !== null);
  const call = backendCall(ctx);
  // Paths we built or validated, exactly those, no dependencies.
  const installLocal = async (step: string, paths: string[], editables: string[]) => {
    ctx.reporter.step(step);
    try {
      await backend.install(target, {
        requirements: paths,
        requirementFiles: [],
        editables,
        upgrade: false,
        noDeps: true,
        dryRun: false,
      }, call);
    } finally {
      ctx.reporter.done();
    }
  };
  if (files.length > 0) {
    const indexes = decideIndexes(ctx.settings).indexUrls;
    const specs: ArtifactSpec[] = files.map((p) => {
      const file = p.locked.file!;
      return {
        label: `${p.name}${p.version === null ? "" : ` ${p.version}`}`,
        url: withIndexCredentials(file.url, indexes),
        filename: file.name,
        sha256: file.hashes.sha256!,
        size: file.size,
      };
    });
    // The index timeouts: connecting, and silence while a body arrives (a big wheel that keeps
    // flowing is never cut).
    const http = options.http ?? new HttpClient({ ...httpTimeouts(ctx.settings) });
    const dir = await Deno.makeTempDir({ prefix: "gestvenv-lock-" });
    try {
      ctx.reporter.step(`Fetching and verifying ${files.length} locked files`);
      let fetched: FetchedArtifact[];
      try {
        fetched = await fetchArtifacts(http, specs, dir);
      } finally {
        ctx.reporter.done();
      }
      await failpoint("lock.after-verify");
      await installLocal(
        `Installing ${files.length} locked distributions into ${record.name}`,
        fetched.map((f) => f.path),
        [],
      );
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
  if (directories.length > 0) {
    await installLocal(
      `Installing ${directories.map((d) => d.name).join(" ")} from directories`,
      directories.filter((d) => !d.editable).map((d) => d.path!),
      directories.filter((d) => d.editable).map((d) => d.path!),
    );
  }
  if (plan.remove.length > 0) {
    const names = plan.remove.map((r) => r.name);
    ctx.reporter.step(`Removing ${names.join(" ")} (not in the lock)`);
    try {
      await backend.uninstall(target, names, call);
    } finally {
      ctx.reporter.done();
    }
  }
  await atomicWriteFile(environmentLockPath(record), formatPylock(lock));
  return plan;
}

/** Options for {@linkcode syncEnvironment}. */
export interface SyncOptions {
  /** The lock to apply. @default the environment's own `pylock.toml` */
  lockFile?: string | undefined;
  /** Compute and return the plan; change nothing. @default false */
  dryRun?: boolean;
}

/** The outcome of {@linkcode syncEnvironment}. */
export interface SyncResult {
  /** The registry record after the sync (unchanged for a dry run). */
  record: EnvironmentRecord;
  /** What was (or, for a dry run, would be) installed, kept and removed. */
  plan: LockPlan;
  /** The lock file that was applied. */
  lockFile: string;
  /** True when nothing was changed. */
  dryRun: boolean;
}

async function readLock(name: string, path: string): Promise<Pylock> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new OperationError(
      `No lock to sync \`${name}\` with: cannot read ${path}`,
      "lock_missing",
      {
        cause: error,
        hint: `Make one with \`gestvenv lock ${name}\`, or pass a lock file with --lock-file`,
      },
    );
  }
  return parsePylock(text, path);
}

/**
 * Makes the named environment match a lock exactly (`gestvenv sync ENV --locked`): installs the
 * locked files after verifying them, removes the rest, and records the result. Without
 * `lockFile`, the environment's own `pylock.toml` is used. With `dryRun`, only the plan is
 * computed: the environment, its lock and the registry are not touched.
 * @throws {EnvironmentNotFoundError} when the environment does not exist.
 * @throws {OperationError} when there is no lock to apply.
 * @throws {InvalidSyntaxError} when the lock is malformed, has no file for this platform, or a
 *   file without sha256.
 * @throws {ArtifactMismatchError} (exit 5) when a file does not match the lock.
 * @throws {BackendError} when installing fails.
 */
export async function syncEnvironment(
  ctx: EnvironmentContext,
  name: string,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const first = await getEnvironment(ctx, name);
  if (options.dryRun) {
    const path = options.lockFile ?? environmentLockPath(first);
    const lock = await readLock(name, path);
    const { target } = await openEnvironment(ctx, first);
    const plan = await planLockInstall(lock, target, true);
    return { record: first, plan, lockFile: path, dryRun: true };
  }
  return await withEnvironmentLock(ctx, name, async () => {
    const record = await getEnvironment(ctx, name);
    const path = options.lockFile ?? environmentLockPath(record);
    const lock = await readLock(name, path);
    const { backend, target } = await openEnvironment(ctx, record);
    const plan = await installFromLock(ctx, record, backend, target, lock, true);
    const updated = await recordInstalled(
      ctx,
      record,
      backend,
      target,
      (reqs) => lock.gestvenv?.requirements ?? reqs,
    );
    return { record: updated, plan, lockFile: path, dryRun: false };
  });
}
