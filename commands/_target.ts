/**
 * Which environment a package command acts on: `--env NAME`, else the spec's older
 * `COMMAND NAME PKG...` form when NAME is a registered environment, else the active gestvenv
 * environment (`VIRTUAL_ENV`), else an error.
 *
 * @module
 */
import {
  activeEnvironment,
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  loadRegistry,
  requireLayout,
  touchEnvironment,
} from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";

/** The environment name and the positional arguments left for the command. */
export interface Target {
  env: string;
  args: string[];
}

/**
 * Resolves the target environment of a package command.
 *
 * @param legacyNeedsMore When true, the older form needs at least one argument after the
 *   environment name (or a file option), so `install flask` never treats `flask` as the env.
 * @throws {UsageError} When no environment can be determined.
 */
export async function resolveTarget(
  ctx: EnvironmentContext,
  envFlag: string | undefined,
  args: string[],
  options: { legacyNeedsMore: boolean; command: string },
): Promise<Target> {
  if (envFlag !== undefined) return { env: envFlag, args };
  const first = args[0];
  if (first !== undefined && (!options.legacyNeedsMore || args.length > 1)) {
    const registry = await loadRegistry(ctx);
    if (registry.environments.has(first)) return { env: first, args: args.slice(1) };
  }
  const active = await activeEnvironment(ctx);
  if (active !== undefined) return { env: active.name, args };
  throw new UsageError(`No environment given for \`${options.command}\``, {
    hint: `Pass \`--env NAME\`, or activate one with \`gestvenv activate NAME\``,
  });
}

/**
 * The record of an environment about to be used by `run`, `shell` or `activate`: it must exist
 * and be a working environment, and it is marked as used now.
 *
 * @throws {EnvironmentNotFoundError | OperationError} When it is missing or broken.
 */
export async function useEnvironment(
  ctx: EnvironmentContext,
  name: string,
): Promise<EnvironmentRecord> {
  const record = await getEnvironment(ctx, name);
  await requireLayout(record);
  await touchEnvironment(ctx, name);
  return record;
}
