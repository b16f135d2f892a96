import { buildCommand } from "npm:@stricli/core@1.3.0";
import { loadRegistry, registryRecords } from "../../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText } from "../_help.ts";
import { ideProjectDir } from "./_target.ts";

interface StatusFlags extends GlobalFlags {
  readonly project?: string;
}

/** `gestvenv ide status [--project DIR]`: what the project's editor files point at. */
export const ideStatusCommand = buildCommand<StatusFlags, [], CliContext>({
  docs: {
    brief: "Show which environment each editor's project file points at, and whether it is stale",
    fullDescription: examples([
      ["gestvenv ide status", "VS Code and PyCharm files of the project here"],
      ["gestvenv ide status --project ~/src/site --format json", "as data"],
    ]) +
      "\nExit 1 when a file points at a deleted environment or a missing interpreter, or cannot" +
      "\nbe read, else 0.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      project: optionalText("The project directory (default: the project here, else here)", "dir"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("ide status", async (ctx, flags: StatusFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const { ideStatus } = await import("../../lib/ide/mod.ts");
    const projectDir = await ideProjectDir(flags.project);
    const records = registryRecords(await loadRegistry(ctx.environments()));
    const rows = await ideStatus(
      projectDir,
      records.map((r) => ({ name: r.name, path: r.path })),
      ctx.home.environmentsDir,
    );
    const stale = rows.some((r) => r.state === "stale" || r.state === "unreadable");
    if (format === "json") {
      ctx.printer.json(
        "ide status",
        { project: projectDir, editors: rows },
        stale ? "error" : "success",
      );
      return stale ? 1 : 0;
    }
    await ctx.printer.table(
      ["editor", "file", "points at", "environment", "state"],
      rows.map((r) => [
        r.editor,
        r.file_exists ? r.file : `${r.file} (none)`,
        r.interpreter ?? r.sdk_name ?? "-",
        r.environment ?? "-",
        r.problem !== null ? `${r.state}: ${r.problem}` : r.state.replace("_", " "),
      ]),
    );
    for (const r of rows.filter((r) => r.fix !== null)) {
      ctx.printer.info(`${r.editor}: fix with \`${r.fix}\``);
    }
    return stale ? 1 : 0;
  }, { effect: "reads" }),
});
