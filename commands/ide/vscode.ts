import { buildCommand } from "npm:@stricli/core@1.3.0";
import { action, type CliContext, formatFor } from "../_context.ts";
import { examples } from "../_help.ts";
import { IDE_PARAMETERS, ideEnvironment, type IdeFlags, ideProjectDir } from "./_target.ts";

/** `gestvenv ide vscode [ENV] [--project DIR]`: VS Code's workspace settings. */
export const ideVscodeCommand = buildCommand<IdeFlags, [string?], CliContext>({
  docs: {
    brief: "Point VS Code's Python extension at an environment (.vscode/settings.json)",
    fullDescription: examples([
      ["gestvenv ide vscode", "the project's environment (or the active one)"],
      ["gestvenv ide vscode web --project ~/src/site", "a named environment, another folder"],
      ["gestvenv ide vscode web --dry-run", "show the change as a diff, write nothing"],
    ]) +
      "\nSets python.defaultInterpreterPath (the environment's interpreter), python.venvPath (gestvenv's" +
      "\nenvironments folder) and python.terminal.activateEnvironment in .vscode/settings.json. Comments," +
      "\ntrailing commas and every other setting are kept as they are; a file that is not valid JSONC" +
      "\nis refused and left unchanged.",
  },
  parameters: IDE_PARAMETERS,
  func: action("ide vscode", async (ctx, flags: IdeFlags, name?: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const ide = await import("../../lib/ide/mod.ts");
    const projectDir = await ideProjectDir(flags.project);
    const record = await ideEnvironment(ctx, name, projectDir, "ide vscode");
    ctx.oplog.environment(record.name);
    const interpreter = ide.environmentInterpreter(record.path);
    const plan = await ide.planVscodeSettings(projectDir, {
      interpreter,
      environmentsDir: ctx.home.environmentsDir,
    });
    const written = plan.changed && !ctx.dryRun;
    if (written) await ide.writeVscodeSettings(plan);
    if (format === "json") {
      ctx.printer.json("ide vscode", {
        file: plan.path,
        environment: record.name,
        interpreter,
        venv_path: ctx.home.environmentsDir,
        changed: plan.changed,
        written,
        ...(ctx.dryRun ? { diff: ide.unifiedDiff(plan.before ?? "", plan.after, plan.path) } : {}),
      });
      return;
    }
    if (ctx.dryRun) {
      if (!plan.changed) ctx.printer.info(`${plan.path} already points at \`${record.name}\``);
      else {
        ctx.printer.info(`Would write ${plan.path}:`);
        ctx.printer.data(ide.unifiedDiff(plan.before ?? "", plan.after, plan.path).trimEnd());
      }
      return;
    }
    if (!plan.changed) {
      ctx.printer.success(`${plan.path} already points at \`${record.name}\` (${interpreter})`);
      return;
    }
    ctx.printer.success(
      `${
        plan.before === null ? "Wrote" : "Updated"
      } ${plan.path}: VS Code uses \`${record.name}\` ` +
        `(${interpreter})`,
    );
    ctx.printer.info(
      "VS Code applies it to a workspace that has no interpreter selected yet; otherwise run " +
        '"Python: Select Interpreter" once and pick it',
    );
  }, { effect: "changes" }),
});
