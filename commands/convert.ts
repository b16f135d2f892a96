import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, text, toggle } from "./_help.ts";
import { readTarget, writeMerged } from "./_pyproject_write.ts";

interface ConvertFlags extends GlobalFlags {
  readonly to?: string;
  readonly detectGroups?: boolean;
  readonly preserveScripts?: boolean;
  readonly force?: boolean;
}

/**
 * `gestvenv convert FILE --to pyproject.toml`: a requirements file, a Pipfile or a setup.cfg
 * merged into a pyproject.toml (PEP 621 `[project]`, PEP 735 groups, `[tool.gestvenv]` index
 * settings), keeping every comment of an existing file.
 */
export const convertCommand = buildCommand<ConvertFlags, [string], CliContext>({
  docs: {
    brief:
      "Convert requirements.txt, a Pipfile or setup.cfg into pyproject.toml (merged, comments kept)",
    fullDescription: examples([
      ["gestvenv convert requirements.txt --to pyproject.toml", "dependencies and index options"],
      ["gestvenv convert requirements.txt --detect-groups", "requirements-dev.txt → group dev"],
      ["gestvenv convert Pipfile --preserve-scripts", "[scripts] → [tool.gestvenv.scripts]"],
      ["gestvenv convert setup.cfg --dry-run", "print the result, write nothing"],
    ]) +
      "\nAn existing pyproject.toml is merged into: what it lacks is added, every comment is" +
      "\nkept, and a value it declares differently is only replaced with --force or a yes." +
      "\nWhat a pyproject.toml cannot hold (hashes, constraints, editables) is a warning.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      to: optionalText("The pyproject.toml to write (default: beside FILE)", "file"),
      detectGroups: toggle(
        "Requirements: requirements-dev.txt, -test, -docs, requirements/*.txt become groups",
      ),
      preserveScripts: toggle("Pipfile: copy [scripts] to [tool.gestvenv.scripts]"),
      force: toggle(
        "Overwrite values the pyproject.toml declares differently; write even an invalid result",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, f: "force" },
    positional: {
      kind: "tuple",
      parameters: [text("requirements.txt, Pipfile or setup.cfg", "file")],
    },
  },
  func: action("convert", async (ctx, flags: ConvertFlags, file: string) => {
    const { convertFile, conversionData, conversionKind, requirementsProjectDir } = await import(
      "../lib/convert/mod.ts"
    );
    const { absolute, dirname, join, basename } = await import("../lib/paths/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const source = absolute(file);
    const projectDir = conversionKind(source) === "requirements"
      ? requirementsProjectDir(source)
      : dirname(source);
    const target = flags.to === undefined ? join(projectDir, "pyproject.toml") : absolute(flags.to);
    if (basename(target) !== "pyproject.toml") {
      throw new UsageError(`--to must name a pyproject.toml, not ${basename(target)}`, {
        hint: "Give `--to pyproject.toml` or `--to path/to/pyproject.toml`",
      });
    }
    // The target is read (strictly: a directory is an error) before anything is converted.
    const current = await readTarget(target);
    const conversion = await convertFile(source, {
      detectGroups: flags.detectGroups ?? false,
      preserveScripts: flags.preserveScripts ?? false,
    });
    const data = conversionData(conversion, current ?? "");
    const p = ctx.printer;
    for (const warning of conversion.warnings) p.warn(warning);
    const result = await writeMerged(ctx, target, current, data, flags.force ?? false);
    if (format === "json") {
      p.json("convert", {
        source,
        kind: conversion.kind,
        target,
        files: conversion.files,
        added: result.added,
        conflicts: result.conflicts,
        overwritten: result.overwritten,
        warnings: [...conversion.warnings, ...result.skipped],
        written: result.written,
        dry_run: ctx.dryRun,
        text: result.text,
      });
      return;
    }
    if (ctx.dryRun) {
      p.data(result.text.replace(/\r?\n$/, ""));
      if (result.conflicts.length > 0 && !result.overwritten) {
        p.info(
          `${result.conflicts.length} declared value(s) differ and are kept (--force replaces ` +
            `them): ${result.conflicts.map((c) => c.key).join(", ")}`,
        );
      }
      p.info(`Dry run: ${target} was not ${result.existed ? "changed" : "written"}`);
      return;
    }
    if (!result.written) {
      p.success(`${target} already holds everything ${basename(source)} says`);
      return;
    }
    p.success(
      `${result.existed ? "Updated" : "Wrote"} ${target} from ${
        basename(source)
      } (${conversion.kind})`,
    );
    for (const added of result.added) p.info(`  + ${added}`);
    if (result.conflicts.length > 0) {
      p.info(
        result.overwritten
          ? `  ${result.conflicts.length} declared value(s) replaced`
          : `  ${result.conflicts.length} declared value(s) kept: ${
            result.conflicts.map((c) => c.key).join(", ")
          }`,
      );
    }
  }, { effect: "changes" }),
});
