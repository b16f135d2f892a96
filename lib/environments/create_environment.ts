import { selectBackend } from "../backends/mod.ts";
import { OperationError, UsageError } from "../errors/mod.ts";
import { pathExists } from "../fs/mod.ts";
import { absolute, join } from "../paths/mod.ts";
import { findInterpreter, type Interpreter } from "../python/mod.ts";
import { createVirtualenv } from "../virtualenv/mod.ts";
import { type EnvironmentContext, now, snapshotPackages, withEnvironmentLock } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { validateEnvironmentName } from "./environment_name.ts";
import { readRegistry, updateRegistry } from "./registry.ts";
import { refreshEnvironmentLock } from "./environment_lock.ts";
import { installFromLock } from "./sync_lock.ts";
import type { Pylock } from "../lock/mod.ts";
import { mergeRequirements, requirementLines } from "./requirements_text.ts";

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
 * Creates a named environment: finds the interpreter, creates the PEP 405 environment natively,
 * lets the backend prepare it (and seed pip with `seed`), installs the requested packages, reads
 * back what is installed and registers it. If any step fails, what was made is removed and nothing
 * is registered; an existing directory is never deleted.
 *
 * @throws {UsageError} For an invalid name.
 * @throws {OperationError} `environment_exists` if the name is registered or its directory is
 *   taken; `interpreter_not_found` if no interpreter matches.
 * @throws {BackendError | PackageNotFoundError | NetworkError} When the install fails.
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
  const existing = await readRegistry(ctx.home.registryFile);
  if (existing.environments[name] !== undefined) {
    throw new OperationError(`Environment \`${name}\` already exists`, "environment_exists", {
      hint: `Choose another name, or delete it first with \`gestvenv delete ${name}\``,
    });
  }
  for (const file of files) {
    if (!(await pathExists(file))) {
      throw new OperationError(`Requirements file ${file} does not exist`, "file_not_found", {
        hint: "Check the path given to `-r`",
      });
    }
  }
  const backend = await selectBackend(
    ctx.backendOverride ?? ctx.settings.backend,
    ctx.settings.uvPath,
  );
  const interpreter: Interpreter = await findInterpreter(options.python ?? ctx.settings.python, {
    cacheDir: ctx.home.cacheDir,
  });
  if (options.lock !== undefined && (packages.length > 0 || files.length > 0)) {
    throw new UsageError("A lock cannot be combined with packages or requirement files", {
      hint: "Create from the lock, then `gestvenv install` what else you need",
    });
  }
  const requested = options.lock?.gestvenv?.requirements ?? [...packages];
  for (const file of files) requested.push(...requirementLines(await Deno.readTextFile(file)));
  const timestamp = now();
  const record: EnvironmentRecord = {
    name,
    path,
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
    if (await pathExists(path)) {
      throw new OperationError(
        `A file or directory already exists at ${path}`,
        "environment_exists",
      );
    }
    return { record, dryRun: true };
  }
  const existedBefore = await pathExists(path);
  return await withEnvironmentLock(ctx, name, async () => {
    ctx.reporter.step(
      `Creating ${name} with ${interpreter.info.implementation_display} ${interpreter.info.version}`,
    );
    const layout = await createVirtualenv(path, interpreter, {
      prompt: name,
      creatorVersion: ctx.creatorVersion,
    });
    ctx.reporter.done();
    const target = { layout, interpreter };
    try {
      const call = { index: ctx.settings.index, onOutput: ctx.reporter.output };
      if (options.seed) {
        ctx.reporter.step("Seeding pip");
        await backend.create(target, true, call);
        ctx.reporter.done();
      } else {
        await backend.create(target, false, call);
      }
      if (packages.length > 0 || files.length > 0) {
        ctx.reporter.step(
          `Installing ${
            [...packages, ...files.map((f) => `-r ${f}`)].join(" ")
          } with ${backend.name}`,
        );
        await backend.install(target, {
          requirements: packages,
          requirementFiles: files,
          editables: [],
          upgrade: false,
          dryRun: false,
        }, call);
        ctx.reporter.done();
      }
      if (options.lock !== undefined) {
        await installFromLock(ctx, record, backend, target, options.lock, false);
      } else await refreshEnvironmentLock(ctx, record, target);
      record.packages = await snapshotPackages(backend, target);
      await updateRegistry(ctx.home.registryFile, (doc) => {
        if (doc.environments[name] !== undefined) {
          throw new OperationError(`Environment \`${name}\` already exists`, "environment_exists");
        }
        doc.environments[name] = record;
      });
    } catch (error) {
      ctx.reporter.done();
      if (existedBefore) {
        // An empty directory was there before: remove only what is inside it now.
        for await (const entry of Deno.readDir(path)) {
          await Deno.remove(join(path, entry.name), { recursive: true }).catch(() => {});
        }
      } else {
        await Deno.remove(path, { recursive: true }).catch(() => {});
      }
      throw error;
    }
    return { record, dryRun: false };
  });
}
