import { type Backend, type BackendTarget, selectBackend } from "../backends/mod.ts";
import { OperationError, throwIfInterrupted, UsageError } from "../errors/mod.ts";
import { failpoint, isEmptyDir, pathExists } from "../fs/mod.ts";
import { absolute, join } from "../paths/mod.ts";
import { findInterpreter, type Interpreter } from "../python/mod.ts";
import { createVirtualenv, relocateVirtualenv } from "../virtualenv/mod.ts";
import {
  backendCall,
  changeRegistry,
  type EnvironmentContext,
  loadRegistry,
  now,
  snapshotPackages,
} from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { validateEnvironmentName } from "./environment_name.ts";
import { newEnvironmentId, writeEnvironmentMarker } from "./environment_marker.ts";
import { refreshEnvironmentLock } from "./environment_lock.ts";
import { removeJournal, writeJournal } from "./journal.ts";
import { withEnvironmentLock } from "./recover_interrupted.ts";
import { installFromLock } from "./sync_lock.ts";
import type { Pylock } from "../lock/mod.ts";
import { explainInstallFailure } from "./index_failure.ts";
import {
  checkRequirementTexts,
  mergeRequirements,
  requestedProjectNames,
  requirementLines,
} from "./requirements_text.ts";
import { leftoverPath, moveIntoPlace } from "./staging.ts";

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
}

/** The outcome of {@linkcode createEnvironment}. */
export interface CreateEnvironmentResult {
  /** The registry record (as it would be, for a dry run). */
  record: EnvironmentRecord;
  /** True when nothing was changed. */
  dryRun: boolean;
}

/** Where a named environment lives by default. */
export function defaultEnvironmentPath(ctx: EnvironmentContext, name: string): string {
  return join(ctx.settings.environmentsDir, name);
}

/**
 * Checks that `path` can receive a new environment: it must not exist, or be an empty directory.
 *
 * @returns Whether an (empty) directory is there already.
 * @throws {OperationError} `environment_exists` otherwise.
 */
export async function checkFreePath(path: string): Promise<boolean> {
  if (!(await pathExists(path))) return false;
  const stat = await Deno.lstat(path);
  if (stat.isDirectory && await isEmptyDir(path)) return true;
  throw new OperationError(`A file or directory already exists at ${path}`, "environment_exists", {
    hint: "Choose another name or `--path`, or move what is there yourself",
  });
}

/** Throws `environment_exists` when the registry already has `name`. */
export async function checkFreeName(ctx: EnvironmentContext, name: string): Promise<void> {
  if ((await loadRegistry(ctx)).environments.has(name)) {
    throw new OperationError(`Environment \`${name}\` already exists`, "environment_exists", {
      hint: `Choose another name, or delete it first with \`gestvenv delete ${name}\``,
    });
  }
}

/**
 * Builds an environment in a staging directory beside `record.path`, moves it into place and
 * registers it, as one crash-consistent step: a journal entry names the staging directory first;
 * the registry entry is written last; a failure (or Ctrl-C) removes the staging directory; a
 * killed process leaves an entry the next command finishes or undoes (`recover_interrupted.ts`).
 * The caller holds the lock of `record.name` (and checked the name and path are free).
 *
 * `build(staging)` fills the staging directory so that it works once renamed to `record.path`
 * (anything that names the staging path must be re-targeted by `build`).
 *
 * @returns The registered record (with `packages` as `build` left them).
 */
export async function buildAndRegister(
  ctx: EnvironmentContext,
  op: "create" | "clone",
  record: EnvironmentRecord,
  build: (staging: string) => Promise<void>,
): Promise<EnvironmentRecord> {
  const finalExisted = await checkFreePath(record.path);
  const staging = leftoverPath(record.path, "staging");
  const journal = await writeJournal(ctx, {
    op,
    name: record.name,
    id: record.id!,
    final_path: record.path,
    staging_path: staging,
    final_existed: finalExisted,
    record,
  });
  let moved = false;
  try {
    await failpoint(`${op}.after-journal`);
    await build(staging);
    await writeEnvironmentMarker(staging, {
      id: record.id!,
      name: record.name,
      created_at: record.created_at,
    });
    await failpoint(`${op}.before-move`);
    throwIfInterrupted(ctx.signal);
    await moveIntoPlace(staging, record.path);
    moved = true;
    await failpoint(`${op}.before-register`);
    await changeRegistry(ctx, (registry) => {
      if (registry.environments.has(record.name)) {
        throw new OperationError(
          `Environment \`${record.name}\` already exists`,
          "environment_exists",
        );
      }
      registry.environments.set(record.name, record);
    });
  } catch (error) {
    ctx.reporter.done();
    if (!moved) await Deno.remove(staging, { recursive: true }).catch(() => {});
    else if (finalExisted) {
      for await (const entry of Deno.readDir(record.path)) {
        await Deno.remove(join(record.path, entry.name), { recursive: true }).catch(() => {});
      }
    } else await Deno.remove(record.path, { recursive: true }).catch(() => {});
    await removeJournal(journal);
    throw error;
  }
  await removeJournal(journal);
  return record;
}

/**
 * Creates a named environment: finds the interpreter, creates the PEP 405 environment natively
 * in a staging directory, lets the backend prepare it (and seed pip with `seed`), installs the
 * requested packages, reads back what is installed, then moves it into place and registers it
 * (see {@linkcode buildAndRegister}). If any step fails or the user interrupts, what was made is
 * removed and nothing is registered; an existing directory is never deleted.
 *
 * @throws {UsageError} For an invalid name.
 * @throws {OperationError} `environment_exists` if the name is registered or its directory is
 *   taken; `interpreter_not_found` if no interpreter matches.
 * @throws {BackendError | PackageNotFoundError | NetworkError} When the install fails.
 * @throws {InterruptedError} On Ctrl-C or SIGTERM (exit 130/143), after the roll-back.
 *
 * @example
 * ```ts
 * // Needs a Python 3 on this machine (PATH or pyenv); no network: no packages are installed.
 * import assert from "node:assert/strict";
 * import {
 *   createEnvironment,
 *   deleteEnvironment,
 *   type EnvironmentContext,
 *   resolveHome,
 *   resolveSettings,
 *   SILENT_REPORTER,
 * } from "@gestvenv/gestvenv";
 *
 * const dir = await Deno.makeTempDir();
 * const env = (name: string) => name === "GESTVENV_HOME" ? dir : Deno.env.get(name);
 * const home = resolveHome(env);
 * const ctx: EnvironmentContext = {
 *   home,
 *   settings: resolveSettings(home, {}, { env }),
 *   creatorVersion: "example",
 *   reporter: SILENT_REPORTER,
 * };
 * const { record } = await createEnvironment(ctx, "demo");
 * assert.equal(record.name, "demo");
 * assert.ok((await Deno.stat(`${record.path}/pyvenv.cfg`)).isFile);
 * // The name is taken now.
 * await assert.rejects(createEnvironment(ctx, "demo"), /already exists/);
 * await deleteEnvironment(ctx, "demo");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function createEnvironment(
  ctx: EnvironmentContext,
  name: string,
  options: CreateEnvironmentOptions = {},
): Promise<CreateEnvironmentResult> {
  validateEnvironmentName(name);
  const packages = options.packages ?? [];
  const files = (options.requirementFiles ?? []).map((p) => absolute(p));
  const path = options.path === undefined
    ? defaultEnvironmentPath(ctx, name)
    : absolute(options.path);
  await checkFreeName(ctx, name);
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
  const backend = await selectBackend(
    ctx.backendOverride ?? ctx.settings.backend,
    ctx.settings.uvPath,
  );
  const interpreter: Interpreter = await findInterpreter(options.python ?? ctx.settings.python, {
    cacheDir: ctx.home.cacheDir,
  });
  const requested = options.recordRequirements ?? options.lock?.gestvenv?.requirements ??
    [...packages];
  if (options.recordRequirements === undefined) {
    for (const file of files) requested.push(...requirementLines(await Deno.readTextFile(file)));
  }
  const timestamp = now();
  const record: EnvironmentRecord = {
    name,
    path,
    id: newEnvironmentId(),
    python: {
      path: interpreter.realPath,
      version: interpreter.info.version,
      implementation: interpreter.info.implementation,
    },
    backend: backend.name,
    description: options.description ?? null,
    created_at: timestamp,
    last_used_at: timestamp,
    requirements: mergeRequirements([], requested),
    packages: [],
  };
  if (options.dryRun) {
    await checkFreePath(path);
    return { record, dryRun: true };
  }
  await withEnvironmentLock(ctx, name, async () => {
    // Another process may have taken the name while this one waited for the lock.
    await checkFreeName(ctx, name);
    await buildAndRegister(ctx, "create", record, async (staging) => {
      await fillEnvironment(ctx, backend, interpreter, record, staging, {
        packages,
        files,
        seed: options.seed ?? false,
        lock: options.lock,
      });
    });
  });
  return { record, dryRun: false };
}

/** Creates the virtual environment at `staging` and installs into it; updates `record.packages`. */
async function fillEnvironment(
  ctx: EnvironmentContext,
  backend: Backend,
  interpreter: Interpreter,
  record: EnvironmentRecord,
  staging: string,
  what: { packages: string[]; files: string[]; seed: boolean; lock: Pylock | undefined },
): Promise<void> {
  ctx.reporter.step(
    `Creating ${record.name} with ${interpreter.info.implementation_display} ${interpreter.info.version}`,
  );
  const layout = await createVirtualenv(staging, interpreter, {
    prompt: record.name,
    creatorVersion: ctx.creatorVersion,
    finalRoot: record.path,
  });
  ctx.reporter.done();
  await failpoint("create.after-staging");
  throwIfInterrupted(ctx.signal);
  const target: BackendTarget = { layout, interpreter };
  const call = backendCall(ctx);
  if (what.seed) ctx.reporter.step("Seeding pip");
  await backend.create(target, what.seed, call);
  ctx.reporter.done();
  if (what.packages.length > 0 || what.files.length > 0) {
    ctx.reporter.step(
      `Installing ${
        [...what.packages, ...what.files.map((f) => `-r ${f}`)].join(" ")
      } with ${backend.name}`,
    );
    try {
      await backend.install(target, {
        requirements: what.packages,
        requirementFiles: what.files,
        editables: [],
        upgrade: false,
        dryRun: false,
      }, call);
    } catch (error) {
      await explainInstallFailure(
        ctx,
        error,
        await requestedProjectNames(what.packages, what.files),
      );
    }
    ctx.reporter.done();
    await failpoint("create.after-install");
  }
  throwIfInterrupted(ctx.signal);
  // The lock is written into the staging directory; it names no path of the environment.
  const building = { ...record, path: staging };
  if (what.lock !== undefined) {
    await installFromLock(ctx, building, backend, target, what.lock, false);
  } else await refreshEnvironmentLock(ctx, building, target);
  // Installers (and pip's seeding) wrote the staging path into script shebangs and `.pth`
  // files: make them name the final path (the activation scripts already do).
  await relocateVirtualenv(staging, { oldRoot: staging, newRoot: record.path, activators: false });
  record.packages = await snapshotPackages(backend, target);
}
