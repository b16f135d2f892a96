import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment, loadRegistry } from "../../lib/environments/mod.ts";
import { type ListedHook, listHooks } from "../../lib/hooks/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { environmentFlag, examples } from "../_help.ts";

interface ListFlags extends GlobalFlags {
  readonly env?: string;
}

/**
 * The hooks `hook list` and `hook remove` see: global, the project's around the current
 * directory, and every environment's (or only `env`'s).
 */
export async function visibleHooks(ctx: CommandContext, env?: string): Promise<ListedHook[]> {
  const context = ctx.environments();
  const records = env !== undefined
    ? [await getEnvironment(context, env)]
    : [...(await loadRegistry(context)).environments.values()];
  return await listHooks(ctx.home.root, ctx.home.configFile, ctx.settings, ctx.project, records);
}

/** `global`, `project`, `env NAME`. */
function scopeOf(hook: ListedHook): string {
  return hook.scope === "environment" ? `env ${hook.owner}` : hook.scope;
}

/** `gestvenv hook list [--env ENV] [--format json]`. */
export const hookListCommand = buildCommand<ListFlags, [], CliContext>({
  docs: {
    brief: "List the hooks: global, this project's (with their trust), each environment's",
    fullDescription: examples([
      ["gestvenv hook list", "id, event, scope, command, whether it runs"],
      ["gestvenv hook list --env web", "global, project and `web`'s own hooks"],
      ["gestvenv hook list --format json", "the same as data"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, env: environmentFlag("Only this environment's own hooks") },
    aliases: GLOBAL_ALIASES,
  },
  func: action("hook list", async (ctx, flags: ListFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const hooks = await visibleHooks(ctx, flags.env);
    if (format === "json") {
      ctx.printer.json(
        "hook list",
        hooks.map((h) => ({
          id: h.id,
          event: h.event,
          scope: h.scope,
          environment: h.scope === "environment" ? h.owner : null,
          project: h.scope === "project" ? h.owner : null,
          command: h.command,
          name: h.name,
          timeout: h.timeoutSeconds,
          trusted: h.trusted,
          source: h.source,
        })),
      );
      return;
    }
    if (hooks.length === 0) {
      ctx.printer.info(
        "No hooks. Add one: gestvenv hook add EVENT COMMAND [--env ENV | --project]",
      );
      return;
    }
    await ctx.printer.table(
      ["ID", "Event", "Scope", "Command", "Trusted"],
      hooks.map((h) => [
        h.id,
        h.event,
        scopeOf(h),
        `${h.name === null ? "" : `${h.name}: `}${h.command}${
          h.timeoutSeconds === null ? "" : ` (timeout ${h.timeoutSeconds} s)`
        }`,
        h.trusted ? "yes" : "no",
      ]),
    );
    const untrusted = hooks.find((h) => !h.trusted);
    if (untrusted !== undefined) {
      ctx.printer.info(
        `The project's hooks do not run until you trust them: gestvenv hook trust ${untrusted.owner}`,
      );
    }
  }, { effect: "reads" }),
});
