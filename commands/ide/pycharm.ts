import { buildCommand } from "npm:@stricli/core@1.3.0";
import { action, type CliContext, formatFor } from "../_context.ts";
import { examples } from "../_help.ts";
import { IDE_PARAMETERS, ideEnvironment, type IdeFlags, ideProjectDir } from "./_target.ts";

/** The one-time step in PyCharm that gestvenv cannot do (its SDK table is PyCharm's own). */
function steps(interpreter: string, sdkName: string): string[] {
  return [
    "Settings > Project > Python Interpreter > Add Interpreter > Add Local Interpreter > " +
    `Virtualenv Environment > Existing, interpreter: ${interpreter}`,
    `Then Show All..., select it, and rename it (pencil button) to: ${sdkName}`,
  ];
}

/** `gestvenv ide pycharm [ENV] [--project DIR]`: PyCharm's project interpreter. */
export const idePycharmCommand = buildCommand<IdeFlags, [string?], CliContext>({
  docs: {
    brief: "Print an environment's interpreter for PyCharm and name it in .idea/misc.xml",
    fullDescription: examples([
      ["gestvenv ide pycharm", "the project's environment (or the active one)"],
      ["gestvenv ide pycharm web --project ~/src/site", "a named environment, another folder"],
    ]) +
      "\nPrints the interpreter path (stdout) and sets the project interpreter's name in .idea/misc.xml" +
      '\n(project-jdk-name="gestvenv (ENV)", project-jdk-type="Python SDK"); the rest of the file is kept.' +
      "\nPyCharm keeps the interpreters themselves in its own settings (jdk.table.xml), which gestvenv" +
      "\ndoes not write: add the interpreter once under that name, as the command says.",
  },
  parameters: IDE_PARAMETERS,
  func: action("ide pycharm", async (ctx, flags: IdeFlags, name?: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const ide = await import("../../lib/ide/mod.ts");
    const projectDir = await ideProjectDir(flags.project);
    const record = await ideEnvironment(ctx, name, projectDir, "ide pycharm");
    ctx.oplog.environment(record.name);
    const interpreter = ide.environmentInterpreter(record.path);
    const sdkName = ide.pycharmSdkName(record.name);
    const plan = await ide.planPycharmMisc(projectDir, sdkName);
    const written = plan.changed && !ctx.dryRun;
    if (written) await ide.writePycharmMisc(plan);
    const todo = steps(interpreter, sdkName);
    if (format === "json") {
      ctx.printer.json("ide pycharm", {
        file: plan.path,
        environment: record.name,
        interpreter,
        sdk_name: sdkName,
        sdk_type: ide.PYTHON_SDK_TYPE,
        changed: plan.changed,
        written,
        steps: todo,
        idea_existed: plan.ideaExists,
        ...(ctx.dryRun ? { diff: ide.unifiedDiff(plan.before ?? "", plan.after, plan.path) } : {}),
      });
      return;
    }
    ctx.printer.data(interpreter);
    if (!plan.ideaExists) {
      // No .idea/ yet: PyCharm never opened the project; it keeps this misc.xml when it does.
      ctx.printer.warn(
        `${projectDir} has no .idea/ folder: PyCharm has not opened this project yet; it will ` +
          "read the project interpreter from the misc.xml written here when it does",
      );
    }
    if (ctx.dryRun) {
      if (plan.changed) {
        ctx.printer.info(`Would write ${plan.path}:`);
        ctx.printer.data(ide.unifiedDiff(plan.before ?? "", plan.after, plan.path).trimEnd());
      } else ctx.printer.info(`${plan.path} already names \`${sdkName}\``);
      return;
    }
    if (plan.changed) {
      ctx.printer.success(
        `${plan.before === null ? "Wrote" : "Updated"} ${plan.path}: the project interpreter ` +
          `is \`${sdkName}\``,
      );
    } else ctx.printer.success(`${plan.path} already names \`${sdkName}\``);
    ctx.printer.info(
      `In PyCharm, once per machine (PyCharm keeps interpreters in its own settings):\n  1. ${
        todo[0]
      }\n  2. ${todo[1]}`,
    );
  }, { effect: "changes" }),
});
