/**
 * Which project and environment a project command works on: `--env NAME` (its binding, else the
 * project here), or the environment bound to the project here.
 *
 * @module
 */
import type { EnvironmentContext, EnvironmentRecord } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import type { CommandContext } from "./_context.ts";

/** A project and the environment bound to it. */
export interface ProjectTarget {
  /** The environment's name. */
  name: string;
  /** Its record. */
  record: EnvironmentRecord;
  /** The project directory (holding pyproject.toml). */
  root: string;
}

/**
 * The environment `--env` names (and its project: its binding, else the project in the current
 * directory), or without `--env` the environment bound to the project in the current directory.
 * @throws {UsageError} (exit 2) when there is no project or no bound environment.
 * @throws {EnvironmentNotFoundError} when `--env` names no environment.
 */
export async function projectTarget(
  env: EnvironmentContext,
  given: string | undefined,
): Promise<ProjectTarget> {
  const { findProjectRoot, projectEnvironment } = await import("../lib/packages/mod.ts");
  const { getEnvironment } = await import("../lib/environments/mod.ts");
  if (given === undefined) {
    const { name, root } = await projectEnvironment(env, Deno.cwd());
    return { name, root, record: await getEnvironment(env, name) };
  }
  const record = await getEnvironment(env, given);
  const root = record.project?.path ?? await findProjectRoot(Deno.cwd());
  if (root === undefined) {
    throw new UsageError(`\`${given}\` is bound to no project, and there is none here`, {
      hint: "Run it in the project's directory, or create the environment with " +
        "`gestvenv create-from-pyproject`",
    });
  }
  return { name: given, record, root };
}

/**
 * `auto_sync`: before running something in a project's environment, syncs it when its project
 * changed since the last sync and `auto_sync` is on (see `needsAutoSync`), saying so on stderr.
 * Returns the record to run with (the updated one after a sync).
 */
export async function autoSyncBeforeRun(
  ctx: CommandContext,
  record: EnvironmentRecord,
): Promise<EnvironmentRecord> {
  if (record.project === undefined) return record;
  // Loaded only for a project's environment: plain runs stay fast to start.
  const { needsAutoSync, syncProject } = await import("../lib/packages/mod.ts");
  const env = ctx.environments();
  if (!(await needsAutoSync(env, record))) return record;
  ctx.printer.info(
    `Syncing \`${record.name}\` first: ${record.project.path} changed since its last sync (auto_sync)`,
  );
  const synced = await syncProject(env, record.name);
  ctx.printer.success(
    `\`${record.name}\` matches its project: ${synced.record.packages.length} distributions` +
      (synced.plan.install.length > 0 ? `, installed ${synced.plan.install.length}` : "") +
      (synced.plan.remove.length > 0
        ? `, removed ${synced.plan.remove.map((r) => r.name).join(", ")}`
        : ""),
  );
  return synced.record;
}
