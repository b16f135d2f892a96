import { Command, Option } from "@commander-js/extra-typings";
import { importEnvironment } from "../lib/environments/mod.ts";
import { buildContext, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";

/** `gestvenv import FILE NAME`: creates an environment from an export. */
export function importCommand() {
  return new Command("import")
    .description("Create an environment from a gestvenv JSON export or a requirements file")
    .argument("<file>", "export file")
    .argument("<name>", "name of the new environment")
    .addOption(
      new Option("--as <format>", "file format (default: detected)").choices(
        ["json", "requirements"] as const,
      ),
    )
    .option("-p, --python <request>", "interpreter (default: the export's Python version)")
    .addHelpText(
      "after",
      examples([
        ["gestvenv import web.json web2", "same Python, same versions"],
        ["gestvenv import requirements.txt api --python 3.12", "from a requirements file"],
      ]),
    )
    .action(async (file, name, opts, cmd) => {
      const globals = globalOptions(cmd);
      const ctx = await buildContext({
        ...globals,
        format: globals.format === "json" ? "json" : undefined,
      });
      const format = opts.as ?? (globals.format === "requirements" ? "requirements" : undefined);
      const result = await importEnvironment(
        ctx.environments({ python: opts.python }),
        file,
        name,
        {
          format,
          python: opts.python,
          dryRun: ctx.dryRun,
        },
      );
      const r = result.record;
      if (ctx.format === "json") ctx.printer.json("import", { ...r, dry_run: result.dryRun });
      else if (result.dryRun) {
        ctx.printer.info(
          `Would create \`${name}\` with ${r.python.implementation} ${r.python.version} and install ${
            r.requirements.join(" ")
          }`,
        );
      } else {ctx.printer.success(
          `Imported \`${name}\` (${r.python.implementation} ${r.python.version}, ${r.packages.length} distributions)`,
        );}
    });
}
