import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text } from "../_help.ts";

/** `gestvenv template remove NAME`: deletes a user template. */
export const templateRemoveCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Remove a user template (built-in templates cannot be removed)",
    fullDescription: examples([
      ["gestvenv template remove mon-template", "deletes ~/.gestvenv/templates/mon-template"],
      ["gestvenv template remove mon-template --dry-run", "says what it would delete"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("User template's name", "name")] },
  },
  func: action("template remove", async (ctx, _flags, name: string) => {
    const { removeUserTemplate } = await import("../../lib/templates/mod.ts");
    const dir = await removeUserTemplate(ctx.home, name, ctx.dryRun);
    if (ctx.dryRun) ctx.printer.info(`Would remove template \`${name}\` (${dir})`);
    else ctx.printer.success(`Removed template \`${name}\` (${dir})`);
  }, { effect: "changes" }),
});
