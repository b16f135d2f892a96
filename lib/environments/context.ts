import { join } from "../paths/mod.ts";
import {
  type AnyBackend,
  type BackendCallOptions,
  type BackendTarget,
  findUv,
  selectBackend,
} from "../backends/mod.ts";
import { type BackendChoice, httpTimeouts, type ResolvedSettings } from "../config/mod.ts";
import { decideIndexes } from "../index/mod.ts";
import {
  BackendError,
  DryRunViolationError,
  EnvironmentNotFoundError,
  OperationError,
} from "../errors/mod.ts";
import { describeLockHolder, failpoint, type FileLockOptions, withFileLock } from "../fs/mod.ts";
import type { HomeLayout } from "../paths/mod.ts";
import { type Reporter, withSpan } from "../events/mod.ts";
import { type Interpreter, queryInterpreter } from "../python/mod.ts";
import { inspectVirtualenv, type VirtualenvLayout } from "../virtualenv/mod.ts";
import type { EnvironmentRecord, PackagePin } from "./environment_record.ts";
import type { LifecycleListener } from "./lifecycle.ts";
import { readRegistry, type Registry, updateRegistry } from "./registry.ts";

/** Everything environment operations need: where things are, settings, and a reporter. */
export interface EnvironmentContext {
  /** gestvenv's home layout. */
  home: HomeLayout;
  /**
   * The command's settings, resolved once, each with its source. A `--backend` flag (source
   * `flag`) beats an existing environment's own backend; other sources only choose the backend
   * of new environments.
   */
  settings: ResolvedSettings;
  /** gestvenv's version (written into `pyvenv.cfg`). */
  creatorVersion: string;
  /** Progress sink. */
  reporter: Reporter;
  /**
   * The command line this operation runs for (credentials removed), recorded in the locks it
   * holds so that a waiting command can say who holds them. @default "gestvenv (library)"
   */
  command?: string | undefined;
  /** Aborted with reason `"SIGINT"` or `"SIGTERM"` when the user interrupts the command. */
  signal?: AbortSignal | undefined;
  /**
   * `--dry-run`: nothing may change. Operations describe their plan instead, and every step that
   * would change something (the registry, the journal, a backend install, a lock file) refuses
   * with `DryRunViolationError` ({@linkcode assertMayChange}), so no command can forget it.
   */
  dryRun?: boolean | undefined;
  /**
   * How deep this operation is nested in source builds (a build environment's resolution reading
   * an sdist's metadata builds it in another build environment, ...). @default 0
   */
  buildDepth?: number | undefined;
  /**
   * Awaited at each lifecycle point of an environment (`lifecycle.ts`: `pre-install` once the
   * plan's files are fetched and verified and before the lock or any environment file is written,
   * `post-install` after, ...). A `pre-*` listener refuses the operation by throwing. Policies,
   * strict-mode audits and hooks listen here. Build environments never emit.
   */
  lifecycle?: LifecycleListener | undefined;
  /**
   * Judges the plan of a `--dry-run` (`pre-install` events with `dryRun: true`, see
   * `judgeDryRun`): policies and strict mode only, never hooks, nothing written. A refusal
   * throws, so the dry run exits as the real run would.
   */
  judgePlan?: LifecycleListener | undefined;
}

/**
 * The one guard of `--dry-run`: throws when `ctx` is a dry run. Every step that changes
 * something calls it (registry, journal, backend installs, lock files).
 *
 * @throws {DryRunViolationError} In a dry run.
 */
export function assertMayChange(ctx: EnvironmentContext, what: string): void {
  if (ctx.dryRun) throw new DryRunViolationError(what);
}

/** The registry lock and environment lock options for `ctx`. */
export function lockOptions(ctx: EnvironmentContext, label: string): FileLockOptions {
  return {
    timeoutMs: ctx.settings.lockTimeoutMs.value,
    holder: { command: ctx.command ?? "gestvenv (library)" },
    label,
    signal: ctx.signal,
    onWait: (holder) =>
      ctx.reporter.warn(`Waiting for ${label}: it is held by ${describeLockHolder(holder)}`),
  };
}

/**
 * Reads the registry for `ctx`: a damaged file is repaired and invalid entries are skipped, each
 * reported through `ctx.reporter.warn`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   type EnvironmentContext,
 *   loadRegistry,
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
 * // A home with no registry yet has no environments (and nothing is created by reading).
 * assert.equal((await loadRegistry(ctx)).environments.size, 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadRegistry(ctx: EnvironmentContext): Promise<Registry> {
  return await readRegistry(ctx.home.registryFile, {
    onNotice: ctx.reporter.warn,
    lock: lockOptions(ctx, "the environment registry"),
  });
}

/**
 * Changes the registry under its lock, re-reading it first (see `updateRegistry`).
 *
 * @throws {LockTimeoutError} When the registry stays locked past the lock timeout.
 */
export async function changeRegistry<T>(
  ctx: EnvironmentContext,
  change: (registry: Registry) => T,
): Promise<T> {
  assertMayChange(ctx, "change the registry");
  return await withSpan(
    ctx.reporter,
    "registry",
    undefined,
    () =>
      updateRegistry(ctx.home.registryFile, change, {
        onNotice: ctx.reporter.warn,
        lock: lockOptions(ctx, "the environment registry"),
      }),
  );
}

/**
 * The registry record of `name`.
 *
 * @throws {EnvironmentNotFoundError} When no environment has that name.
 */
export async function getEnvironment(
  ctx: EnvironmentContext,
  name: string,
): Promise<EnvironmentRecord> {
  const record = (await loadRegistry(ctx)).environments.get(name);
  if (record === undefined) throw new EnvironmentNotFoundError(name);
  return record;
}

/** The lock file of environment `name`: `<home>/locks/<name>.lock`. */
export function environmentLockFile(ctx: EnvironmentContext, name: string): string {
  return join(ctx.home.locksDir, `${name}.lock`);
}

/**
 * Runs `fn` holding the exclusive locks of the named environments, taken in sorted order so two
 * commands locking the same pair never deadlock. Prefer `withEnvironmentLock` (which also
 * finishes or undoes what a killed command left behind); this is the bare locking.
 *
 * @throws {LockTimeoutError} When a lock stays busy past the lock timeout.
 */
export async function lockEnvironments<T>(
  ctx: EnvironmentContext,
  names: readonly string[],
  fn: () => Promise<T>,
): Promise<T> {
  const sorted = [...new Set(names)].sort();
  const take = async (i: number): Promise<T> => {
    if (i === sorted.length) {
      await failpoint("env-lock.held");
      return await fn();
    }
    const name = sorted[i]!;
    return await withFileLock(
      environmentLockFile(ctx, name),
      () => take(i + 1),
      lockOptions(ctx, `environment \`${name}\``),
    );
  };
  return await take(0);
}

/**
 * The layout of a registered environment, checked to exist on disk. This is all `run`, `shell`
 * and `activate` need; it reads one `pyvenv.cfg` and one `lib/` listing.
 *
 * @throws {OperationError} `environment_broken` when the directory or its `pyvenv.cfg` is gone.
 */
export async function requireLayout(record: EnvironmentRecord): Promise<VirtualenvLayout> {
  const layout = await inspectVirtualenv(record.path);
  if (layout === undefined) {
    throw new OperationError(
      `The environment \`${record.name}\` is registered but ${record.path} is not an environment`,
      "environment_broken",
      { hint: "Run `gestvenv cleanup --orphaned` to see what is wrong and how to fix it" },
    );
  }
  return layout;
}

/**
 * The backend for `choice`; when it is unavailable (uv not found) and `fallback_backend` (or
 * `GESTVENV_FALLBACK_BACKEND`) names another, that one, with a warning.
 *
 * @throws {BackendError} When the backend is unavailable and no fallback is configured.
 */
export async function selectBackendWithFallback(
  ctx: EnvironmentContext,
  choice: BackendChoice,
): Promise<AnyBackend> {
  try {
    return await selectBackend(choice, ctx.settings.uvPath.value);
  } catch (error) {
    const fallback = ctx.settings.fallbackBackend?.value;
    if (!(error instanceof BackendError) || fallback === undefined || fallback === choice) {
      throw error;
    }
    ctx.reporter.warn(
      `The ${choice} backend is unavailable (${error.message}); using ${fallback} ` +
        `(${ctx.settings.fallbackBackend.origin})`,
    );
    return await selectBackend(fallback, ctx.settings.uvPath.value);
  }
}

/**
 * The backend and target for an existing environment: `--backend` if given (a setting whose
 * source is a flag), else the one the environment was created with (a uv environment falls back
 * to the native installer when uv is gone).
 *
 * @throws {OperationError} `environment_broken` when the directory or its `pyvenv.cfg` is gone,
 *   or its interpreter is.
 */
export async function openEnvironment(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
): Promise<{ backend: AnyBackend; target: BackendTarget }> {
  const layout = await requireLayout(record);
  const explicit = ctx.settings.backend.source === "flag";
  let choice: BackendChoice = explicit ? ctx.settings.backend.value : record.backend;
  if (!explicit && choice === "uv" && await findUv(ctx.settings.uvPath.value) === undefined) {
    // `fallback_backend` names the replacement; gestvenv's installer otherwise.
    const fallback = ctx.settings.fallbackBackend?.value ?? "native";
    ctx.reporter.warn(
      `uv was not found; using ${
        fallback === "native" ? "gestvenv's installer" : fallback
      } for \`${record.name}\``,
    );
    choice = fallback;
  }
  const backend = await selectBackendWithFallback(ctx, choice);
  let interpreter: Interpreter;
  try {
    const { realPath, info } = await queryInterpreter(record.python.path, {
      cacheDir: ctx.home.cacheDir,
    });
    interpreter = { path: record.python.path, realPath, source: "registry", info };
  } catch (error) {
    throw new OperationError(
      `The interpreter of \`${record.name}\` (${record.python.path}) is gone`,
      "environment_broken",
      {
        cause: error,
        hint:
          `Recreate it with another interpreter: \`gestvenv clone ${record.name} NEW --python VERSION\``,
      },
    );
  }
  return {
    backend: ctx.dryRun ? dryRunBackend(backend) : backend,
    target: { layout, interpreter },
  };
}

/** A backend whose changing calls refuse. */
function dryRunBackend(backend: AnyBackend): AnyBackend {
  const refuse = (what: string) => Promise.reject(new DryRunViolationError(what));
  const inspect = {
    create: () => refuse("prepare the environment"),
    uninstall: () => refuse("uninstall packages"),
    listInstalled: (target: BackendTarget) => backend.listInstalled(target),
    freeze: (target: BackendTarget) => backend.freeze(target),
  };
  if (backend.name === "native") return { name: "native", ...inspect };
  return { name: backend.name, ...inspect, install: () => refuse("install packages") };
}

/**
 * The options of every backend call of `ctx`: the decided indexes, timeouts, output streaming,
 * interrupts.
 */
export function backendCall(ctx: EnvironmentContext): BackendCallOptions {
  return {
    index: decideIndexes(ctx.settings),
    http: httpTimeouts(ctx.settings),
    onOutput: ctx.reporter.output,
    signal: ctx.signal,
  };
}

/** Reads back what is installed, as registry pins. */
export async function snapshotPackages(
  backend: AnyBackend,
  target: BackendTarget,
): Promise<PackagePin[]> {
  return (await backend.listInstalled(target)).map((d) => ({ name: d.name, version: d.version }));
}

/** Current time as ISO 8601. */
export function now(): string {
  return new Date().toISOString();
}

/**
 * Stores what is installed in `target` into the environment's registry record, under the
 * registry lock and re-reading the record so concurrent changes are kept; `editRequirements`
 * rewrites the recorded requirements. `installed` spares reading site-packages again when the
 * caller has just read it and changed nothing. Returns the updated record.
 */
export async function recordInstalled(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  backend: AnyBackend,
  target: BackendTarget,
  editRequirements: (reqs: string[]) => string[],
  installed?: ReadonlyArray<{ name: string; version: string }>,
): Promise<EnvironmentRecord> {
  const packages = installed === undefined
    ? await snapshotPackages(backend, target)
    : installed.map((d) => ({ name: d.name, version: d.version }));
  return await changeRegistry(ctx, (registry) => {
    const current = registry.environments.get(record.name) ?? record;
    current.packages = packages;
    current.requirements = editRequirements(current.requirements);
    current.last_used_at = now();
    registry.environments.set(record.name, current);
    return current;
  });
}
