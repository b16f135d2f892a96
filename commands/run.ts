import { Command } from "@commander-js/extra-typings";
import { getEnvironment, openEnvironment, touchEnvironment } from "../lib/environments/mod.ts";
import { OperationError, UsageError } from "../lib/errors/mod.ts";
import { buildContext, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";
import { runInEnvironment } from "./_spawn_in_env.ts";

/** Exit status of the last `run`, read by `runCli`. */
export const runState = { exitCode: 0 };

/** `gestvenv run NAME CMD...`: runs a program inside an environment. */
export function runCommand() {
  return new Command("run")
    .description(
      "Run a command inside an environment; its exit code is passed through and signals forwarded",
    )
    .argument("<name>", "environment name")
    .argument("<command...>", "program and its arguments (put `--` before options meant for it)")
    .addHelpText(
      "after",
      examples([
        ["gestvenv run web python app.py", "a script"],
        ["gestvenv run web pytest -x", "a console script of the environment"],
        ['gestvenv run web -- python -c "import flask"', "with `--` before the program's options"],
      ]),
    )
    .action(async (name, command, _opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const env = ctx.environments();
      const record = await getEnvironment(env, name);
      await openEnvironment(env, record);
      const [program, ...args] = command;
      if (program === undefined) {
        throw new UsageError("No command given to run", { hint: `gestvenv run ${name} python` });
      }
      await touchEnvironment(env, name);
      try {
        runState.exitCode = await runInEnvironment(record, program, args);
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
    });
}
