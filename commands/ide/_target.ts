/**
 * Which project and environment `ide vscode|pycharm` configure: `--project DIR` (else the
 * project around the current directory, else the current directory), and ENV (else the
 * environment bound to that project, else the active one).
 *
 * @module
 */
import {
  activeEnvironment,
  type EnvironmentRecord,
  getEnvironment,
} from "../../lib/environments/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import { absolute } from "../../lib/paths/mod.ts";
import {
  type CommandContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { completeEnvironmentNames, optionalText } from "../_help.ts";

/** The flags of `ide vscode` and `ide pycharm`. */
export interface IdeFlags extends GlobalFlags {
  readonly project?: string;
}

/** The parameters `ide vscode` and `ide pycharm` share: `[ENV] [--project DIR]`. */
export const IDE_PARAMETERS = {
  flags: {
    ...GLOBAL_FLAGS,
    project: optionalText("The project directory (default: the project here, else here)", "dir"),
  },
  aliases: GLOBAL_ALIASES,
  positional: {
    kind: "tuple",
    parameters: [{
      brief: "Environment (default: the project's, else the active one)",
      parse: String,
      placeholder: "env",
      optional: true,
      proposeCompletions: completeEnvironmentNames,
    }],
  },
} as const;

/** The project directory of an `ide` command: `--project`, the enclosing project, or here. */
export async function ideProjectDir(given: string | undefined): Promise<string> {
  if (given !== undefined) {
    const dir = absolute(given);
    const isDir = await Deno.stat(dir).then((s) => s.isDirectory, () => false);
    if (!isDir) {
      throw new UsageError(`--project ${given}: ${dir} is not a directory`, {
        hint: "Give the project's directory",
      });
    }
    return dir;
  }
  const { findProjectRoot } = await import("../../lib/packages/mod.ts");
  return await findProjectRoot(Deno.cwd()) ?? Deno.cwd();
}

/**
 * The environment to configure: ENV, else the one bound to the project in `projectDir`, else the
 * active one (`VIRTUAL_ENV`).
 *
 * @throws {EnvironmentNotFoundError} When ENV names no environment.
 * @throws {UsageError} When none is named, bound or active.
 */
export async function ideEnvironment(
  ctx: CommandContext,
  given: string | undefined,
  projectDir: string,
  command: string,
): Promise<EnvironmentRecord> {
  const env = ctx.environments();
  if (given !== undefined) return await getEnvironment(env, given);
  const { projectEnvironment } = await import("../../lib/packages/mod.ts");
  let bound: string | undefined;
  try {
    bound = (await projectEnvironment(env, projectDir)).name;
  } catch (error) {
    // No project, or none bound: the active environment, if any.
    if (!(error instanceof UsageError)) throw error;
  }
  if (bound !== undefined) return await getEnvironment(env, bound);
  const active = await activeEnvironment(env);
  if (active !== undefined) return active;
  throw new UsageError(
    `No environment given for \`gestvenv ${command}\`, none is bound to a project in ` +
      `${projectDir} and none is active`,
    {
      hint: `Name it (\`gestvenv ${command} NAME\`), bind one to the project, or activate ` +
        "one with `gestvenv activate NAME`",
    },
  );
}
