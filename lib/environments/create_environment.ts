import { type AnyBackend, type BackendTarget } from "../backends/mod.ts";
import { OperationError, throwIfInterrupted } from "../errors/mod.ts";
import { withSpan } from "../events/mod.ts";
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
  selectBackendWithFallback,
  snapshotPackages,
} from "./context.ts";
import type { EnvironmentRecord, ProjectBinding } from "./environment_record.ts";
import { validateEnvironmentName } from "./environment_name.ts";
import { newEnvironmentId, writeEnvironmentMarker } from "./environment_marker.ts";
import { removeJournal, writeJournal } from "./journal.ts";
import { withEnvironmentLock } from "./recover_interrupted.ts";
import { leftoverPath, moveIntoPlace } from "./staging.ts";
import { emitLifecycle } from "./lifecycle.ts";

/**
 * Fills a new environment with distributions (`lib/packages` installs the requested packages or
 * a lock this way): called once the virtual environment exists in its staging directory and the
 * backend prepared it, before it moves into place. `building` is the record with `path` set to
 * the staging directory; `target` points there too.
 */
export type PopulateEnvironment = (
  building: EnvironmentRecord,
  backend: AnyBackend,
  target: BackendTarget,
) => Promise<void>;

/** Options for {@linkcode buildEnvironment}. */
export interface BuildEnvironmentOptions {
  /**
   * An interpreter request (`3.11`, `>=3.10`, `pypy3`, a path) that replaces the settings' one
   * (clone and import compute it). @default the `python` setting, then python3 on PATH
   */
  python?: string | undefined;
  /** Free-text description kept in the registry. */
  description?: string | undefined;
  /** Put pip into the environment. @default false */
  seed?: boolean;
  /** Create the environment in this directory instead of `<environments>/<name>`. */
  path?: string | undefined;
  /** Describe what would be done and change nothing. @default false */
  dryRun?: boolean;
  /** The requirements recorded as what the user asked for. @default [] */
  requirements?: string[] | undefined;
  /** The pyproject.toml project the environment is made from, kept in its record. */
  project?: ProjectBinding | undefined;
  /** Installs distributions into the new environment. @default nothing is installed */
  populate?: PopulateEnvironment | undefined;
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
  return join(ctx.settings.environmentsDir.value, name);
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
 * Lifecycle: `pre-create` before anything is made (a listener that throws leaves no directory,
 * no journal entry, no registry entry), `post-create` once the environment is registered.
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
  // Hooks and policies may refuse here: nothing is made yet (no directory, no journal entry).
  await emitLifecycle(ctx, {
    event: "pre-create",
    environment: record.name,
    path: record.path,
    python: { path: record.python.path, version: record.python.version },
  });
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
  await emitLifecycle(ctx, { event: "post-create", environment: record.name, path: record.path });
  return record;
}

/**
 * Creates a named environment: finds the interpreter, creates the PEP 405 environment natively
 * in a staging directory, lets the backend prepare it (and seed pip with `seed`), lets `populate`
 * install into it, reads back what is installed, then moves it into place and registers it (see
 * {@linkcode buildAndRegister}). If any step fails or the user interrupts, what was made is
 * removed and nothing is registered; an existing directory is never deleted.
 *
 * @throws {UsageError} For an invalid name.
 * @throws {OperationError} `environment_exists` if the name is registered or its directory is
 *   taken; `interpreter_not_found` if no interpreter matches.
 * @throws {InterruptedError} On Ctrl-C or SIGTERM (exit 130/143), after the roll-back.
 * @throws What `populate` throws.
 */
export async function buildEnvironment(
  ctx: EnvironmentContext,
  name: string,
  options: BuildEnvironmentOptions = {},
): Promise<CreateEnvironmentResult> {
  validateEnvironmentName(name);
  const path = options.path === undefined
    ? defaultEnvironmentPath(ctx, name)
    : absolute(options.path);
  await checkFreeName(ctx, name);
  const backend = await selectBackendWithFallback(ctx, ctx.settings.backend.value);
  const python = options.python ?? ctx.settings.python.value;
  // A dry run writes nothing, not even the interpreter probe cache.
  const interpreter: Interpreter = await findInterpreter(python, {
    cacheDir: ctx.dryRun ? undefined : ctx.home.cacheDir,
  });
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
    requirements: options.requirements ?? [],
    packages: [],
    ...(options.project === undefined ? {} : { project: options.project }),
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
        seed: options.seed ?? false,
        populate: options.populate,
      });
    });
  });
  return { record, dryRun: false };
}

/** Creates the virtual environment at `staging` and populates it; updates `record.packages`. */
async function fillEnvironment(
  ctx: EnvironmentContext,
  backend: AnyBackend,
  interpreter: Interpreter,
  record: EnvironmentRecord,
  staging: string,
  what: { seed: boolean; populate: PopulateEnvironment | undefined },
): Promise<void> {
  ctx.reporter.step(
    `Creating ${record.name} with ${interpreter.info.implementation_display} ${interpreter.info.version}`,
  );
  const layout = await withSpan(
    ctx.reporter,
    "virtualenv",
    record.name,
    () =>
      createVirtualenv(staging, interpreter, {
        prompt: record.name,
        creatorVersion: ctx.creatorVersion,
        finalRoot: record.path,
      }),
  );
  ctx.reporter.done();
  await failpoint("create.after-staging");
  throwIfInterrupted(ctx.signal);
  const target: BackendTarget = { layout, interpreter };
  if (what.seed) ctx.reporter.step("Seeding pip");
  await backend.create(target, what.seed, backendCall(ctx));
  ctx.reporter.done();
  // What is written while populating names the staging directory, not the final path.
  await what.populate?.({ ...record, path: staging }, backend, target);
  throwIfInterrupted(ctx.signal);
  // Installers (and pip's seeding) wrote the staging path into script shebangs and `.pth`
  // files: make them name the final path (the activation scripts already do).
  await relocateVirtualenv(staging, { oldRoot: staging, newRoot: record.path, activators: false });
  record.packages = await snapshotPackages(backend, target);
}
