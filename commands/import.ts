import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, text, toggle } from "./_help.ts";
import { importBundle } from "./_bundle.ts";
import { UsageError } from "../lib/errors/mod.ts";

/** How the import meets an existing environment (README "Import into an existing environment"). */
interface ImportMergeFlags {
  readonly merge?: boolean;
  readonly resolveConflicts?: boolean;
}

interface ImportFlags extends GlobalFlags, ImportMergeFlags {
  readonly as?: "json" | "requirements" | "pylock";
  readonly python?: string;
}

/** The merge flags of `import` (spread into its flags). */
const IMPORT_MERGE_FLAGS = {
  merge: toggle("Into an existing environment: add what it lacks, keep its versions"),
  resolveConflicts: toggle(
    "With --merge: resolve both sets of requirements together, apply and report the changes",
  ),
} as const;

/** `gestvenv import FILE NAME`: creates an environment from an export, or merges one into it. */
export const importCommand = buildCommand<ImportFlags, [string, string], CliContext>({
  docs: {
    brief:
      "Create an environment from a gestvenv JSON export, a requirements file or a PEP 751 lock",
    fullDescription: examples([
      ["gestvenv import web.json web2", "same Python, same versions"],
      ["gestvenv import pylock.toml web3", "exactly the lock's files, hashes checked"],
      ["gestvenv import requirements.txt api --python 3.12", "from a requirements file"],
      ["gestvenv import extra.json web --merge", "add what `web` lacks, keep its versions"],
      [
        "gestvenv import new.json web --merge --resolve-conflicts",
        "resolve both again, report what changed",
      ],
      ["gestvenv import web.tar.zst web", "an environment bundle (`export --bundle`), offline"],
    ]) +
      "\nThe format is detected from the name and content; anything else (binary, other JSON or" +
      "\nTOML, an invalid requirement) is refused with exit 2 before anything is created." +
      "\nAn existing NAME is refused unless --merge is given (--resolve-conflicts implies it).",
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
      ...IMPORT_MERGE_FLAGS,
    },
    aliases: { ...GLOBAL_ALIASES, p: "python" },
    positional: {
      kind: "tuple",
      parameters: [text("Export file", "file"), text("Name of the new environment", "name")],
    },
  },
  func: action("import", async (ctx, flags: ImportFlags, file: string, name: string) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { importEnvironment, mergeImport, bundleManifestOf } = await import(
      "../lib/packages/mod.ts"
    );
    if (flags.as === undefined && (await bundleManifestOf(file)) !== null) {
      if (flags.merge || flags.resolveConflicts) {
        throw new UsageError("A bundle restores a whole environment: it cannot be merged", {
          hint: "Import it under a new name, or merge its JSON export (`export NAME FILE.json`)",
        });
      }
      return await importBundle(ctx, file, name);
    }
    // `--format requirements|pylock` names the file's format (older spelling of `--as`).
    const fileFormat = flags.as ??
      (flags.format === "requirements" || flags.format === "pylock" ? flags.format : undefined);
    const output = fileFormat !== undefined && flags.as === undefined
      ? "table"
      : formatFor(ctx, ["table", "json"], "table");
    if (flags.merge || flags.resolveConflicts) {
      const merged = await mergeImport(ctx.environments(), file, name, {
        format: fileFormat,
        resolveConflicts: flags.resolveConflicts ?? false,
        dryRun: ctx.dryRun,
      });
      if (output === "json") {
        ctx.printer.json("import", {
          name,
          merge: true,
          resolve_conflicts: flags.resolveConflicts ?? false,
          changes: merged.changes,
          kept: merged.kept,
          present: merged.present,
          dry_run: merged.dryRun,
        });
        return;
      }
      if (merged.changes.length > 0) {
        await ctx.printer.table(
          ["package", "change", "before", "after"],
          merged.changes.map((c) => [c.name, c.kind, c.before ?? "", c.after ?? ""]),
        );
      }
      for (const k of merged.kept) {
        ctx.printer.warn(
          `${k.name}: kept ${k.installed} (the file wants ${k.wanted}); ` +
            "`--resolve-conflicts` resolves both",
        );
      }
      const verb = merged.dryRun ? "Would merge" : "Merged";
      ctx.printer.success(
        merged.changes.length === 0
          ? `Nothing to change in \`${name}\`: it has everything the file lists`
          : `${verb} ${file} into \`${name}\`: ${merged.changes.length} changes`,
      );
      return;
    }
    const result = await importEnvironment(ctx.environments(), file, name, {
      format: fileFormat,
      dryRun: ctx.dryRun,
    });
    const r = result.record;
    if (!result.dryRun) ctx.oplog.createdEnvironment(r, result.files);
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
