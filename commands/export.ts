import { Command, Option } from "@commander-js/extra-typings";
import { exportEnvironment } from "../lib/environments/mod.ts";
import { atomicWriteFile } from "../lib/fs/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import { buildContext, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";

/** `gestvenv export NAME FILE`: writes an environment's description to a file. */
export function exportCommand() {
  return new Command("export")
    .description("Export an environment to a JSON document or a requirements file (`-` for stdout)")
    .argument("<name>", "environment name")
    .argument("<file>", "output file, or `-` for stdout")
    .addOption(
      new Option(
        "--as <format>",
        "file format (default: from the file name: .txt/.in → requirements, else json)",
      ).choices(["json", "requirements"] as const),
    )
    .addHelpText(
      "after",
      examples([
        ["gestvenv export web web.json", "JSON: interpreter, requirements, exact versions"],
        ["gestvenv export web requirements.txt --as requirements", "pinned requirements"],
        ["gestvenv export web - --as requirements", "to stdout"],
      ]),
    )
    .action(async (name, file, opts, cmd) => {
      const globals = globalOptions(cmd);
      const ctx = await buildContext({ ...globals, format: undefined });
      const asked = opts.as ??
        (globals.format === "requirements" || globals.format === "json"
          ? globals.format
          : undefined);
      const format = asked ?? (/\.(txt|in)$/.test(file) ? "requirements" : "json");
      const text = await exportEnvironment(ctx.environments(), name, format);
      if (file === "-") {
        ctx.printer.data(text.trimEnd());
        return;
      }
      const path = absolute(file);
      if (ctx.dryRun) {
        ctx.printer.info(`Would write ${path} (${format})`);
        return;
      }
      await atomicWriteFile(path, text);
      ctx.printer.success(`Exported \`${name}\` to ${path} (${format})`);
    });
}
