import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  confirm,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text } from "../_help.ts";

/**
 * `gestvenv template remove NAME`: deletes a user template, after a confirmation on a terminal
 * (`--yes` skips it; without a terminal and without `--yes` it refuses, exit 2).
 */
export const templateRemoveCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Remove a user template (asks first on a terminal; needs --yes otherwise)",
    fullDescription: examples([
      [
        "gestvenv template remove mon-template",
        "asks, then deletes ~/.gestvenv/templates/mon-template",
      ],
      ["gestvenv template remove mon-template --yes", "no question (scripts, CI)"],
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
    // Checked first (a built-in or unknown name is refused before anything is asked).
    const dir = await removeUserTemplate(ctx.home, name, true);
    if (ctx.dryRun) {
      ctx.printer.info(`Would remove template \`${name}\` (${dir})`);
      return;
    }
    const yes = await confirm(ctx, `Remove template \`${name}\` (${dir})?`);
    if (yes === undefined) {
      const { UsageError } = await import("../../lib/errors/mod.ts");
      throw new UsageError(`Refusing to remove template \`${name}\` without confirmation`, {
        hint: "Pass `--yes` when not running in a terminal",
      });
    }
    if (!yes) {
      ctx.printer.info("Nothing removed");
      return;
    }
    await removeUserTemplate(ctx.home, name);
    ctx.printer.success(`Removed template \`${name}\` (${dir})`);
  }, { effect: "changes" }),
});
