import { Command } from "@commander-js/extra-typings";
import { deleteEnvironment, getEnvironment } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { buildContext, confirm, formatFor, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";

/** `gestvenv delete NAME`: removes an environment's directory and registry entry. */
export function deleteCommand() {
  return new Command("delete")
    .alias("remove")
    .alias("rm")
    .description("Delete an environment (asks first on a terminal; needs --force otherwise)")
    .argument("<name>", "environment name")
    .option("-f, --force", "delete without asking")
    .addHelpText(
      "after",
      examples([
        ["gestvenv delete web", "asks for confirmation"],
        ["gestvenv delete web --force", "no question (scripts, CI)"],
      ]),
    )
    .action(async (name, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const env = ctx.environments();
      const record = await getEnvironment(env, name);
      if (!opts.force && !ctx.dryRun) {
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
    });
}
