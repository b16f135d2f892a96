/**
 * Installing exactly what a PEP 751 lock lists. A plan is computed first (for each package whose
 * marker holds: the best wheel for the interpreter, else the sdist, else its directory; what is
 * already installed at that version is kept; for a sync, what the lock does not list is removed).
 * Applying it goes through gestvenv's installer (`native`), or hands pip/uv the files fetched into
 * the cache and verified (absolute paths, `--no-deps`). No requirements file is written; no lock
 * field reaches a command line except as a path we built.
 *
 * @module
 */
import type { AnyBackend, Backend, BackendTarget } from "../backends/mod.ts";
import { type Interpreter, tagInput } from "../python/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { buildMetadata, type BuildSource } from "../build/mod.ts";
import { BuildError, OperationError, PackageNotFoundError } from "../errors/mod.ts";
import {
  type InstallPlan,
  namesToRepair,
  planInstall,
  readPendingInstall,
} from "../installer/mod.ts";
import { atomicWriteFile, failpoint } from "../fs/mod.ts";
import { assertSourceAllowed, decideIndexes, redactUrl } from "../index/mod.ts";
import {
  formatPylock,
  type LockedInstall,
  parsePylock,
  type Pylock,
  requireSha256,
  selectLockedFiles,
} from "../lock/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";
import { basename } from "../paths/mod.ts";
import { looksLikePathOrUrl, pathOrUrlReference } from "./requirements_text.ts";
import {
  assertMayChange,
  backendCall,
  type DistributionChange,
  emitLifecycle,
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  judgeDryRun,
  openEnvironment,
  recordInstalled,
  withEnvironmentLock,
} from "../environments/mod.ts";
import { environmentLockPath } from "./environment_lock.ts";
import { lockForRequirements } from "./lock_requirements.ts";
import {
  type ApplyNativeOptions,
  applyNativePlan,
  desiredFromLocked,
  fetchLockedFile,
  type InstallRequirements,
  installTargetOf,
  type NativeSession,
  withNativeSession,
} from "./native_install.ts";

/** Distributions a sync never removes by default: the environment's own installer. */
export const SYNC_KEEP: ReadonlySet<string> = new Set(["pip"]);

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
  /** PEP 503 normalized name. */
  name: string;
  /** The installed version. */
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
 * kept, or the names in `keep`). Every file to install must have a sha256 and every directory
 * must exist. The decision
 * is the installer's (`planInstall`); distributions an interrupted install left half done are
 * installed again.
 * @throws {UsageError} when the lock is not meant for this interpreter.
 * @throws {InvalidSyntaxError} when a package has no file here or a file has no sha256.
 * @throws {PackageNotFoundError} when a locked directory is missing or is not a directory.
 */
export async function planLockInstall(
  lock: Pylock,
  target: BackendTarget,
  exact: boolean,
  keep: ReadonlySet<string> = SYNC_KEEP,
  reuse: ReadonlySet<string> = new Set(),
): Promise<LockPlan> {
  return (await planLockInstallFull(lock, target, exact, keep, reuse)).plan;
}

/** The lock plan and the installer plan behind it. */
async function planLockInstallFull(
  lock: Pylock,
  target: BackendTarget,
  exact: boolean,
  keep: ReadonlySet<string> = SYNC_KEEP,
  reuse: ReadonlySet<string> = new Set(),
  force: ReadonlySet<string> = new Set(),
): Promise<{ plan: LockPlan; installer: InstallPlan<LockedInstall> }> {
  const info = target.interpreter.info;
  const selected = selectLockedFiles(lock, info.markers, supportedTags(tagInput(info)));
  requireSha256(lock, selected);
  for (const s of selected) {
    if (s.directory !== null) await requireDirectory(lock, s);
  }
  const installed = await readInstalledDistributions(target.layout.sitePackages);
  const requested = requestedNames(lock);
  // Directories are always installed again (their content has no version to compare; unless the
  // caller knows the installed one is current: `reuse`), as are the distributions an interrupted
  // install was changing.
  const reinstall = namesToRepair(await readPendingInstall(installTargetOf(target)));
  for (const s of selected) if (s.directory !== null && !reuse.has(s.name)) reinstall.add(s.name);
  for (const name of force) reinstall.add(name);
  const installer = planInstall(
    selected.map((s) => desiredFromLocked(s, requested.names, requested.urls)),
    installed,
    { exact, keep, reinstall },
  );
  const replaced = new Set(installer.install.map((i) => i.replaces?.dist_info).filter(Boolean));
  const plan: LockPlan = {
    install: installer.install.map(({ desired, replaces }) => {
      const s = desired.source;
      return {
        name: s.name,
        version: s.version ?? null,
        file: s.file?.name ?? null,
        url: s.file === null ? null : redactUrl(s.file.url),
        path: s.directory?.path ?? null,
        editable: s.directory?.editable ?? false,
        replaces: replaces === null ? null : replaces.version,
        locked: s,
      };
    }),
    unchanged: installer.keep
      .filter((d) => selected.some((s) => s.name === d.normalized_name))
      .map((d) => ({ name: d.normalized_name, version: d.version })),
    remove: installer.remove
      .filter((d) => !replaced.has(d.dist_info))
      .map((d) => ({ name: d.normalized_name, version: d.version })),
  };
  return { plan, installer };
}

/**
 * What the lock records as asked for by the user: PEP 503 names, and for direct references
 * (`name @ URL`, a wheel path or URL) the URL, for PEP 610 `direct_url.json`.
 */
function requestedNames(lock: Pylock): { names: Set<string>; urls: Map<string, string> } {
  const names = new Set<string>();
  const urls = new Map<string, string>();
  for (const text of lock.gestvenv?.requirements ?? []) {
    try {
      const parsed = parseRequirement(text);
      names.add(parsed.normalizedName);
      if (parsed.url !== null) urls.set(parsed.normalizedName, parsed.url);
      continue;
    } catch { /* a path, a URL, `-e PATH` */ }
    if (text.startsWith("-e ") || !looksLikePathOrUrl(text)) continue;
    const { url, wheel } = pathOrUrlReference(text);
    if (wheel === null) continue;
    names.add(wheel.name);
    urls.set(wheel.name, url);
  }
  return { names, urls };
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
  /** Write the lock as the environment's `pylock.toml` (before installing). @default true */
  writeLock?: boolean;
  /** With `exact`, the PEP 503 names never removed. @default {@linkcode SYNC_KEEP} (pip) */
  keep?: ReadonlySet<string>;
  /**
   * Locked directories (PEP 503 names) kept when installed at the locked version, instead of
   * being built and installed again. @default none
   */
  reuseDirectories?: ReadonlySet<string>;
  /**
   * Distributions (PEP 503 names) installed again even when installed at the locked version
   * (`doctor --fix`: their files are damaged); the old files go only once the new ones are
   * fetched and verified. @default none
   */
  reinstall?: ReadonlySet<string>;
}

/** Index URLs configured for `ctx` (the one index decision), whose credentials files reuse. */
export function configuredIndexes(ctx: EnvironmentContext): string[] {
  return decideIndexes(ctx.settings).indexUrls;
}

/**
 * Fills build environments for `ctx`: resolves `requirements` (our resolver) for the build
 * environment's interpreter and applies the resulting lock with the native installer, in the
 * same session (cache, downloads).
 */
function buildEnvironmentInstaller(outer: EnvironmentContext): InstallRequirements {
  return async (layout, interpreter, requirements, session) => {
    const ctx = nestedBuild(outer);
    const target: BackendTarget = { layout, interpreter };
    const lock = await lockForRequirements(ctx, target, {
      requirements,
      record: requirements,
      environment: "build environment",
    });
    await applyLockNatively(ctx, session, target, lock, false);
  };
}

/** Builds nest at most this deep (a build requirement built from source, and so on). */
const MAX_BUILD_DEPTH = 3;

/**
 * The context of a build environment's own resolution, one level deeper.
 * @throws {BuildError} When builds nest deeper than {@linkcode MAX_BUILD_DEPTH} (a cycle of
 *   build requirements that have no wheels).
 */
function nestedBuild(ctx: EnvironmentContext): EnvironmentContext {
  const depth = (ctx.buildDepth ?? 0) + 1;
  if (depth > MAX_BUILD_DEPTH) {
    throw new BuildError(
      `Build requirements nest more than ${MAX_BUILD_DEPTH} builds deep (a cycle of build requirements without wheels?)`,
      "build requirements",
      undefined,
      { hint: "Install a wheel of one of the build requirements first, or use --only-binary" },
    );
  }
  return { ...ctx, buildDepth: depth };
}

/**
 * Reads a source's core metadata through its build backend (PEP 517
 * `prepare_metadata_for_build_wheel`, or `_editable`), in a build environment filled natively;
 * cached by the sdist's sha256 (a tree by its content).
 */
function backendMetadata(
  ctx: EnvironmentContext,
  interpreter: Interpreter,
  source: BuildSource,
  editable: boolean,
): Promise<string> {
  return withNativeSession(ctx, configuredIndexes(ctx), async (session) => {
    ctx.reporter.step(`Reading the metadata of ${basename(source.path)}`);
    try {
      return await buildMetadata(source, {
        interpreter,
        cacheRoot: session.cache.root,
        editable,
        signal: ctx.signal,
        onOutput: ctx.reporter.output,
        creatorVersion: ctx.creatorVersion,
        installInto: (layout, requirements) =>
          buildEnvironmentInstaller(ctx)(layout, interpreter, requirements, session),
      });
    } finally {
      ctx.reporter.done();
    }
  });
}

/**
 * Reads an sdist's core metadata when it is dynamic (PEP 643) through its backend. Used by the
 * resolver's index client.
 */
export function sdistMetadataReader(
  ctx: EnvironmentContext,
  interpreter: Interpreter,
): (path: string, sha256: string) => Promise<string> {
  return (path, sha256) =>
    backendMetadata(ctx, interpreter, { kind: "sdist", path, sha256 }, false);
}

/** Reads a local project's core metadata through its backend (editable or not). */
export function directoryMetadataReader(
  ctx: EnvironmentContext,
  target: BackendTarget,
): (path: string, editable: boolean) => Promise<string> {
  return (path, editable) =>
    backendMetadata(ctx, target.interpreter, { kind: "tree", path }, editable);
}

/** Applies `lock` to `target` (a build environment) with the native installer in an open session. */
async function applyLockNatively(
  ctx: EnvironmentContext,
  session: NativeSession,
  target: BackendTarget,
  lock: Pylock,
  exact: boolean,
): Promise<void> {
  const { plan, installer } = await planLockInstallFull(lock, target, exact);
  if (plan.install.length === 0 && plan.remove.length === 0) return;
  await applyNativePlan(
    ctx,
    session,
    installTargetOf(target),
    installer,
    nativeOptions(ctx, target),
  );
}

/** How `ctx` applies plans natively: its link mode, bytecode setting and build environments. */
function nativeOptions(ctx: EnvironmentContext, target: BackendTarget): ApplyNativeOptions {
  return {
    interpreter: target.interpreter,
    installRequirements: buildEnvironmentInstaller(ctx),
    linkMode: ctx.settings.linkMode.value,
    compile: ctx.settings.compileBytecode.value,
  };
}

/**
 * Offline: every file of `planned` must be in the cache (or on this machine); otherwise one error
 * names each missing project, version and file, and how to get them.
 * @throws {PackageNotFoundError} (exit 4) listing what the cache lacks.
 */
async function requireCached(
  session: NativeSession,
  planned: LockPlan["install"],
): Promise<void> {
  const missing: string[] = [];
  for (const p of planned) {
    const file = p.locked.file!;
    if (file.url.startsWith("file://")) continue;
    if (await session.cache.find(file.hashes.sha256!, { touch: false }) === undefined) {
      missing.push(`${p.name} ${p.version ?? ""} (${file.name})`);
    }
  }
  if (missing.length === 0) return;
  const names = [
    ...new Set(
      planned.filter((p) => missing.some((m) => m.startsWith(`${p.name} `)))
        .map((p) => `${p.name}==${p.version}`),
    ),
  ];
  throw new PackageNotFoundError(
    `Offline, and the cache lacks ${missing.length} file${missing.length === 1 ? "" : "s"}: ${
      missing.join(", ")
    }`,
    {
      hint: `On a connected machine run \`gestvenv cache add ${names.join(" ")}\` ` +
        "(then `cache export` / `cache import` to carry it here), or run without --offline",
    },
  );
}

/**
 * Fetches the files of `plan` into the cache, each verified by sha256 and size while it streams
 * in (all of them before anything is installed); returns the stored paths in plan order (null
 * for directories). Files the cache holds are not downloaded again.
 */
async function fetchPlanFiles(
  ctx: EnvironmentContext,
  session: NativeSession,
  plan: LockPlan,
): Promise<Array<string | null>> {
  const files = plan.install.filter((p) => p.locked.file !== null);
  if (files.length === 0) return plan.install.map(() => null);
  if (ctx.settings.offline.value) await requireCached(session, files);
  ctx.reporter.step(`Fetching and verifying ${files.length} locked files`);
  let fetched = 0;
  try {
    return await Promise.all(plan.install.map(async (p) => {
      const file = p.locked.file;
      if (file === null) return null;
      const stored = await fetchLockedFile(ctx, session, p.name, p.version ?? "", file);
      ctx.reporter.progress?.({
        label: "Fetching and verifying",
        done: ++fetched,
        total: files.length,
        unit: "items",
        note: "locked files",
      });
      return stored.path;
    }));
  } finally {
    ctx.reporter.done();
  }
}

/**
 * Applies a lock to `target` (the environment `record`) and makes it the environment's lock:
 * 1. the plan ({@linkcode planLockInstall}); a plan that changes nothing does no network and no
 *    file work (the lock is still written when it differs);
 * 2. every file to install is fetched into the cache and verified by sha256 and size (a file
 *    that does not match stops everything: nothing is installed, the lock is not written);
 * 3. the lock is written as `<env>/pylock.toml` (what the environment is meant to be; running
 *    the command again completes an interrupted install);
 * 4. `native`: the installer links the wheels from the cache (sdists and directories are built,
 *    PEP 517/660); `pip`/`uv`: the tool installs exactly the verified files (`--no-deps`), then
 *    the lock's directories, then removes what the lock does not list when `exact`.
 * @returns the plan that was applied.
 * @throws {ArtifactMismatchError} (exit 5) when any file does not match; nothing is installed.
 * @throws {InvalidSyntaxError | UsageError | PackageNotFoundError} as {@linkcode planLockInstall}.
 * @throws {NetworkError | PackageNotFoundError} when a file cannot be fetched.
 * @throws {BackendError | BuildError} when the backend or a build fails.
 */
export async function installFromLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  backend: AnyBackend,
  target: BackendTarget,
  lock: Pylock,
  exact: boolean,
  options: InstallFromLockOptions = {},
): Promise<LockPlan> {
  assertMayChange(ctx, `install a lock into ${record.name}`);
  const writeLock = async () => {
    if (!(options.writeLock ?? true)) return;
    const path = environmentLockPath(record);
    const text = formatPylock(lock);
    const old = await Deno.readTextFile(path).catch(() => null);
    if (old !== text) await atomicWriteFile(path, text);
  };
  const { plan, installer } = await planLockInstallFull(
    lock,
    target,
    exact,
    options.keep,
    options.reuseDirectories,
    options.reinstall,
  );
  if (plan.install.length === 0 && plan.remove.length === 0) {
    await writeLock();
    return plan;
  }
  assertPlanSecure(ctx, lock, plan, backend.name);
  const indexes = configuredIndexes(ctx);
  return await withNativeSession(ctx, indexes, async (session) => {
    const paths = await fetchPlanFiles(ctx, session, plan);
    await failpoint("lock.after-verify");
    const changes = planChanges(plan, paths);
    const event = {
      environment: record.name,
      path: record.path,
      changes,
      requirements: lock.gestvenv?.requirements,
    };
    // Policies, strict-mode audits and pre-install hooks may refuse here: nothing changed yet.
    await emitLifecycle(ctx, { event: "pre-install", ...event });
    await writeLock();
    if (backend.name === "native") {
      ctx.reporter.step(
        `Installing ${plan.install.length} and removing ${plan.remove.length} distributions in ${record.name}`,
      );
      try {
        await applyNativePlan(
          ctx,
          session,
          installTargetOf(target),
          installer,
          nativeOptions(ctx, target),
        );
      } finally {
        ctx.reporter.done();
      }
    } else {
      await applyWithTool(ctx, record, backend, target, plan, paths);
    }
    await emitLifecycle(ctx, { event: "post-install", ...event });
    return plan;
  });
}

/**
 * Issue 12 §3, before any request or change: every file the plan fetches must come from an
 * allowed source (`security.allowed_sources`), and with `security.require_hashes` nothing may be
 * installed that no sha256 verifies (a directory, editable or not).
 * @throws {SourceNotAllowedError} (exit 1) for a lock file URL outside the list.
 * @throws {OperationError} `hashes_required` for a directory under `require_hashes`.
 */
function assertPlanSecure(
  ctx: EnvironmentContext,
  lock: Pylock,
  plan: LockPlan,
  backend: string,
): void {
  const allowed = ctx.settings.allowedSources?.value;
  for (const p of plan.install) {
    const file = p.locked.file;
    if (file !== null) assertSourceAllowed(file.url, allowed, "lock file URL");
  }
  const hashes = ctx.settings.requireHashes;
  if (hashes === undefined || !hashes.value) return;
  const directories = plan.install.filter((p) => p.locked.directory !== null);
  if (directories.length === 0) return;
  throw new OperationError(
    `Hashes are required (${hashes.origin}), and ${
      directories.map((d) => `${d.name} (${d.editable ? "editable " : ""}directory ${d.path})`)
        .join(", ")
    } cannot be verified by a hash: ${lock.source ?? "the lock"} installs it from a directory`,
    "hashes_required",
    {
      hint:
        `Build a wheel (\`python -m build\`) and install the wheel file, or turn the rule off ` +
        `with \`gestvenv config set security.require_hashes false\` (backend ${backend})`,
    },
  );
}

/**
 * The lifecycle view of `plan`: installs (with the verified file `paths[i]` of `plan.install[i]`;
 * null when `paths` is shorter, as for `post-sync`) then removals.
 */
export function planChanges(
  plan: LockPlan,
  paths: ReadonlyArray<string | null>,
): DistributionChange[] {
  return [
    ...plan.install.map((p, i): DistributionChange => ({
      name: p.name,
      before: p.replaces,
      after: p.version,
      artifact: paths[i] ?? null,
      url: p.url,
      directory: p.path,
    })),
    ...plan.remove.map((r): DistributionChange => ({
      name: r.name,
      before: r.version,
      after: null,
      artifact: null,
      url: null,
      directory: null,
    })),
  ];
}

/**
 * A dry run's judging step: the plan's changes (no file fetched) go to the plan judge
 * (`judgeDryRun`: policies and strict mode, never hooks), so a plan the real run would refuse
 * fails the same way (exit 1, or 5 when strict mode has no audit source). Nothing is written.
 * @throws whatever the judge throws to refuse the plan.
 */
export async function judgeDryRunPlan(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  plan: LockPlan,
  lock: Pylock,
): Promise<void> {
  if (plan.install.length === 0 && plan.remove.length === 0) return;
  await judgeDryRun(ctx, {
    event: "pre-install",
    environment: record.name,
    path: record.path,
    changes: planChanges(plan, []),
    requirements: lock.gestvenv?.requirements,
  });
}

/** pip/uv apply the lock: the verified files from the cache, `--no-deps`. */
async function applyWithTool(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  backend: Backend,
  target: BackendTarget,
  plan: LockPlan,
  paths: Array<string | null>,
): Promise<void> {
  const call = backendCall(ctx);
  // Paths we built or validated, exactly those, no dependencies.
  const installLocal = async (step: string, files: string[], editables: string[]) => {
    ctx.reporter.step(step);
    try {
      await backend.install(target, {
        requirements: files,
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
  const files = paths.filter((p): p is string => p !== null);
  if (files.length > 0 && ctx.settings.requireHashes?.value) {
    // `security.require_hashes`: the tool checks each file against the lock's sha256 itself.
    const hashed = plan.install.flatMap((p, i) =>
      paths[i] === null || paths[i] === undefined
        ? []
        : [`${paths[i]} --hash=sha256:${p.locked.file!.hashes.sha256}`]
    );
    const list = await Deno.makeTempFile({ prefix: "gestvenv-hashed-", suffix: ".txt" });
    try {
      await Deno.writeTextFile(list, hashed.join("\n") + "\n");
      ctx.reporter.step(
        `Installing ${files.length} locked distributions into ${record.name} with ${backend.name} (--require-hashes)`,
      );
      try {
        await backend.install(target, {
          requirements: [],
          requirementFiles: [list],
          editables: [],
          upgrade: false,
          noDeps: true,
          requireHashes: true,
          dryRun: false,
        }, call);
      } finally {
        ctx.reporter.done();
      }
    } finally {
      await Deno.remove(list).catch(() => {});
    }
  } else if (files.length > 0) {
    await installLocal(
      `Installing ${files.length} locked distributions into ${record.name} with ${backend.name}`,
      files,
      [],
    );
  }
  const directories = plan.install.filter((p) => p.locked.directory !== null);
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
    await judgeDryRunPlan(ctx, first, plan, lock);
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
    await emitLifecycle(ctx, {
      event: "post-sync",
      environment: record.name,
      path: record.path,
      changes: planChanges(plan, []),
    });
    return { record: updated, plan, lockFile: path, dryRun: false };
  });
}
