import { buildCommand } from "npm:@stricli/core@1.3.0";
import { renameEnvironment } from "../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, text, toggle } from "./_help.ts";

interface RenameFlags extends GlobalFlags {
  readonly move?: boolean;
}

/** `gestvenv rename OLD NEW`: moves an environment and re-targets every path inside it. */
export const renameCommand = buildCommand<RenameFlags, [string, string], CliContext>({
  docs: {
    brief: "Rename an environment: moves it and rewrites the absolute paths inside it",
    fullDescription: examples([
      ["gestvenv rename web web-old", "rename `web` (its directory moves too)"],
      ["gestvenv rename proj proj2", "a `--path` environment: only the name changes"],
      ["gestvenv rename proj proj2 --move", "…and its folder moves to a sibling named proj2"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      move: toggle(
        "Also move an environment created with --path to a sibling folder named after the new name",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [environmentName("Current name", "old"), text("New name", "new")],
    },
  },
  func: action("rename", async (ctx, flags: RenameFlags, oldName: string, newName: string) => {
    ctx.oplog.environment(oldName);
    ctx.oplog.environment(newName);
    const format = formatFor(ctx, ["table", "json"], "table");
    const result = await renameEnvironment(ctx.environments(), oldName, newName, {
      dryRun: ctx.dryRun,
      move: flags.move ?? false,
    });
    if (format === "json") {
      ctx.printer.json("rename", {
        from: oldName,
        to: newName,
        path: result.record.path,
        moved: result.moved,
        rewritten: result.rewritten,
        dry_run: ctx.dryRun,
      });
    } else if (ctx.dryRun) {
      ctx.printer.info(`Would rename \`${oldName}\` to \`${newName}\` (${result.record.path})`);
    } else {
      ctx.printer.success(
        result.moved
          ? `Renamed \`${oldName}\` to \`${newName}\` (${result.record.path}; ${result.rewritten.length} files re-targeted)`
          : `Renamed \`${oldName}\` to \`${newName}\`; its folder ${result.record.path} stays where it is`,
      );
    }
  }, { effect: "changes" }),
});
