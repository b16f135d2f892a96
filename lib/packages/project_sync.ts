/**
 * A project's environment kept equal to what its pyproject.toml declares (issue 10 §1, uv's
 * `sync`): the project's dependencies (PEP 621), the chosen extras and dependency groups
 * (PEP 735), and the project itself installed editable (PEP 660), resolved into a PEP 751 lock
 * (the project's `pylock.toml` when it has one) and applied with the installer. The environment's
 * record keeps the binding (project path, groups, extras) and a hash of the project's files, so
 * `auto_sync` knows when to sync again.
 *
 * @module
 */
import { loadProjectSettings, withEnvironmentValue } from "../config/mod.ts";
import {
  boundEnvironment,
  changeRegistry,
  emitLifecycle,
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  openEnvironment,
  type ProjectBinding,
  snapshotPackages,
  withEnvironmentLock,
} from "../environments/mod.ts";
import { ConfigError, OperationError, UsageError } from "../errors/mod.ts";
import { atomicWriteFile, readUserFile, replaceUserFile } from "../fs/mod.ts";
import { formatPylock, parsePylock, type Pylock } from "../lock/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { dirname, join, toFileUrl } from "../paths/mod.ts";
import {
  checkDependencyGroups,
  parsePyproject,
  type ProjectRequirements,
  projectRequirements,
  type Pyproject,
  readPyproject,
  resolveDependencyGroup,
} from "../pyproject/mod.ts";
import type { BackendTarget } from "../backends/mod.ts";
import { type InstalledDistribution, readInstalledDistributions } from "../distribution/mod.ts";
import { satisfiedByInstalled } from "./satisfied.ts";
import { lockForRequirements } from "./lock_requirements.ts";
import { dropRequirements, mergeRequirements } from "./requirements_text.ts";
import {
  directoryMetadataReader,
  installFromLock,
  judgeDryRunPlan,
  type LockPlan,
  planChanges,
  planLockInstall,
} from "./sync_lock.ts";

/** The name of a project's lock, next to its pyproject.toml (PEP 751). */
export const PROJECT_LOCK_FILE = "pylock.toml";

/** Distributions `sync --clean` keeps unless declared otherwise: the tools a user seeds. */
export const CLEAN_KEEP: ReadonlySet<string> = new Set(["pip", "setuptools", "wheel"]);

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

async function sha256(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** What a project lock is resolved from; equal inputs give the same resolution inputs. */
export interface ProjectInputs {
  /** sha256 (hex) of the canonical form of the fields below. */
  hash: string;
  /** PEP 508 texts: dependencies, chosen extras' and groups' requirements, sorted. */
  requirements: string[];
  /** The chosen groups, normalized, sorted. */
  groups: string[];
  /** The chosen extras, normalized, sorted. */
  extras: string[];
  /** The project's normalized name when it is installed itself, else null. */
  project: string | null;
}

/**
 * The inputs of a project's resolution: the requirement texts of `chosen`, its groups and
 * extras, whether the project itself is installed, and `requires-python`; hashed (sha256 of a
 * canonical JSON form) to tell a fresh lock from a stale one.
 */
export async function projectInputs(
  pyproject: Pyproject,
  chosen: ProjectRequirements,
  withProject: boolean,
): Promise<ProjectInputs> {
  const requirements = [...chosen.requirements].sort();
  const groups = [...chosen.groups].sort();
  const extras = [...chosen.extras].sort();
  const project = withProject && pyproject.project !== null
    ? normalizeName(pyproject.project.name)
    : null;
  const canonical = JSON.stringify({
    format: 1,
    requirements,
    groups,
    extras,
    project,
    requiresPython: pyproject.project?.requiresPythonText ?? null,
  });
  return { hash: await sha256(canonical), requirements, groups, extras, project };
}

/**
 * Why `lock` is out of date with `inputs` (empty when it is fresh): requirements added or
 * removed, groups or extras changed, the project itself included or not, or no recorded inputs.
 */
export function lockStaleness(lock: Pylock, inputs: ProjectInputs): string[] {
  const own = lock.gestvenv;
  if (own?.inputs === undefined) {
    return ["it records no inputs (`[tool.gestvenv] inputs`); it was not written by gestvenv"];
  }
  if (own.inputs === inputs.hash) return [];
  const reasons: string[] = [];
  const before = new Set(own.requirements);
  const now = new Set(inputs.requirements);
  const added = inputs.requirements.filter((r) => !before.has(r));
  const removed = own.requirements.filter((r) => !now.has(r));
  if (added.length > 0) reasons.push(`added ${added.map((r) => `\`${r}\``).join(", ")}`);
  if (removed.length > 0) reasons.push(`removed ${removed.map((r) => `\`${r}\``).join(", ")}`);
  const list = (l: string[] | undefined) => (l ?? []).length === 0 ? "none" : l!.join(", ");
  if (list(own.groups) !== list(inputs.groups)) {
    reasons.push(`groups ${list(own.groups)} → ${list(inputs.groups)}`);
  }
  if (list(own.extras) !== list(inputs.extras)) {
    reasons.push(`extras ${list(own.extras)} → ${list(inputs.extras)}`);
  }
  if (reasons.length === 0) {
    reasons.push("requires-python or whether the project itself is installed changed");
  }
  return reasons;
}

/**
 * Reads a project's `pylock.toml`, or undefined when there is none.
 * @throws {InvalidSyntaxError} when it exists but is malformed.
 */
export async function readProjectLock(root: string): Promise<Pylock | undefined> {
  const path = join(root, PROJECT_LOCK_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new OperationError(`Cannot read ${path}: ${(error as Error).message}`, "lock_missing", {
      cause: error,
      hint: "Check the file's permissions",
    });
  }
  return parsePylock(text, path);
}

/**
 * The text of a project lock: `lock` with the project's inputs in `[tool.gestvenv]` (the
 * requirements, groups, extras and their hash; no environment name: the lock belongs to the
 * project) and the project's own directory written as `.` (PEP 751: relative to the lock).
 */
export function formatProjectLock(lock: Pylock, root: string, inputs: ProjectInputs): string {
  const own = lock.gestvenv;
  return formatPylock({
    ...lock,
    packages: lock.packages.map((p) =>
      p.directory?.path === root ? { ...p, directory: { ...p.directory, path: "." } } : p
    ),
    gestvenv: {
      requirements: inputs.requirements,
      ...(own?.python !== undefined ? { python: own.python } : {}),
      ...(own?.resolvedFrom !== undefined ? { resolvedFrom: own.resolvedFrom } : {}),
      groups: inputs.groups,
      extras: inputs.extras,
      inputs: inputs.hash,
    },
  });
}

/**
 * Writes a project's `pylock.toml` atomically (see {@linkcode formatProjectLock}); unchanged
 * text is not rewritten. Returns the path.
 */
export async function writeProjectLock(
  root: string,
  lock: Pylock,
  inputs: ProjectInputs,
): Promise<string> {
  const path = join(root, PROJECT_LOCK_FILE);
  const text = formatProjectLock(lock, root, inputs);
  const old = await Deno.readTextFile(path).catch(() => null);
  if (old !== text) await atomicWriteFile(path, text);
  return path;
}

/**
 * sha256 (hex) of a project's pyproject.toml followed by its pylock.toml (when it has one): what
 * the record keeps at each sync (`synced_sha256`) for `auto_sync`.
 */
export async function projectSyncHash(root: string): Promise<string> {
  const read = (name: string) => Deno.readTextFile(join(root, name)).catch(() => "");
  const pyproject = await read("pyproject.toml");
  const lock = await read(PROJECT_LOCK_FILE);
  return await sha256(`${pyproject}\u0000${lock}`);
}

/**
 * The nearest directory holding a pyproject.toml: `start` or one of its parents, up to the
 * repository root (the same search as the project settings, `loadProjectSettings`).
 * @throws {ConfigError} (exit 10) when the project's settings there are invalid.
 */
export async function findProjectRoot(start: string): Promise<string | undefined> {
  const settings = await loadProjectSettings(start);
  return settings?.pyproject === undefined ? undefined : dirname(settings.pyproject);
}

/**
 * The environment bound to the project at `start` (the nearest `pyproject.toml` or
 * `.gestvenv.toml`, up to the repository root): the project settings' `environment`, else the
 * one registered environment whose record names this project (`boundEnvironment`).
 * @throws {UsageError} (exit 2) when there is no project, no bound environment, or several.
 * @throws {EnvironmentNotFoundError} when the settings name an environment that does not exist.
 * @throws {ConfigError} (exit 10) for invalid project settings.
 */
export async function projectEnvironment(
  ctx: EnvironmentContext,
  start: string,
): Promise<{ name: string; root: string }> {
  const settings = await loadProjectSettings(start);
  if (settings?.pyproject === undefined) {
    throw new UsageError(`No pyproject.toml in ${start} or its parents, and no environment named`, {
      hint: "Name the environment (`gestvenv sync NAME`), or run this in a project's directory",
    });
  }
  const root = settings.root;
  const record = await boundEnvironment(ctx, settings);
  if (record !== undefined) return { name: record.name, root };
  throw new UsageError(`No environment is bound to the project ${root}`, {
    hint: `Create one with \`gestvenv create-from-pyproject ${root} NAME\`, ` +
      'or set `environment = "NAME"` in .gestvenv.toml or `[tool.gestvenv]`',
  });
}

/**
 * The groups and extras a project asks for by default: `groups`/`extras` of its
 * `.gestvenv.toml` or `[tool.gestvenv]` (empty when it sets none).
 * @throws {ConfigError} (exit 10) for invalid project settings.
 */
export async function projectDefaults(
  root: string,
): Promise<{ groups: string[]; extras: string[] }> {
  const settings = await loadProjectSettings(root);
  if (settings === undefined || settings.root !== root) return { groups: [], extras: [] };
  return { groups: settings.groups, extras: settings.extras };
}

/** Options for {@linkcode syncProject}. */
export interface ProjectSyncOptions {
  /**
   * The project directory, when the environment is not bound to it yet (the sync binds it).
   * @default the record's binding
   */
  project?: string | undefined;
  /** The PEP 735 groups. @default the binding's, else the project settings' `groups` */
  groups?: string[] | undefined;
  /** The extras. @default the binding's, else the project settings' `extras` */
  extras?: string[] | undefined;
  /** Every dependency group of the project. @default false */
  allGroups?: boolean;
  /** Leave the project itself out (and remove it). @default the binding's choice */
  noProject?: boolean | undefined;
  /**
   * Remove what is not declared: `declared` keeps {@linkcode CLEAN_KEEP} (pip, setuptools,
   * wheel), `all` keeps nothing undeclared. @default "none"
   */
  clean?: "none" | "declared" | "all";
  /**
   * `auto`: use the project lock when it is fresh, else resolve (and rewrite it when it
   * exists or `writeLock`); `locked`: the lock must exist and be fresh; `frozen`: install the
   * lock as it is. @default "auto"
   */
  lock?: "auto" | "locked" | "frozen";
  /** Write the project's pylock.toml even when it does not exist yet. @default false */
  writeLock?: boolean;
  /** Names to uninstall when the new resolution no longer has them (`remove`). @default [] */
  drop?: string[];
  /** Compute the plan only; change nothing. @default false */
  dryRun?: boolean;
}

/** The outcome of {@linkcode syncProject}. */
export interface ProjectSyncResult {
  /** The record after the sync (unchanged for a dry run). */
  record: EnvironmentRecord;
  /** The project directory. */
  project: string;
  /** What was (or would be) installed, kept and removed. */
  plan: LockPlan;
  /** The chosen groups and extras, normalized. */
  groups: string[];
  extras: string[];
  /** Whether the requirements were resolved (false: installed from the project lock). */
  resolved: boolean;
  /** The project lock used or written, or null. */
  lockFile: string | null;
  /** True when the project lock was written. */
  lockWritten: boolean;
  /** True for a dry run. */
  dryRun: boolean;
}

/** Whether `dist` is installed editable from the directory `root` (PEP 610 `direct_url.json`). */
async function isEditableFrom(dist: InstalledDistribution, root: string): Promise<boolean> {
  try {
    const direct = JSON.parse(await Deno.readTextFile(join(dist.dist_info, "direct_url.json")));
    return direct?.dir_info?.editable === true &&
      (direct.url === toFileUrl(root) || direct.url === toFileUrl(`${root}/`));
  } catch {
    return false;
  }
}

/**
 * Brings the named environment to exactly what its project declares: the dependencies, the
 * groups and extras (by default those the binding recorded), the project itself editable
 * (unless `noProject`); installs what is missing and changes versions; with `clean`, removes
 * what is not declared. The resolution comes from the project's `pylock.toml` when it is fresh
 * (or always with `lock: "frozen"`), else from the resolver (installed versions preferred), and
 * is written back to the project lock when there is one. The record's binding and
 * `synced_sha256` are updated. With `dryRun`, only the plan is computed.
 *
 * @throws {EnvironmentNotFoundError} when the environment does not exist.
 * @throws {UsageError} (exit 2) when the environment is bound to no project and none is given.
 * @throws {ConfigError} (exit 10) for an invalid pyproject.toml, an unknown group or extra.
 * @throws {OperationError} (exit 1) `lock_missing` when `locked`/`frozen` finds no lock;
 *   `lock_stale` when `locked` finds it out of date (naming what changed).
 * @throws {ResolutionError | NetworkError | BackendError | ArtifactMismatchError} from resolving
 *   and installing.
 */
export async function syncProject(
  ctx: EnvironmentContext,
  name: string,
  options: ProjectSyncOptions = {},
): Promise<ProjectSyncResult> {
  const dryRun = options.dryRun ?? ctx.dryRun ?? false;
  const run = async (): Promise<ProjectSyncResult> => {
    const record = await getEnvironment(ctx, name);
    const root = options.project ?? record.project?.path;
    if (root === undefined) {
      throw new UsageError(`\`${name}\` is not bound to a project`, {
        hint: "Run the sync in the project's directory to bind it, " +
          `or sync its own lock: \`gestvenv sync ${name} --locked\``,
      });
    }
    const binding: ProjectBinding | undefined = record.project?.path === root
      ? record.project
      : undefined;
    const pyproject = await readPyproject(join(root, "pyproject.toml"));
    // Not bound yet: the project settings' `groups`/`extras` are the defaults.
    const defaults = binding ?? await projectDefaults(root);
    const chosen = projectRequirements(pyproject, {
      groups: options.groups ?? defaults.groups,
      extras: options.extras ?? defaults.extras,
      allGroups: options.allGroups ?? false,
    });
    const noProject = options.noProject ?? (binding !== undefined && !binding.installed);
    const withProject = pyproject.project !== null && !noProject;
    const inputs = await projectInputs(pyproject, chosen, withProject);
    const mode = options.lock ?? "auto";
    const lockPath = join(root, PROJECT_LOCK_FILE);
    const existing = await readProjectLock(root);
    const { backend, target } = await openEnvironment(ctx, record);
    const installed = await readInstalledDistributions(target.layout.sitePackages);
    let lock: Pylock;
    let resolved = false;
    // A stale lock installed as it is (`frozen`): the environment does not match pyproject.toml.
    let behind = false;
    if (mode !== "auto") {
      if (existing === undefined) {
        throw new OperationError(
          `--${mode}: the project has no lock (${lockPath})`,
          "lock_missing",
          {
            hint: `Lock it with \`gestvenv sync ${name} --lock\` (or create the environment ` +
              "with `create-from-pyproject --lock`)",
          },
        );
      }
      const stale = lockStaleness(existing, inputs);
      if (mode === "locked" && stale.length > 0) {
        throw new OperationError(
          `${lockPath} is out of date with pyproject.toml: ${stale.join("; ")}`,
          "lock_stale",
          {
            hint: `Run \`gestvenv sync ${name}\` to lock again and sync, ` +
              "or `--frozen` to install the lock as it is",
          },
        );
      }
      lock = existing;
      behind = stale.length > 0;
    } else if (existing !== undefined && lockStaleness(existing, inputs).length === 0) {
      lock = existing;
    } else {
      const preferences = new Map(installed.map((d) => [d.normalized_name, d.version]));
      for (const p of existing?.packages ?? []) {
        if (p.version !== undefined) preferences.set(p.name, p.version);
      }
      ctx.reporter.step(`Resolving ${pyproject.project?.name ?? "the project"} for ${name}`);
      try {
        lock = await lockForRequirements(ctx, target, {
          requirements: chosen.requirements,
          editables: withProject ? [{ path: root, editable: true }] : [],
          directoryMetadata: directoryMetadataReader(ctx, target),
          preferences,
          record: chosen.requirements,
          environment: name,
        });
      } finally {
        ctx.reporter.done();
      }
      lock.gestvenv = {
        ...lock.gestvenv!,
        groups: inputs.groups,
        extras: inputs.extras,
        inputs: inputs.hash,
      };
      resolved = true;
    }
    // What leaves: undeclared distributions with --clean, the names `remove` dropped, and the
    // project itself when it is no longer installed.
    const drop = new Set((options.drop ?? []).map(normalizeName));
    if (binding?.installed && !withProject && pyproject.project !== null) {
      drop.add(normalizeName(pyproject.project.name));
    }
    const clean = options.clean ?? "none";
    const locked = new Set(lock.packages.map((p) => p.name));
    const exact = clean !== "none" || [...drop].some((d) => !locked.has(d));
    const keep = clean === "declared"
      ? CLEAN_KEEP
      : clean === "all"
      ? new Set<string>()
      : new Set(installed.map((d) => d.normalized_name).filter((n) => !drop.has(n)));
    // The project installed editable from here, with nothing changed since the last sync, is
    // kept (not built again); source edits show through the editable install anyway.
    const reuse = new Set<string>();
    const projectName = pyproject.project === null ? null : normalizeName(pyproject.project.name);
    if (
      withProject && projectName !== null && binding?.installed &&
      binding.synced_sha256 !== undefined &&
      binding.synced_sha256 === await projectSyncHash(root)
    ) {
      const dist = installed.find((d) => d.normalized_name === projectName);
      if (dist !== undefined && await isEditableFrom(dist, root)) reuse.add(projectName);
    }
    const writeLock = resolved && (existing !== undefined || (options.writeLock ?? false));
    const lockFile = writeLock || !resolved ? lockPath : null;
    if (dryRun) {
      const plan = await planLockInstall(lock, target, exact, keep, reuse);
      await judgeDryRunPlan(ctx, record, plan, lock);
      return {
        record,
        project: root,
        plan,
        groups: chosen.groups,
        extras: chosen.extras,
        resolved,
        lockFile,
        lockWritten: false,
        dryRun: true,
      };
    }
    if (writeLock) await writeProjectLock(root, lock, inputs);
    const plan = await installFromLock(ctx, record, backend, target, lock, exact, {
      keep,
      reuseDirectories: reuse,
    });
    const packages = await snapshotPackages(backend, target);
    const declared = [...chosen.requirements, ...(withProject ? [`-e ${root}`] : [])];
    // After a stale lock, the previous hash stays: `auto_sync` still sees the change.
    const synced = behind ? binding?.synced_sha256 : await projectSyncHash(root);
    const updated = await changeRegistry(ctx, (registry) => {
      const current = registry.environments.get(name) ?? record;
      current.packages = packages;
      current.requirements = clean !== "none" ? declared : mergeRequirements(
        dropRequirements(current.requirements, [...drop]).filter((r) => r !== `-e ${root}`),
        declared,
      );
      current.project = {
        path: root,
        groups: chosen.groups,
        extras: chosen.extras,
        installed: withProject,
        ...(synced === undefined ? {} : { synced_sha256: synced }),
      };
      current.last_used_at = new Date().toISOString();
      registry.environments.set(name, current);
      return current;
    });
    await emitLifecycle(ctx, {
      event: "post-sync",
      environment: name,
      path: record.path,
      changes: planChanges(plan, []),
    });
    return {
      record: updated,
      project: root,
      plan,
      groups: chosen.groups,
      extras: chosen.extras,
      resolved,
      lockFile,
      lockWritten: writeLock,
      dryRun: false,
    };
  };
  if (dryRun) return await run();
  return await withEnvironmentLock(ctx, name, run);
}

/**
 * Whether `run` should sync the environment first: `auto_sync` is on and its project changed
 * since the last sync (the hash of pyproject.toml and pylock.toml differs from the record's
 * `synced_sha256`). `auto_sync` comes from a flag or `GESTVENV_AUTO_SYNC`, else the
 * environment's own settings (`config set-env`), else the settings of its project (wherever the
 * command runs), else the user configuration. False for an environment bound to no project.
 * @throws {ConfigError} for invalid project settings.
 */
export async function needsAutoSync(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
): Promise<boolean> {
  const binding = record.project;
  if (binding === undefined) return false;
  // Flag, GESTVENV_AUTO_SYNC, then the environment's own setting; below them, the project is
  // the binding's (the settings' project is the one around the current directory).
  const setting = withEnvironmentValue(
    ctx.settings.autoSync,
    record.settings?.auto_sync,
    `auto_sync of environment ${record.name}`,
  );
  let on: boolean;
  if (setting.source === "flag" || setting.source === "env" || setting.source === "environment") {
    on = setting.value;
  } else {
    const project = await loadProjectSettings(binding.path);
    const own = project !== undefined && project.root === binding.path &&
      project.config.auto_sync !== undefined;
    on = own ? project!.autoSync : setting.source === "project" ? false : setting.value;
  }
  if (!on) return false;
  return binding.synced_sha256 !== await projectSyncHash(binding.path);
}

/**
 * Records in the named environment's binding the hash of its project's files now
 * (`synced_sha256`, see {@linkcode projectSyncHash}): after a create that installed the project.
 * Returns the updated record.
 */
export async function markProjectSynced(
  ctx: EnvironmentContext,
  name: string,
): Promise<EnvironmentRecord> {
  return await withEnvironmentLock(ctx, name, async () => {
    const record = await getEnvironment(ctx, name);
    if (record.project === undefined) return record;
    const synced = await projectSyncHash(record.project.path);
    return await changeRegistry(ctx, (registry) => {
      const current = registry.environments.get(name) ?? record;
      if (current.project !== undefined) current.project.synced_sha256 = synced;
      registry.environments.set(name, current);
      return current;
    });
  });
}

/** One dependency group of a project, as `groups list` shows it. */
export interface ProjectGroupStatus {
  /** The group's name as written in `[dependency-groups]`. */
  name: string;
  /** Its PEP 735 normalized name. */
  normalized: string;
  /** How many requirement strings it lists itself (includes not counted). */
  requirements: number;
  /** The groups it includes (`{include-group = "..."}`), as written. */
  includes: string[];
  /** Whether the environment's binding names it (installed by its syncs). */
  selected: boolean;
  /**
   * Whether every requirement of the group (includes expanded, markers evaluated) is met by
   * what the environment has installed; null without an environment.
   */
  installed: boolean | null;
}

/**
 * The dependency groups (PEP 735) of the project at `root`, each with its requirement count,
 * includes, and whether `record` (the project's environment, if any) selected it and has it
 * installed (read from site-packages, no index).
 * @throws {ConfigError} (exit 10) for an invalid pyproject.toml or group table.
 */
export async function projectGroups(
  ctx: EnvironmentContext,
  root: string,
  record: EnvironmentRecord | undefined,
): Promise<ProjectGroupStatus[]> {
  const pyproject = await readPyproject(join(root, "pyproject.toml"));
  checkDependencyGroups(pyproject.file, pyproject.groups);
  let env: { installed: InstalledDistribution[]; target: BackendTarget } | undefined;
  if (record !== undefined) {
    const { target } = await openEnvironment(ctx, record);
    env = { installed: await readInstalledDistributions(target.layout.sitePackages), target };
  }
  const out: ProjectGroupStatus[] = [];
  for (const [normalized, group] of pyproject.groups) {
    const expanded = resolveDependencyGroup(pyproject.file, pyproject.groups, normalized);
    out.push({
      name: group.name,
      normalized,
      requirements: group.entries.filter((e) => e.kind === "requirement").length,
      includes: group.entries.flatMap((e) => e.kind === "include" ? [e.group] : []),
      selected: record?.project?.path === root && record.project.groups.includes(normalized),
      installed: env === undefined ? null : await satisfiedByInstalled(
        env.installed,
        expanded.map((r) => r.requirement),
        env.target.interpreter.info.markers,
      ),
    });
  }
  return out;
}

/** The outcome of {@linkcode editPyproject}. */
export interface PyprojectEdit<T> {
  /** The pyproject.toml edited. */
  file: string;
  /** Its text before and after the edit. */
  before: string;
  after: string;
  /** What `then` returned (undefined for a dry run). */
  result: T | undefined;
}

/**
 * Edits a project's pyproject.toml: applies `edit` to its text, checks that the result is still a
 * valid project file (`parsePyproject`), writes it with `replaceUserFile` (atomic; a symlink and
 * the file's mode are kept; a concurrent edit is refused), then runs `then` (a sync); when
 * `then` fails, the previous text is put back (unless someone changed the file meanwhile) and
 * the error is rethrown, so a failed `add` leaves no dependency that does not install. With
 * `dryRun`, nothing is written and `then` does not run.
 * @throws {ConfigError} (exit 10) when the file cannot be read or the edit makes it invalid.
 */
export async function editPyproject<T>(
  root: string,
  edit: (text: string) => string,
  then: () => Promise<T>,
  dryRun = false,
): Promise<PyprojectEdit<T>> {
  const file = join(root, "pyproject.toml");
  const before = await readUserFile(file);
  if (before === null) {
    throw new ConfigError(`There is no ${file}`, {
      hint: "Run this in a project's directory, or name its environment with --env",
    });
  }
  const after = edit(before);
  parsePyproject(after, file);
  if (dryRun) return { file, before, after, result: undefined };
  // The user's file: a symlink stays one, its mode is kept, and an edit made meanwhile (in an
  // editor) is never overwritten.
  if (after !== before) await replaceUserFile(file, after, { expected: before });
  try {
    return { file, before, after, result: await then() };
  } catch (error) {
    if (after !== before) {
      await replaceUserFile(file, before, { expected: after }).catch(() => {});
    }
    throw error;
  }
}
