import { buildCommand } from "npm:@stricli/core@1.3.0";
import { OperationError } from "../lib/errors/mod.ts";
import { useEnvironment } from "./_target.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, firstArgumentEnvironmentNames } from "./_help.ts";
import { runInEnvironment, runPreRunHook, runShellLine } from "./_spawn_in_env.ts";
import { autoSyncBeforeRun } from "./_project.ts";

/** `gestvenv run NAME CMD...`: runs a program inside an environment. */
export const runCommand = buildCommand<GlobalFlags, [string, string, ...string[]], CliContext>({
  docs: {
    brief:
      "Run a command inside an environment; its exit code is passed through, signals forwarded",
    fullDescription: "Everything after NAME belongs to the command.\n\n" + examples([
      ["gestvenv run web python app.py", "a script"],
      ["gestvenv run web pytest -x", "a console script of the environment"],
      ['gestvenv run web python -c "import flask"', "options go to the command"],
    ]) +
      "\nWhen the command is the name of a script of the project here ([scripts] of .gestvenv.toml," +
      "\n[tool.gestvenv.scripts]) and not a path, that script runs, as `run-script` does." +
      "\nThe environment's `hooks.pre_run` (config set-env) runs first; if it fails, nothing runs." +
      "\nWith `auto_sync = true` (.gestvenv.toml or [tool.gestvenv] of the environment's project)," +
      "\nthe environment is synced first when pyproject.toml or pylock.toml changed since its last" +
      "\nsync.",
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: {
        brief: "Environment name, then the program and its arguments",
        parse: String,
        placeholder: "name command",
        proposeCompletions: firstArgumentEnvironmentNames("run"),
      },
      minimum: 2,
    },
  },
  func: action(
    "run",
    async (ctx, _flags: GlobalFlags, name: string, program: string, ...args: string[]) => {
      const env = ctx.environments();
      let record = await useEnvironment(env, name);
      record = await autoSyncBeforeRun(ctx, record);
      // `gestvenv run ENV test`: a project script of that name (spec 001), run as run-script does.
      const script = /[\\/]/.test(program) ? undefined : ctx.project?.scripts.get(program);
      await runPreRunHook(ctx.hooks, record, script === undefined ? undefined : ctx.project!.root);
      if (script !== undefined) {
        ctx.printer.info(`Running script \`${program}\` in \`${name}\`: ${script}`);
        return await runShellLine(record, script, args, { cwd: ctx.project!.root });
      }
      try {
        return await runInEnvironment(record, program, args);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          throw new OperationError(
            `\`${program}\` was not found in \`${name}\` or on PATH`,
            "command_not_found",
            {
              hint:
                `Install the package that provides it: \`gestvenv install PACKAGE --env ${name}\``,
            },
          );
        }
        throw error;
      }
    },
    { effect: "runs" },
  ),
});
