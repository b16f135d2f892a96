import { Command } from "@commander-js/extra-typings";
import { renameEnvironment } from "../lib/environments/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";

/** `gestvenv rename OLD NEW`: moves an environment and re-targets every path inside it. */
export function renameCommand() {
  return new Command("rename")
    .description("Rename an environment: moves it and rewrites the absolute paths inside it")
    .argument("<old>", "current name")
    .argument("<new>", "new name")
    .addHelpText("after", examples([["gestvenv rename web web-old", "rename `web`"]]))
    .action(async (oldName, newName, _opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const result = await renameEnvironment(ctx.environments(), oldName, newName, {
        dryRun: ctx.dryRun,
      });
      if (format === "json") {
        ctx.printer.json("rename", {
          from: oldName,
          to: newName,
          path: result.record.path,
          rewritten: result.rewritten,
          dry_run: ctx.dryRun,
        });
      } else if (ctx.dryRun) {
        ctx.printer.info(`Would rename \`${oldName}\` to \`${newName}\` (${result.record.path})`);
      } else {
        ctx.printer.success(
          `Renamed \`${oldName}\` to \`${newName}\` (${result.record.path}; ${result.rewritten.length} files re-targeted)`,
        );
      }
    });
}
