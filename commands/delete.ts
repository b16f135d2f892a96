import { buildCommand } from "@stricli/core";
import { deleteEnvironment, getEnvironment } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  confirm,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, toggle } from "./_help.ts";

interface DeleteFlags extends GlobalFlags {
  readonly force?: boolean;
}

/** `gestvenv delete NAME`: removes an environment's directory and registry entry. */
export const deleteCommand = buildCommand<DeleteFlags, [string], CliContext>({
  docs: {
    brief: "Delete an environment (asks first on a terminal; needs --force otherwise)",
    fullDescription: examples([
      ["gestvenv delete web", "asks for confirmation"],
      ["gestvenv delete web --force", "no question (scripts, CI)"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, force: toggle("Delete without asking") },
    aliases: { ...GLOBAL_ALIASES, f: "force" },
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("delete", async (ctx, flags: DeleteFlags, name: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const record = await getEnvironment(env, name);
    if (!flags.force && !ctx.dryRun) {
      const yes = await confirm(ctx, `Delete \`${name}\` and everything in ${record.path}?`);
      if (yes === undefined) {
        throw new UsageError(`Refusing to delete \`${name}\` without confirmation`, {
          hint: "Pass `--force` (or `--yes`) when not running in a terminal",
        });
      }
      if (!yes) {
        ctx.printer.info("Nothing deleted");
        return;
      }
    }
    const removed = await deleteEnvironment(env, name, { dryRun: ctx.dryRun });
    if (format === "json") {
      ctx.printer.json("delete", { name, path: removed.path, dry_run: ctx.dryRun });
    } else if (ctx.dryRun) ctx.printer.info(`Would delete \`${name}\` (${removed.path})`);
    else ctx.printer.success(`Deleted \`${name}\` (${removed.path})`);
  }),
});
