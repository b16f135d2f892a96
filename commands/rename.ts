import { buildCommand } from "@stricli/core";
import { renameEnvironment } from "../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, text } from "./_help.ts";

/** `gestvenv rename OLD NEW`: moves an environment and re-targets every path inside it. */
export const renameCommand = buildCommand<GlobalFlags, [string, string], CliContext>({
  docs: {
    brief: "Rename an environment: moves it and rewrites the absolute paths inside it",
    fullDescription: examples([["gestvenv rename web web-old", "rename `web`"]]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [environmentName("Current name", "old"), text("New name", "new")],
    },
  },
  func: action("rename", async (ctx, _flags: GlobalFlags, oldName: string, newName: string) => {
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
  }),
});
