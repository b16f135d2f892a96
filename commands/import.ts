import { buildCommand } from "@stricli/core";
import { importEnvironment } from "../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, text } from "./_help.ts";

interface ImportFlags extends GlobalFlags {
  readonly as?: "json" | "requirements";
  readonly python?: string;
}

/** `gestvenv import FILE NAME`: creates an environment from an export. */
export const importCommand = buildCommand<ImportFlags, [string, string], CliContext>({
  docs: {
    brief: "Create an environment from a gestvenv JSON export or a requirements file",
    fullDescription: examples([
      ["gestvenv import web.json web2", "same Python, same versions"],
      ["gestvenv import requirements.txt api --python 3.12", "from a requirements file"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      as: {
        kind: "enum",
        values: ["json", "requirements"],
        brief: "File format (default: detected)",
        optional: true,
      },
      python: optionalText("Interpreter (default: the export's Python version)", "request"),
    },
    aliases: { ...GLOBAL_ALIASES, p: "python" },
    positional: {
      kind: "tuple",
      parameters: [text("Export file", "file"), text("Name of the new environment", "name")],
    },
  },
  func: action("import", async (ctx, flags: ImportFlags, file: string, name: string) => {
    const result = await importEnvironment(ctx.environments({ python: flags.python }), file, name, {
      format: flags.as ?? (flags.format === "requirements" ? "requirements" : undefined),
      python: flags.python,
      dryRun: ctx.dryRun,
    });
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
  }),
});
