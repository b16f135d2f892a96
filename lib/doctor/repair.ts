/**
 * `doctor --fix` and `repair`: each fix is a function keyed by the check it answers, applied under
 * the environment's lock and verified by running the checks again. Distributions are reinstalled
 * through the installer from the environment's `pylock.toml` (from the cache when it holds the
 * files: no network then); nothing gestvenv did not create is deleted.
 *
 * @module
 */
import {
  applyCleanup,
  changeRegistry,
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  openEnvironment,
  planCleanup,
  recordInstalled,
  withEnvironmentLock,
} from "../environments/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { shebangFor } from "../installer/mod.ts";
import { installFromLock, readEnvironmentLock } from "../packages/mod.ts";
import { dirname } from "../paths/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import { formatPyvenvCfg, readPyvenvCfg } from "../virtualenv/mod.ts";
import type { DoctorCheck } from "./doctor_check.ts";
import {
  damagedDistributions,
  diagnoseEnvironment,
  type EnvironmentFacts,
  foreignShebangs,
} from "./environment_checks.ts";
import { repairCacheIntegrity } from "./cache_checks.ts";
import { checkRegistry } from "./home_checks.ts";
import { restoreExecuteBits } from "./permission_checks.ts";

/** The check ids a fix exists for, in the order fixes run. */
export const FIXABLE: readonly string[] = [
  "env.interpreter",
  "env.shebangs",
  "env.permissions",
  "env.files",
  "env.dependencies",
  "env.lock",
  "env.lock_extras",
];

/** Options of {@linkcode repairEnvironment}. */
export interface RepairOptions {
  /** Only these check ids are fixed. @default every failing one */
  only?: ReadonlySet<string> | undefined;
  /**
   * Uninstall distributions the lock does not list (`env.lock_extras`); the caller asks first.
   * @default false
   */
  removeExtras?: boolean;
  /**
   * Before reinstalling damaged distributions (`env.files`), remove what is corrupt in the cache
   * (`repairCacheIntegrity`), so a file edited in place through a hard link is not linked again.
   * `doctor --fix` does it once for all environments and passes false. @default true
   */
  repairCache?: boolean;
}

/** What {@linkcode repairEnvironment} did. */
export interface RepairResult {
  /** The findings before (full checks). */
  before: DoctorCheck[];
  /**
   * Fixes applied (or, in a dry run, that would be), by check id (ids fixed by one reinstall are
   * joined by commas), with what was done.
   */
  fixes: Array<{ id: string; action: string }>;
  /** The findings after, from running the checks again (equal to `before` in a dry run). */
  after: DoctorCheck[];
}

const failing = (checks: DoctorCheck[], id: string) =>
  checks.find((c) => c.id === id && (c.severity === "error" || c.severity === "warning"));

/** Re-points the interpreter link at an installed Python with pyvenv.cfg's `major.minor`. */
async function fixInterpreter(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  facts: EnvironmentFacts,
): Promise<string> {
  const layout = facts.layout!;
  const python = await findInterpreter(facts.cfgMinor!, { cacheDir: ctx.home.cacheDir });
  await Deno.remove(layout.python).catch(() => {});
  await Deno.symlink(python.realPath, layout.python);
  const cfg = await readPyvenvCfg(layout.root);
  if (cfg !== undefined && cfg.get("home") !== dirname(python.realPath)) {
    cfg.set("home", dirname(python.realPath));
    await atomicWriteFile(`${layout.root}/pyvenv.cfg`, formatPyvenvCfg(cfg));
  }
  if (!(await Deno.stat(record.python.path).then(() => true, () => false))) {
    await changeRegistry(ctx, (registry) => {
      const current = registry.environments.get(record.name);
      if (current !== undefined) {
        current.python = { ...current.python, path: python.path, version: python.info.version };
      }
    });
  }
  return `${layout.python} → ${python.realPath} (Python ${python.info.version})`;
}

/** Rewrites the shebang of scripts that run a Python outside the environment. */
async function fixShebangs(facts: EnvironmentFacts): Promise<string> {
  const layout = facts.layout!;
  const scripts = await foreignShebangs(layout);
  for (const path of scripts) {
    const text = await Deno.readTextFile(path);
    const lines = text.split("\n");
    const skip = lines[0]!.trim() === "#!/bin/sh" && /^'''exec'/.test(lines[1] ?? "") ? 3 : 1;
    const mode = (await Deno.stat(path)).mode ?? 0o755;
    const body = [shebangFor(layout.python), ...lines.slice(skip)].join("\n");
    await atomicWriteFile(path, body, { mode: mode & 0o7777 });
  }
  return `rewrote ${scripts.length} script(s)`;
}

/**
 * Reinstalls damaged distributions and installs what the lock lists and is missing, through the
 * installer (which fetches and verifies every file before it removes anything); with `exact`,
 * also removes what the lock does not list.
 */
async function fixFromLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  facts: EnvironmentFacts,
  reinstallDamaged: boolean,
  exact: boolean,
): Promise<string | undefined> {
  const lock = await readEnvironmentLock(record);
  if (lock === undefined) return undefined;
  const layout = facts.layout!;
  const locked = new Set(lock.packages.map((p) => p.name));
  const damaged = reinstallDamaged
    ? (await damagedDistributions(layout)).map((d) => d.name).filter((n) => locked.has(n))
    : [];
  const { backend, target } = await openEnvironment(ctx, record);
  // Damaged ones are installed again by the installer: the old files go only once the new ones
  // are fetched and verified, so a repair without the files leaves them as they were.
  const plan = await installFromLock(ctx, record, backend, target, lock, exact, {
    writeLock: false,
    reinstall: new Set(damaged),
  });
  await recordInstalled(ctx, record, backend, target, (reqs) => reqs);
  const parts = [];
  if (damaged.length > 0) parts.push(`reinstalled ${damaged.join(", ")}`);
  const added = plan.install.map((p) => p.name).filter((n) => !damaged.includes(n));
  if (added.length > 0) parts.push(`installed ${added.join(", ")}`);
  if (plan.remove.length > 0) parts.push(`removed ${plan.remove.map((r) => r.name).join(", ")}`);
  return parts.length === 0 ? "nothing to install" : parts.join("; ");
}

/**
 * Fixes what the checks of environment `name` find (all fixable failures, or `only` those ids),
 * under the environment's lock, then runs the checks again. In a dry run (`ctx.dryRun`), lists
 * the fixes it would apply and changes nothing.
 * @throws {EnvironmentNotFoundError} when the environment does not exist.
 * @throws {NetworkError | ArtifactMismatchError} when a file to reinstall is neither in the cache
 *   nor reachable, or does not match the lock.
 */
export async function repairEnvironment(
  ctx: EnvironmentContext,
  name: string,
  options: RepairOptions = {},
): Promise<RepairResult> {
  const wanted = (checks: DoctorCheck[], id: string) =>
    (options.only === undefined || options.only.has(id)) && failing(checks, id) !== undefined &&
    (id !== "env.lock_extras" || options.removeExtras === true);
  if (ctx.dryRun) {
    const record = await getEnvironment(ctx, name);
    const before = await diagnoseEnvironment(ctx, record, { full: true });
    const fixes = FIXABLE.filter((id) =>
      wanted(before, id) && failing(before, id)!.fix?.auto !== undefined
    ).map((id) => ({
      id,
      action: failing(before, id)!.fix?.auto ?? "",
    }));
    return { before, fixes, after: before };
  }
  return await withEnvironmentLock(ctx, name, async () => {
    const record = await getEnvironment(ctx, name);
    let facts: EnvironmentFacts = {};
    const before = await diagnoseEnvironment(ctx, record, { full: true }, facts);
    let current = before;
    const fixes: RepairResult["fixes"] = [];
    const rerun = async () => {
      facts = {};
      current = await diagnoseEnvironment(ctx, record, { full: true }, facts);
    };
    if (wanted(current, "env.interpreter")) {
      fixes.push({ id: "env.interpreter", action: await fixInterpreter(ctx, record, facts) });
      await rerun();
    }
    if (wanted(current, "env.shebangs")) {
      fixes.push({ id: "env.shebangs", action: await fixShebangs(facts) });
      await rerun();
    }
    if (wanted(current, "env.permissions") && failing(current, "env.permissions")!.fix?.auto) {
      const changed = await restoreExecuteBits(facts.layout!);
      fixes.push({
        id: "env.permissions",
        action: `restored the execute bit of ${changed.length} script(s)`,
      });
      await rerun();
    }
    const fromLock = ["env.files", "env.dependencies", "env.lock", "env.lock_extras"]
      .filter((id) => wanted(current, id));
    if (fromLock.length > 0 && facts.interpreter !== undefined) {
      if (fromLock.includes("env.files") && (options.repairCache ?? true)) {
        const cache = await repairCacheIntegrity(ctx.home.cacheDir, { signal: ctx.signal });
        if (cache.removed.length > 0) {
          fixes.push({
            id: "cache.integrity",
            action: `removed ${cache.removed.length} corrupt cache entr(ies)`,
          });
        }
      }
      const action = await fixFromLock(
        ctx,
        record,
        facts,
        fromLock.includes("env.files"),
        fromLock.includes("env.lock_extras"),
      );
      if (action !== undefined) { for (const id of fromLock) fixes.push({ id, action }); }
      await rerun();
    }
    return { before, fixes, after: current };
  });
}

/** What {@linkcode repairRegistry} did. */
export interface RegistryRepair {
  /** What was done, in words. */
  actions: string[];
  /** The registry findings after (from running the check again). */
  after: DoctorCheck[];
}

/**
 * Reconciles the registry with the disk as `cleanup --orphaned` does (adopt complete environments
 * gestvenv made, finish or undo interrupted operations, remove abandoned staging leftovers, drop
 * entries whose directory is gone), then checks again. Nothing without gestvenv's marker is
 * deleted. In a dry run, lists what it would do.
 */
export async function repairRegistry(ctx: EnvironmentContext): Promise<RegistryRepair> {
  const plan = await planCleanup(ctx, { orphaned: true });
  if (ctx.dryRun) {
    return { actions: plan.actions.map((a) => a.detail), after: await checkRegistry(ctx) };
  }
  const report = await applyCleanup(ctx, plan);
  return {
    actions: [...report.done.map((a) => a.detail), ...report.recovered.map((r) => r.message)],
    after: await checkRegistry(ctx),
  };
}
