import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, text } from "./_help.ts";
import { importBundle } from "./_bundle.ts";

interface ImportFlags extends GlobalFlags {
  readonly as?: "json" | "requirements" | "pylock";
  readonly python?: string;
}

/** `gestvenv import FILE NAME`: creates an environment from an export. */
export const importCommand = buildCommand<ImportFlags, [string, string], CliContext>({
  docs: {
    brief:
      "Create an environment from a gestvenv JSON export, a requirements file or a PEP 751 lock",
    fullDescription: examples([
      ["gestvenv import web.json web2", "same Python, same versions"],
      ["gestvenv import pylock.toml web3", "exactly the lock's files, hashes checked"],
      ["gestvenv import requirements.txt api --python 3.12", "from a requirements file"],
      ["gestvenv import web.tar.zst web", "an environment bundle (`export --bundle`), offline"],
    ]) +
      "\nThe format is detected from the name and content; anything else (binary, other JSON or" +
      "\nTOML, an invalid requirement) is refused with exit 2 before anything is created.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      as: {
        kind: "enum",
        values: ["json", "requirements", "pylock"],
        brief: "File format (default: detected)",
        optional: true,
      },
      python: optionalText(
        "Interpreter (default: the export's or lock's Python version)",
        "request",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, p: "python" },
    positional: {
      kind: "tuple",
      parameters: [text("Export file", "file"), text("Name of the new environment", "name")],
    },
  },
  func: action("import", async (ctx, flags: ImportFlags, file: string, name: string) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { importEnvironment, bundleManifestOf } = await import("../lib/packages/mod.ts");
    if (flags.as === undefined && (await bundleManifestOf(file)) !== null) {
      return await importBundle(ctx, file, name);
    }
    // `--format requirements|pylock` names the file's format (older spelling of `--as`).
    const fileFormat = flags.as ??
      (flags.format === "requirements" || flags.format === "pylock" ? flags.format : undefined);
    const output = fileFormat !== undefined && flags.as === undefined
      ? "table"
      : formatFor(ctx, ["table", "json"], "table");
    const result = await importEnvironment(ctx.environments(), file, name, {
      format: fileFormat,
      dryRun: ctx.dryRun,
    });
    const r = result.record;
    if (output === "json") ctx.printer.json("import", { ...r, dry_run: result.dryRun });
    else if (result.dryRun) {
      ctx.printer.info(
        `Would create \`${name}\` with ${r.python.implementation} ${r.python.version} and install ${
          r.requirements.join(" ") || "nothing"
        }`,
      );
    } else {
      ctx.printer.success(
        `Imported \`${name}\` (${r.python.implementation} ${r.python.version}, ${r.packages.length} distributions)`,
      );
    }
  }, { effect: "changes" }),
});
