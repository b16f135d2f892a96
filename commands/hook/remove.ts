import { buildCommand } from "npm:@stricli/core@1.3.0";
import { ConfigError } from "../../lib/errors/mod.ts";
import {
  commandOf,
  eventKey,
  findHook,
  removeEnvironmentHook,
  removeGlobalHook,
} from "../../lib/hooks/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { environmentFlag, examples, text } from "../_help.ts";
import { visibleHooks } from "./list.ts";
import { editProjectHooksKeepingTrust } from "./_project_file.ts";

interface RemoveFlags extends GlobalFlags {
  readonly env?: string;
}

/** `gestvenv hook remove ID [--env ENV]`: by id (or name) from wherever it is kept. */
export const hookRemoveCommand = buildCommand<RemoveFlags, [string], CliContext>({
  docs: {
    brief: "Remove a hook by its id (or name), from wherever it is kept",
    fullDescription: examples([
      ["gestvenv hook remove g1a2b3c", "the id `hook list` shows"],
      ["gestvenv hook remove backup --env web", "by name, among `web`'s hooks"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, env: environmentFlag("Look among this environment's hooks only") },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Hook id or name", "id")] },
  },
  func: action("hook remove", async (ctx, flags: RemoveFlags, idOrName: string) => {
    const hook = findHook(await visibleHooks(ctx, flags.env), idOrName);
    const where = hook.scope === "environment" ? `environment \`${hook.owner}\`` : hook.source;
    if (ctx.dryRun) {
      ctx.printer.info(
        `Would remove the ${hook.event} hook ${hook.id} from ${where}: ${hook.command}`,
      );
      return;
    }
    if (hook.scope === "global") await removeGlobalHook(ctx.home.configFile, hook);
    else if (hook.scope === "environment") {
      await removeEnvironmentHook(ctx.environments(), hook);
      ctx.oplog.environment(hook.owner);
    } else {
      if (!hook.source.endsWith(".gestvenv.toml")) {
        throw new ConfigError(`The hook ${hook.id} is kept in ${hook.source}`, {
          hint:
            "gestvenv only writes .gestvenv.toml: remove it from [tool.gestvenv.hooks] yourself",
        });
      }
      await editProjectHooksKeepingTrust(ctx, hook.source, hook.owner, (hooks) => {
        const key = eventKey(hook.event);
        hooks[key] = (hooks[key] ?? []).filter((e) => commandOf(e) !== hook.command);
      });
    }
    ctx.printer.success(`Removed the ${hook.event} hook ${hook.id} from ${where}: ${hook.command}`);
  }, { effect: "changes" }),
});
