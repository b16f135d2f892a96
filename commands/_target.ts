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
  isValidEnvironmentName,
  loadRegistry,
  readRegistry,
  requireLayout,
  touchEnvironment,
} from "../lib/environments/mod.ts";
import { EnvironmentNotFoundError, UsageError } from "../lib/errors/mod.ts";
import { closestNames, formatAlternatives } from "../lib/names/mod.ts";
import { resolveHome } from "../lib/paths/mod.ts";

/** The environment name and the positional arguments left for the command. */
export interface Target {
  env: string;
  args: string[];
}

/**
 * Resolves the target environment of a package command.
 *
 * In the older form, a first word that is not an environment but is close to one (see
 * `closestNames`: edit distance at most 2, or a prefix of at least 3 characters) is refused
 * rather than silently taken as a package: `install monap six` with `monapp` registered fails
 * with "`monap` is not an environment; did you mean `monapp`?". `--env` always wins.
 *
 * @param legacyNeedsMore When true, the older form needs at least one argument after the
 *   environment name (or a file option), so `install flask` never treats `flask` as the env.
 * @throws {UsageError} When no environment can be determined, or the first word looks like a
 *   misspelt environment.
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
    // `install monap six` where `monapp` exists: a typo of the environment, not a package.
    const close = isValidEnvironmentName(first)
      ? closestNames(first, registry.environments.keys())
      : [];
    if (close.length > 0) {
      throw new UsageError(
        `\`${first}\` is not an environment; did you mean ${formatAlternatives(close)}?`,
        {
          hint: `Run \`gestvenv ${options.command} ${[close[0], ...args.slice(1)].join(" ")}\`; ` +
            `to ${options.command} a package named \`${first}\`, name the environment with ` +
            `\`--env NAME\``,
        },
      );
    }
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

/**
 * An `EnvironmentNotFoundError` whose hint names the registered environments close to the missing
 * one (`Did you mean \`monapp\`?`); any other error, or one with no close name, is returned as
 * it is. Reads the registry without repairing it; a registry that cannot be read adds nothing.
 */
export async function withEnvironmentSuggestions(error: unknown): Promise<unknown> {
  if (!(error instanceof EnvironmentNotFoundError)) return error;
  const registry = await readRegistry(resolveHome().registryFile).catch(() => undefined);
  const close = closestNames(error.environment, registry?.environments.keys() ?? []);
  if (close.length === 0) return error;
  const better = new EnvironmentNotFoundError(error.environment, {
    hint: `Did you mean ${formatAlternatives(close)}? (\`gestvenv list\` shows every environment)`,
    cause: error.cause,
  });
  if (error.stack !== undefined) better.stack = error.stack;
  return better;
}
