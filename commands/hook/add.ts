import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment } from "../../lib/environments/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import {
  addEnvironmentHook,
  addGlobalHook,
  commandOf,
  eventKey,
  HOOK_EVENT_NAMES,
  hookId,
  newHookEntry,
  parseHookEvent,
} from "../../lib/hooks/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { environmentFlag, examples, optionalText, text, toggle } from "../_help.ts";
import { editProjectHooksKeepingTrust, projectHookFile } from "./_project_file.ts";

interface AddFlags extends GlobalFlags {
  readonly env?: string;
  readonly project?: boolean;
  readonly timeout?: number;
  readonly name?: string;
}

/** Parses `--timeout SECONDS`. */
function seconds(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value <= 86_400)) {
    throw new SyntaxError("a number of seconds greater than 0 and at most 86400");
  }
  return value;
}

/**
 * `gestvenv hook add EVENT COMMAND [--env ENV | --project] [--timeout S] [--name NAME]`: a
 * global hook (config.toml `[hooks]`), an environment's (its record) or the project's
 * (`.gestvenv.toml` `[hooks]`).
 */
export const hookAddCommand = buildCommand<AddFlags, [string, string], CliContext>({
  docs: {
    brief: "Add a hook: a command run at an environment event (global, --env or --project)",
    fullDescription: examples([
      ["gestvenv hook add post-create ./scripts/setup-env.sh", "every new environment"],
      ['gestvenv hook add pre-install "./scripts/security-check.sh" --env web', "one environment"],
      ["gestvenv hook add post-sync ./scripts/update-docs.sh --project", "this project's"],
      ['gestvenv hook add pre-delete "./backup.sh" --timeout 300 --name backup', "a name, 5 min"],
    ]) + `\nEvents: ${HOOK_EVENT_NAMES.join(", ")}.` +
      "\nA failing pre-* hook stops the operation before anything changes (exit 1); a failing" +
      "\npost-* hook is reported and its exit code becomes the command's. Project hooks run once" +
      "\nthe project is trusted (`gestvenv hook trust`).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag("The environment whose own hook it is"),
      project: toggle("A hook of the project here (.gestvenv.toml [hooks])"),
      timeout: {
        kind: "parsed",
        parse: seconds,
        brief: "Seconds it may run (default: hooks.timeout, 60)",
        placeholder: "seconds",
        optional: true,
      },
      name: optionalText("A name for people (also accepted by `hook remove`)", "name"),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [
        text("Event (post-create, pre-install, …)", "event"),
        text("Command line", "command"),
      ],
    },
  },
  func: action("hook add", async (ctx, flags: AddFlags, eventText: string, command: string) => {
    const event = parseHookEvent(eventText);
    const entry = newHookEntry(command, { timeoutSeconds: flags.timeout, name: flags.name });
    if (flags.env !== undefined && flags.project) {
      throw new UsageError(
        "A hook is the environment's (--env) or the project's (--project), not both",
        {
          hint: "Drop one of the two flags",
        },
      );
    }
    let where: string;
    let id: string;
    if (flags.env !== undefined) {
      const env = ctx.environments();
      await getEnvironment(env, flags.env);
      id = await hookId("environment", flags.env, event, commandOf(entry));
      where = `environment \`${flags.env}\``;
      if (!ctx.dryRun) await addEnvironmentHook(env, flags.env, event, entry);
      ctx.oplog.environment(flags.env);
    } else if (flags.project) {
      const { file, root } = projectHookFile(ctx);
      id = await hookId("project", root, event, commandOf(entry));
      where = file;
      if (!ctx.dryRun) {
        const { trusted } = await editProjectHooksKeepingTrust(ctx, file, root, (hooks) => {
          const key = eventKey(event);
          if ((hooks[key] ?? []).some((e) => commandOf(e) === commandOf(entry))) {
            throw new UsageError(`${file} already has this ${event} hook: ${commandOf(entry)}`, {
              hint: "`gestvenv hook list` shows it and its id",
            });
          }
          hooks[key] = [...hooks[key] ?? [], entry];
        });
        if (!trusted) {
          ctx.printer.warn(
            `The project's other hooks are not trusted, so none of its hooks run yet: read them ` +
              `(\`gestvenv hook list\`), then run \`gestvenv hook trust ${root}\``,
          );
        }
      }
    } else {
      id = await hookId("global", "", event, commandOf(entry));
      where = ctx.home.configFile;
      if (!ctx.dryRun) await addGlobalHook(ctx.home.configFile, event, entry);
    }
    if (ctx.dryRun) {
      ctx.printer.info(`Would add the ${event} hook ${id} to ${where}: ${commandOf(entry)}`);
      return;
    }
    ctx.printer.data(id);
    ctx.printer.success(`Added the ${event} hook ${id} to ${where}: ${commandOf(entry)}`);
  }, { effect: "changes" }),
});
