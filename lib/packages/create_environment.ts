import type { AnyBackend, BackendTarget } from "../backends/mod.ts";
import {
  buildEnvironment,
  checkFreeName,
  type CreateEnvironmentResult,
  type EnvironmentContext,
  type EnvironmentRecord,
  type ProjectBinding,
  validateEnvironmentName,
} from "../environments/mod.ts";
import { OperationError, throwIfInterrupted, UsageError } from "../errors/mod.ts";
import { failpoint, pathExists } from "../fs/mod.ts";
import type { Pylock } from "../lock/mod.ts";
import { absolute } from "../paths/mod.ts";
import { explainInstallFailure } from "./index_failure.ts";
import {
  checkRequirementTexts,
  mergeRequirements,
  requestedInFiles,
  requestedProjectNames,
} from "./requirements_text.ts";
import { type InstalledFile, installedFiles } from "./installed_files.ts";
import { directoryMetadataReader, installFromLock } from "./sync_lock.ts";
import { lockForRequirements, resolvableRequirements } from "./lock_requirements.ts";

/** Options for {@linkcode createEnvironment}. */
export interface CreateEnvironmentOptions {
  /** Interpreter request (`3.11`, `>=3.10`, `pypy3`, a path). @default settings, then python3 on PATH */
  python?: string | undefined;
  /** Free-text description kept in the registry. */
  description?: string | undefined;
  /** Requirements to install right away. @default [] */
  packages?: string[];
  /** requirements.txt files to install right away. @default [] */
  requirementFiles?: string[];
  /** Put pip into the environment. @default false */
  seed?: boolean;
  /** Create the environment in this directory instead of `<environments>/<name>`. */
  path?: string | undefined;
  /** Describe what would be done and change nothing. @default false */
  dryRun?: boolean;
  /** Install exactly this PEP 751 lock (no resolution; hashes checked) instead of packages. */
  lock?: Pylock | undefined;
  /**
   * What to record as the requirements the user asked for, when it differs from what is
   * installed (an import installs an export's frozen pins but records its requirements).
   * @default the packages, the lines of the requirement files, or the lock's requirements
   */
  recordRequirements?: string[] | undefined;
  /**
   * Local project directories to install in editable mode (PEP 660), recorded as `-e PATH`.
   * @default []
   */
  editables?: string[];
  /** The pyproject.toml project the environment is made from, kept in its record. */
  project?: ProjectBinding | undefined;
  /**
   * Runs on the staging directory once the packages are installed, before it is re-targeted,
   * moved into place and registered (a clone carries the source's extra files here).
   */
  afterInstall?: ((staging: string) => Promise<void>) | undefined;
}

/** A created environment: its record, and the files installed into it (empty for a dry run). */
export interface CreatedEnvironment extends CreateEnvironmentResult {
  /** The files the install applied (wheel/sdist name, sha256, index origin), for the operation log. */
  files: InstalledFile[];
}

/**
 * Creates a named environment with packages: checks the requirements (texts and files) first,
 * then creates the environment (`buildEnvironment`: staging, journal, registered last) and
 * installs the requested packages, or exactly `lock`, into it, and writes its `pylock.toml`. If
 * any step fails or the user interrupts, what was made is removed and nothing is registered.
 *
 * @throws {UsageError} For an invalid name, or a lock combined with packages.
 * @throws {InvalidSyntaxError} For an invalid requirement.
 * @throws {OperationError} `environment_exists` if the name is registered or its directory is
 *   taken; `interpreter_not_found` if no interpreter matches; `file_not_found` for a missing
 *   requirements file.
 * @throws {BackendError | PackageNotFoundError | NetworkError} When the install fails.
 * @throws {InterruptedError} On Ctrl-C or SIGTERM (exit 130/143), after the roll-back.
 */
export async function createEnvironment(
  ctx: EnvironmentContext,
  name: string,
  options: CreateEnvironmentOptions = {},
): Promise<CreatedEnvironment> {
  validateEnvironmentName(name);
  await checkFreeName(ctx, name);
  const packages = options.packages ?? [];
  const files = (options.requirementFiles ?? []).map((p) => absolute(p));
  for (const file of files) {
    if (!(await pathExists(file))) {
      throw new OperationError(`Requirements file ${file} does not exist`, "file_not_found", {
        hint: "Check the path given to `-r`",
      });
    }
  }
  await checkRequirementTexts(packages, files);
  if (options.lock !== undefined && (packages.length > 0 || files.length > 0)) {
    throw new UsageError("A lock cannot be combined with packages or requirement files", {
      hint: "Create from the lock, then `gestvenv install` what else you need",
    });
  }
  const editables = (options.editables ?? []).map((p) => absolute(p));
  if (options.lock !== undefined && editables.length > 0) {
    throw new UsageError("A lock cannot be combined with editable projects", {
      hint: "Create from the lock, then `gestvenv install -e PATH`",
    });
  }
  const requested = options.recordRequirements ?? options.lock?.gestvenv?.requirements ??
    [...packages];
  if (options.recordRequirements === undefined) {
    requested.push(...await requestedInFiles(files));
    requested.push(...editables.map((e) => `-e ${e}`));
  }
  const installed: InstalledFile[] = [];
  const result = await buildEnvironment(ctx, name, {
    python: options.python,
    description: options.description,
    seed: options.seed ?? false,
    path: options.path,
    dryRun: options.dryRun ?? false,
    requirements: mergeRequirements([], requested),
    project: options.project,
    populate: (building, backend, target) =>
      populate(ctx, building, backend, target, {
        packages,
        files,
        editables,
        lock: options.lock,
        seed: options.seed ?? false,
        record: mergeRequirements([], requested),
        installed,
      }).then(() => options.afterInstall?.(building.path)),
  });
  return { ...result, files: installed };
}

/**
 * Installs the packages (resolved by gestvenv, locked, then applied by the backend), or exactly
 * `lock`, into the environment being built; the environment's lock is written first. The native
 * backend seeds pip (`seed`) through the same resolution.
 */
async function populate(
  ctx: EnvironmentContext,
  building: EnvironmentRecord,
  backend: AnyBackend,
  target: BackendTarget,
  what: {
    packages: string[];
    files: string[];
    editables: string[];
    lock: Pylock | undefined;
    seed: boolean;
    record: string[];
    /** Receives the files installed (for the operation log). */
    installed: InstalledFile[];
  },
): Promise<void> {
  let lock = what.lock;
  // Every backend seeds pip through the resolution, the lock and the installer, so hashes,
  // allowed sources, `pre-install` (policies, strict mode) judge it like any other install.
  const seed = what.seed ? ["pip"] : [];
  if (
    lock === undefined &&
    (what.packages.length > 0 || what.files.length > 0 || what.editables.length > 0 ||
      seed.length > 0)
  ) {
    ctx.reporter.step(
      `Resolving ${
        [
          ...what.packages,
          ...what.files.map((f) => `-r ${f}`),
          ...what.editables.map((e) => `-e ${e}`),
        ].join(" ")
      }`,
    );
    try {
      const wanted = await resolvableRequirements(what.packages);
      lock = await lockForRequirements(ctx, target, {
        requirements: [...wanted.requirements, ...seed],
        requirementFiles: what.files,
        editables: [
          ...wanted.directories.map((path) => ({ path, editable: false })),
          ...what.editables.map((path) => ({ path, editable: true })),
        ],
        directoryMetadata: directoryMetadataReader(ctx, target),
        record: what.record,
        environment: building.name,
      });
    } catch (error) {
      await explainInstallFailure(
        ctx,
        error,
        await requestedProjectNames([...what.packages, ...seed], what.files),
        [...what.packages, ...seed, ...what.files.map((f) => `-r ${f}`)],
      );
    } finally {
      ctx.reporter.done();
    }
  }
  throwIfInterrupted(ctx.signal);
  // The lock is written into the staging directory; it names no path of the environment.
  if (lock !== undefined) {
    const plan = await installFromLock(ctx, building, backend, target, lock, false);
    what.installed.push(...installedFiles(plan));
    await failpoint("create.after-install");
  }
}
