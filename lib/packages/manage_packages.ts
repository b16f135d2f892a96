import {
  InterruptedError,
  InvalidSyntaxError,
  PackageNotFoundError,
  throwIfInterrupted,
} from "../errors/mod.ts";
import { freezeDistributions, readBrokenDistributions } from "../distribution/mod.ts";
import { isValidProjectName, normalizeName } from "../names/mod.ts";
import { compareVersions, tryParseVersion } from "../pep440/mod.ts";
import { absolute } from "../paths/mod.ts";
import { formatRequirement, parseRequirement, type Requirement } from "../pep508/mod.ts";
import { readRequirementsFile } from "../requirements_file/mod.ts";
import type { AnyBackend, BackendTarget } from "../backends/mod.ts";
import { checkDependencies, readPendingInstall } from "../installer/mod.ts";
import {
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
import { installedGraph, orphanedBy } from "./dependency_graph.ts";
import { editEnvironmentLock } from "./environment_lock.ts";
import { explainInstallFailure } from "./index_failure.ts";
import { indexClientFor } from "./index_client_for.ts";
import { lockForRequirements, resolvableRequirements } from "./lock_requirements.ts";
import { type InstalledFile, installedFiles } from "./installed_files.ts";
import { latestVersions } from "./latest_versions.ts";
import { installTargetOf } from "./native_install.ts";
import { satisfiedByInstalled } from "./satisfied.ts";
import {
  directoryMetadataReader,
  installFromLock,
  judgeDryRunPlan,
  type LockPlan,
  planLockInstall,
} from "./sync_lock.ts";
import {
  checkRequirementTexts,
  COMMAND_LINE_SOURCE,
  dropRequirements,
  mergeRequirements,
  requestedInFiles,
  requestedProjectNames,
  requirementProject,
} from "./requirements_text.ts";

/** Options for {@linkcode installPackages}. */
export interface InstallPackagesOptions {
  /** PEP 508 requirements. @default [] */
  requirements?: string[];
  /** requirements.txt files. @default [] */
  requirementFiles?: string[];
  /** Local projects to install in editable mode. @default [] */
  editables?: string[];
  /** Upgrade to the newest allowed versions. @default false */
  upgrade?: boolean;
  /** Report what would change, change nothing. @default false */
  dryRun?: boolean;
  /**
   * How the request is remembered: `merge` adds the requirements to the recorded ones; `upgrade`
   * records nothing new (an upgrade must not turn transitive dependencies into requirements) and
   * only loosens the recorded requirements of the projects in `loosen` to bare names.
   * @default "merge"
   */
  record?: "merge" | "upgrade";
  /** With `record: "upgrade"`: projects whose recorded requirement becomes the bare name. @default [] */
  loosen?: string[];
}

/** A distribution `update` left where it is, and why. */
export interface HeldBack {
  /** The distribution name as installed. */
  name: string;
  /** The installed version. */
  version: string;
  /** The recorded requirement that holds it (`six==1.16.0`, `pkg @ https://...`). */
  requirement: string;
  /**
   * `pinned`: the user's requirement pins it with `==`/`===`; `direct_reference`: the user asked
   * for it at a URL (`name @ URL`). `update NAME` or `--force-unpin` moves either.
   */
  reason: "pinned" | "direct_reference";
}

/** The outcome of a package operation. */
export interface PackageChange {
  /** The environment after the change. */
  record: EnvironmentRecord;
  /** Distributions added or changed: `name` → `[old version or null, new version or null]`. */
  changes: Array<{ name: string; before: string | null; after: string | null }>;
  /** For dry runs: what applying the resolution's lock would do. */
  plan?: LockPlan;
  /** For `update`: what was not moved (pins, direct references). */
  heldBack?: HeldBack[];
  /**
   * The files the operation installed (lock plan), for the operation log: name, version, file
   * name, sha256 and the URL's origin (credentials never kept). Absent when nothing was fetched.
   */
  files?: InstalledFile[];
}

function diff(
  before: EnvironmentRecord["packages"],
  after: EnvironmentRecord["packages"],
): PackageChange["changes"] {
  const old = new Map(before.map((p) => [normalizeName(p.name), p]));
  const fresh = new Map(after.map((p) => [normalizeName(p.name), p]));
  const changes: PackageChange["changes"] = [];
  for (const [key, p] of fresh) {
    const prev = old.get(key);
    if (prev?.version !== p.version) {
      changes.push({ name: p.name, before: prev?.version ?? null, after: p.version });
    }
  }
  for (const [key, p] of old) {
    if (!fresh.has(key)) changes.push({ name: p.name, before: p.version, after: null });
  }
  return changes.sort(byName);
}

/**
 * Reads back what is installed and stores it, with the requirement changes, in the registry
 * (under the registry lock, re-reading the record so concurrent changes are kept).
 */
async function commit(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  backend: AnyBackend,
  target: BackendTarget,
  editRequirements: (reqs: string[]) => string[],
  installed?: ReadonlyArray<{ name: string; version: string }>,
): Promise<PackageChange> {
  const updated = await recordInstalled(
    ctx,
    record,
    backend,
    target,
    editRequirements,
    installed,
  );
  return { record: updated, changes: diff(record.packages, updated.packages) };
}

/**
 * The requirements with those of the `loosen` projects (PEP 503 names) made version-free:
 * `six==1.16.0` → `six`, `uvicorn[standard]==0.20; os_name == "posix"` keeps its extras and marker.
 */
function loosenRequirements(reqs: string[], loosen: ReadonlySet<string>): string[] {
  return reqs.map((req) => {
    const project = requirementProject(req);
    if (project === undefined || !loosen.has(project)) return req;
    return formatRequirement({
      ...parseRequirement(req),
      specifier: { specifiers: [] },
      url: null,
    });
  });
}

/**
 * Runs a backend step that changes the environment; when the user interrupts it, what is
 * installed at that point is still recorded (the registry stays equal to the disk) before the
 * `InterruptedError` goes on.
 */
async function recordingInterrupts<T>(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  backend: AnyBackend,
  target: BackendTarget,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof InterruptedError) {
      await recordInstalled(ctx, record, backend, target, (reqs) => reqs).catch(() => {});
    }
    throw error;
  } finally {
    ctx.reporter.done();
  }
}

/**
 * Distributions whose installation did not finish (an installer killed or failing midway left a
 * `.dist-info` without RECORD): their `.dist-info` is removed so the installer does not take them
 * for installed, and `name==version` of each is returned to install again. Reported as warnings.
 */
async function discardBrokenDistributions(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  target: BackendTarget,
): Promise<string[]> {
  const broken = await readBrokenDistributions(target.layout.sitePackages);
  const again: string[] = [];
  for (const dist of broken) {
    const pin = isValidProjectName(dist.name) && tryParseVersion(dist.version) !== null
      ? `${dist.name}==${dist.version}`
      : undefined;
    ctx.reporter.warn(
      `${dist.name} ${dist.version} was half installed in \`${record.name}\` (${dist.reason}); ` +
        (pin === undefined ? "its metadata is removed" : "installing it again"),
    );
    if (ctx.dryRun) continue;
    await Deno.remove(dist.dist_info, { recursive: true });
    if (pin !== undefined) again.push(pin);
  }
  return again;
}

/**
 * The requirements of requirements files when every line is a plain PEP 508 requirement (no
 * editable, path or URL line, no constraints file), else null: only then can an install be
 * answered from what is installed.
 */
async function plainFileRequirements(files: string[]): Promise<Requirement[] | null> {
  const out: Requirement[] = [];
  for (const file of files) {
    const parsed = await readRequirementsFile(file);
    if (parsed.constraints.length > 0) return null;
    for (const line of parsed.requirements) {
      if (line.editable || line.form !== "pep508" || line.requirement.url !== null) return null;
      out.push(line.requirement);
    }
  }
  return out;
}

/** Ordinal order of names (no collation set-up: `localeCompare` costs ~10 ms the first time). */
function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Preferred versions: what is installed, except the projects being upgraded. */
function installedPreferences(
  installed: Array<{ normalized_name: string; version: string }>,
  upgrade: "none" | "all" | ReadonlySet<string>,
): Map<string, string> {
  const out = new Map<string, string>();
  if (upgrade === "all") return out;
  for (const d of installed) {
    if (upgrade !== "none" && upgrade.has(d.normalized_name)) continue;
    out.set(d.normalized_name, d.version);
  }
  return out;
}

/** The changes a lock plan makes, as `name: before → after` rows. */
function planChanges(plan: LockPlan): PackageChange["changes"] {
  return [
    ...plan.install.map((p) => ({ name: p.name, before: p.replaces, after: p.version })),
    ...plan.remove.map((p) => ({ name: p.name, before: p.version, after: null })),
  ].sort(byName);
}

/**
 * Installs packages into the named environment: resolves (our resolver) the environment's
 * recorded requirements together with the new ones (installed versions preferred, except what is
 * upgraded), writes the environment's lock (`pylock.toml`, PEP 751) from that resolution, and
 * applies the lock with the environment's backend (gestvenv's installer, or pip/uv given the
 * verified files); then records what is installed and what the user asked for. Every
 * requirement (arguments and the lines of the files) is checked with our PEP 508 parser before
 * anything runs, so an invalid one installs nothing and is never recorded. With `dryRun` the
 * resolution and the plan are computed and nothing is changed.
 *
 * @throws {InvalidSyntaxError} (exit 2) For an invalid requirement, naming `command line` or
 *   `file:line`, the column and a hint.
 * @throws {EnvironmentNotFoundError} When the environment does not exist.
 * @throws {ResolutionError} When the requirements cannot be satisfied (with the explanation).
 * @throws {PackageNotFoundError | NetworkError | BackendError | BuildError} When an install step
 *   fails.
 * @throws {InterruptedError} On Ctrl-C or SIGTERM (what was installed by then is recorded).
 */
export async function installPackages(
  ctx: EnvironmentContext,
  name: string,
  options: InstallPackagesOptions,
): Promise<PackageChange> {
  const requirements = options.requirements ?? [];
  const files = (options.requirementFiles ?? []).map((p) => absolute(p));
  const editables = (options.editables ?? []).map((p) => absolute(p));
  await checkRequirementTexts(requirements, files);
  await getEnvironment(ctx, name);
  const run = async () => {
    // Read under the lock: another process may have changed the environment while we waited.
    const record = await getEnvironment(ctx, name);
    const { backend, target } = await openEnvironment(ctx, record);
    throwIfInterrupted(ctx.signal);
    await discardBrokenDistributions(ctx, record, target);
    const asked = [...requirements, ...editables.map((e) => `-e ${e}`)];
    asked.push(...await requestedInFiles(files));
    const loosen = new Set((options.loosen ?? []).map(normalizeName));
    const recorded = options.record === "upgrade"
      ? loosenRequirements(record.requirements, loosen)
      : record.requirements;
    // What the environment must satisfy: what was asked for before, and now.
    const wanted = await resolvableRequirements(
      mergeRequirements(recorded.filter((r) => !r.startsWith("-e ")), requirements),
    );
    const directories = [...wanted.directories, ...editables];
    const installed = await backend.listInstalled(target);
    const upgrade = !options.upgrade
      ? "none"
      : options.record === "upgrade"
      ? new Set(requirements.map((r) => requirementProject(r) ?? normalizeName(r)))
      : "all";
    // Already there (the common no-op): what site-packages holds satisfies every requirement, so
    // no index is asked and nothing is written but the record of what the user asked for.
    const fromFiles = options.upgrade ? null : await plainFileRequirements(files);
    if (
      !options.upgrade && fromFiles !== null && directories.length === 0 &&
      wanted.requirements.length + fromFiles.length > 0 &&
      await readPendingInstall(installTargetOf(target)) === null &&
      await satisfiedByInstalled(
        installed,
        [
          ...wanted.requirements.map((r) => parseRequirement(r, COMMAND_LINE_SOURCE)),
          ...fromFiles,
        ],
        target.interpreter.info.markers,
      )
    ) {
      if (options.dryRun || ctx.dryRun) return { record, changes: [] };
      const requested = mergeRequirements(record.requirements, asked);
      await recordRequestedInLock(ctx, record, requested);
      // Nothing was installed: what was read above is still what is there.
      return await commit(
        ctx,
        record,
        backend,
        target,
        (reqs) => mergeRequirements(reqs, asked),
        installed,
      );
    }
    ctx.reporter.step(`Resolving for ${name}`);
    let lock;
    try {
      lock = await lockForRequirements(ctx, target, {
        requirements: wanted.requirements,
        requirementFiles: files,
        editables: directories.map((path) => ({ path, editable: editables.includes(path) })),
        directoryMetadata: directoryMetadataReader(ctx, target),
        preferences: installedPreferences(installed, upgrade),
        record: options.record === "upgrade"
          ? loosenRequirements(record.requirements, loosen)
          : mergeRequirements(record.requirements, asked),
        environment: record.name,
      });
    } catch (error) {
      return await explainInstallFailure(
        ctx,
        error,
        await requestedProjectNames(requirements, files),
        [...requirements, ...files.map((f) => `-r ${f}`)],
      );
    } finally {
      ctx.reporter.done();
    }
    const plan = await planLockInstall(lock, target, false);
    if (options.dryRun || ctx.dryRun) {
      await judgeDryRunPlan(ctx, record, plan, lock);
      return { record, changes: planChanges(plan), plan };
    }
    await recordingInterrupts(
      ctx,
      record,
      backend,
      target,
      () => installFromLock(ctx, record, backend, target, lock, false),
    );
    const change = options.record === "upgrade"
      ? await commit(ctx, record, backend, target, (reqs) => loosenRequirements(reqs, loosen))
      : await commit(ctx, record, backend, target, (reqs) => mergeRequirements(reqs, asked));
    return { ...change, files: installedFiles(plan) };
  };
  if (options.dryRun || ctx.dryRun) return await run();
  return await withEnvironmentLock(ctx, name, run);
}

/**
 * Uninstalls distributions by name from the named environment and records the result; with
 * `dependencies`, also the installed distributions that only they needed (never pip, never one
 * the user asked for). The environment's lock loses them too (no resolution, no network).
 *
 * @throws {PackageNotFoundError} When none of the names is installed.
 */
export async function uninstallPackages(
  ctx: EnvironmentContext,
  name: string,
  names: string[],
  options: { dryRun?: boolean; dependencies?: boolean } = {},
): Promise<PackageChange> {
  await getEnvironment(ctx, name);
  return await withEnvironmentLock(ctx, name, async () => {
    const record = await getEnvironment(ctx, name);
    const { backend, target } = await openEnvironment(ctx, record);
    const installed = new Map(
      (await backend.listInstalled(target)).map((d) => [d.normalized_name, d]),
    );
    const present = names.filter((n) => installed.has(normalizeName(n)));
    const missing = names.filter((n) => !installed.has(normalizeName(n)));
    if (present.length === 0) {
      throw new PackageNotFoundError(
        `${names.map((n) => `\`${n}\``).join(", ")} not installed in \`${name}\``,
        {
          hint: `Run \`gestvenv packages --env ${name}\` to see what is installed`,
        },
      );
    }
    for (const n of missing) ctx.reporter.warn(`\`${n}\` is not installed in \`${name}\`; skipped`);
    if (options.dependencies) {
      // What only the removed distributions needed goes too (never pip, never a requirement).
      const graph = await installedGraph(
        target,
        dropRequirements(record.requirements, present),
      );
      const freed = orphanedBy(graph, new Set(present.map(normalizeName)), new Set(["pip"]));
      for (const n of freed) present.push(installed.get(n)!.name);
    }
    if (options.dryRun) {
      const changes = present.map((n) => ({
        name: installed.get(normalizeName(n))!.name,
        before: installed.get(normalizeName(n))!.version,
        after: null,
      }));
      await judgeDryRun(ctx, {
        event: "pre-install",
        environment: record.name,
        path: record.path,
        changes: changes.map((c): DistributionChange => ({
          ...c,
          name: normalizeName(c.name),
          artifact: null,
          url: null,
          directory: null,
        })),
      });
      return { record, changes };
    }
    throwIfInterrupted(ctx.signal);
    // Removals are install events with `after: null`; a pre-install listener may refuse them.
    const event = {
      environment: record.name,
      path: record.path,
      changes: present.map((n): DistributionChange => ({
        name: normalizeName(n),
        before: installed.get(normalizeName(n))!.version,
        after: null,
        artifact: null,
        url: null,
        directory: null,
      })),
    };
    await emitLifecycle(ctx, { event: "pre-install", ...event });
    ctx.reporter.step(`Uninstalling ${present.join(" ")} from ${name}`);
    await recordingInterrupts(
      ctx,
      record,
      backend,
      target,
      () => backend.uninstall(target, present, backendCall(ctx)),
    );
    await dropFromEnvironmentLock(ctx, record, present);
    const change = await commit(
      ctx,
      record,
      backend,
      target,
      (reqs) => dropRequirements(reqs, present),
    );
    await emitLifecycle(ctx, { event: "post-install", ...event });
    return change;
  });
}

/**
 * Updates the requirements a lock records (`[tool.gestvenv]`) without resolving: the packages the
 * lock lists are already what is installed.
 */
async function recordRequestedInLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  requirements: string[],
): Promise<void> {
  await editEnvironmentLock(ctx, record, (lock) => {
    if (JSON.stringify(lock.gestvenv?.requirements ?? []) === JSON.stringify(requirements)) {
      return false;
    }
    lock.gestvenv = { ...(lock.gestvenv ?? {}), requirements };
    return true;
  });
}

/**
 * Removes uninstalled distributions from the environment's lock (no resolution, no network): the
 * lock keeps describing what the environment holds.
 */
async function dropFromEnvironmentLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  names: string[],
): Promise<void> {
  const drop = new Set(names.map(normalizeName));
  await editEnvironmentLock(ctx, record, (lock) => {
    lock.packages = lock.packages.filter((p) => !drop.has(normalizeName(p.name)));
    for (const p of lock.packages) p.dependencies = p.dependencies.filter((d) => !drop.has(d));
    if (lock.gestvenv !== undefined) {
      lock.gestvenv.requirements = dropRequirements(lock.gestvenv.requirements, names);
    }
    return true;
  });
}

/** Options for {@linkcode updatePackages}. */
export interface UpdatePackagesOptions {
  /** Distribution names to upgrade. @default [] */
  names?: string[];
  /** Upgrade every installed distribution that is not an editable install. @default false */
  all?: boolean;
  /** With `all`: move the user's pins too (and loosen them in the record). @default false */
  forceUnpin?: boolean;
  /** Report what would change, change nothing. @default false */
  dryRun?: boolean;
}

/**
 * Whether a recorded requirement pins its project: an `==` (not `==X.*`) or `===` clause, or a
 * direct reference (`name @ URL`, PEP 508).
 */
export function isPinned(requirement: Requirement): boolean {
  return requirement.url !== null ||
    requirement.specifier.specifiers.some((s) =>
      s.operator === "===" || (s.operator === "==" && !s.wildcard)
    );
}

/** The recorded requirements that name a project, by PEP 503 name (unparsable ones skipped). */
function recordedRequirements(record: EnvironmentRecord): Map<string, [string, Requirement]> {
  const out = new Map<string, [string, Requirement]>();
  for (const text of record.requirements) {
    if (text.startsWith("-e ")) continue;
    try {
      const parsed = parseRequirement(text);
      out.set(parsed.normalizedName, [text, parsed]);
    } catch { /* written by an older gestvenv; treated as a bare name */ }
  }
  return out;
}

/**
 * Upgrades named distributions, or with `all` every installed distribution that is not an
 * editable install, to the newest versions the index offers, keeping what the user asked for:
 *
 * - a recorded range (`django>=4,<5`) is kept: the upgrade stays inside it;
 * - a recorded pin (`six==1.16.0`, `===`, or `name @ URL`) is held back by `all` (reported in
 *   `heldBack`; a version pin is passed to the backend as it is, so nothing moves it as a
 *   dependency); an explicit name, or `forceUnpin`, moves it and loosens the recorded pin to
 *   the bare name (extras and marker kept).
 *
 * Nothing new is recorded as a requirement (transitive dependencies stay transitive).
 *
 * @throws {InvalidSyntaxError} When a name is not a valid project name.
 * @throws {PackageNotFoundError} When a named distribution is not installed.
 */
export async function updatePackages(
  ctx: EnvironmentContext,
  name: string,
  options: UpdatePackagesOptions,
): Promise<PackageChange> {
  for (const n of options.names ?? []) {
    if (!isValidProjectName(n)) {
      throw new InvalidSyntaxError(`\`${n}\` is not a distribution name`, "command line", {
        hint: `\`update\` takes names; to ask for versions, use \`gestvenv install "${n}"\``,
      });
    }
  }
  const record = await getEnvironment(ctx, name);
  const installed = new Map(record.packages.map((p) => [normalizeName(p.name), p]));
  const recorded = recordedRequirements(record);
  const heldBack: HeldBack[] = [];
  /** Installed names to upgrade. */
  let targets: Array<{ name: string }>;
  if (options.all) {
    const { backend, target } = await openEnvironment(ctx, record);
    // Every installed distribution but the editable ones (`-e` in `pip freeze`).
    const dists = await backend.listInstalled(target);
    const frozen = await freezeDistributions(dists);
    targets = dists.filter((_, i) => !frozen[i]!.startsWith("-e ")).map((d) => ({ name: d.name }));
  } else {
    const names = options.names ?? [];
    const missing = names.filter((n) => !installed.has(normalizeName(n)));
    if (missing.length > 0) {
      throw new PackageNotFoundError(
        `${missing.map((n) => `\`${n}\``).join(", ")} not installed in \`${name}\``,
        {
          hint: `Install it with \`gestvenv install ${missing.join(" ")} --env ${name}\``,
        },
      );
    }
    targets = names.map((n) => ({ name: n }));
  }
  const requirements: string[] = [];
  const loosen: string[] = [];
  for (const t of targets) {
    const key = normalizeName(t.name);
    const version = installed.get(key)?.version ?? "";
    const own = recorded.get(key);
    if (own !== undefined && isPinned(own[1])) {
      if (options.all && !options.forceUnpin) {
        heldBack.push({
          name: t.name,
          version,
          requirement: own[0],
          reason: own[1].url === null ? "pinned" : "direct_reference",
        });
        if (own[1].url === null) requirements.push(own[0]);
        continue;
      }
      loosen.push(t.name);
      requirements.push(t.name);
    } else if (own !== undefined && own[1].specifier.specifiers.length > 0) {
      requirements.push(own[0]);
    } else requirements.push(t.name);
  }
  const moving = requirements.filter((r) =>
    !heldBack.some((h) => h.requirement === r && h.reason === "pinned")
  );
  if (moving.length === 0) return { record, changes: [], heldBack };
  const change = await installPackages(ctx, name, {
    requirements,
    upgrade: true,
    dryRun: options.dryRun ?? false,
    record: "upgrade",
    loosen,
  });
  return { ...change, heldBack };
}

/** One row of {@linkcode checkPackages}. */
export interface PackageStatus {
  name: string;
  version: string;
  latest_version: string;
  outdated: boolean;
}

/**
 * Compares installed distributions with the newest versions on the indexes (gestvenv's index
 * client: the versions our resolver could choose for this interpreter), and checks that their
 * dependencies are consistent (`pip check`, computed from the installed METADATA).
 *
 * @throws {NetworkError} When an index cannot be reached.
 */
export async function checkPackages(
  ctx: EnvironmentContext,
  name: string,
): Promise<{ packages: PackageStatus[]; problems: string[] }> {
  const record = await getEnvironment(ctx, name);
  const { backend, target } = await openEnvironment(ctx, record);
  const installed = await backend.listInstalled(target);
  ctx.reporter.step(`Checking ${name} against the index`);
  let latest: Map<string, string>;
  let problems: string[];
  try {
    [latest, problems] = await Promise.all([
      latestVersions(indexClientFor(ctx), installed, target.interpreter.info),
      checkDependencies(target.layout.sitePackages, target.interpreter.info.markers),
    ]);
  } finally {
    ctx.reporter.done();
  }
  const packages = installed.map((d) => {
    const newest = latest.get(d.normalized_name);
    const newer = newest !== undefined && isNewer(newest, d.version);
    return {
      name: d.name,
      version: d.version,
      latest_version: newer ? newest : d.version,
      outdated: newer,
    };
  });
  return { packages, problems };
}

function isNewer(candidate: string, current: string): boolean {
  const a = tryParseVersion(candidate), b = tryParseVersion(current);
  return a !== null && b !== null && compareVersions(a, b) > 0;
}
