import { buildCommand } from "npm:@stricli/core@1.3.0";
import { boundEnvironment } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { useEnvironment } from "./_target.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentFlag, examples } from "./_help.ts";
import { runPreRunHook, runShellLine } from "./_spawn_in_env.ts";
import { autoSyncBeforeRun } from "./_project.ts";

interface RunScriptFlags extends GlobalFlags {
  readonly env?: string;
}

/**
 * `gestvenv run-script NAME [ARGS...]`: runs a script of the project (`[scripts]` of
 * `.gestvenv.toml`, `[tool.gestvenv.scripts]` of pyproject.toml) inside its environment, from
 * the project directory. Without NAME, lists the scripts.
 */
export const runScriptCommand = buildCommand<RunScriptFlags, string[], CliContext>({
  docs: {
    brief: "Run a project script ([scripts] of .gestvenv.toml) in the project's environment",
    fullDescription: examples([
      ["gestvenv run-script test", 'runs `test = "pytest tests/"` in the bound environment'],
      ["gestvenv run-script test -k slow", "extra arguments are appended"],
      ["gestvenv run-script lint --env ci", "in another environment"],
      ["gestvenv run-script", "lists the scripts"],
    ]) +
      "\nScripts run through the shell (`sh -c`) from the project directory, with the environment" +
      "\nactivated (its bin/ first on PATH). The environment is --env, else the one the project" +
      '\nnames (`environment = "…"`), else the one made from it by create-from-pyproject.' +
      "\n`gestvenv run ENV NAME` also runs a script when NAME is one.",
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, env: environmentFlag("Environment (default: the project's)") },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: {
        brief: "Script name, then its extra arguments",
        parse: String,
        placeholder: "script",
      },
    },
  },
  func: action(
    "run-script",
    async (ctx, flags: RunScriptFlags, ...words: string[]) => {
      const project = ctx.project;
      const scripts = project?.scripts ?? new Map<string, string>();
      const [name, ...args] = words;
      if (name === undefined) {
        const format = formatFor(ctx, ["table", "json"], "table");
        if (format === "json") {
          ctx.printer.json("run-script", {
            project: project?.root ?? null,
            scripts: Object.fromEntries(scripts),
          });
        } else if (scripts.size === 0) {
          ctx.printer.info(
            project === undefined
              ? "No project here (no pyproject.toml or .gestvenv.toml up to the repository root)"
              : `The project at ${project.root} declares no scripts`,
          );
        } else {
          await ctx.printer.table(["Script", "Command"], [...scripts]);
        }
        return 0;
      }
      const line = scripts.get(name);
      if (line === undefined) {
        throw new UsageError(
          project === undefined
            ? `No project here, so no script \`${name}\``
            : `The project at ${project.root} has no script \`${name}\``,
          {
            hint: scripts.size > 0
              ? `Its scripts: ${[...scripts.keys()].join(", ")}`
              : 'Declare it in .gestvenv.toml: `[scripts]` then `test = "pytest tests/"`',
          },
        );
      }
      const env = ctx.environments();
      const target = flags.env ?? (await boundEnvironment(env, project!))?.name;
      if (target === undefined) {
        throw new UsageError(`No environment is bound to the project at ${project!.root}`, {
          hint: "Pass --env NAME, create one with `gestvenv create-from-pyproject NAME`, or " +
            'name one in .gestvenv.toml: `environment = "NAME"`',
        });
      }
      const record = await autoSyncBeforeRun(ctx, await useEnvironment(env, target));
      await runPreRunHook(ctx.hooks, record, project!.root);
      ctx.printer.info(`Running \`${name}\` in \`${target}\`: ${line}`);
      return await runShellLine(record, line, args, { cwd: project!.root });
    },
    { effect: "runs" },
  ),
});
