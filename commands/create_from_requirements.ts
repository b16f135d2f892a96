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
import {
  BACKEND_FLAG,
  COMPILE_FLAG,
  examples,
  LINK_MODE_FLAG,
  optionalText,
  text,
  toggle,
} from "./_help.ts";
import { canPrompt } from "./_prompts.ts";
import { checkBeforeWrite, readTarget, writeMerged } from "./_pyproject_write.ts";

interface CreateFromRequirementsFlags extends GlobalFlags {
  readonly python?: string;
  readonly description?: string;
  readonly backend?: "auto" | "native" | "pip" | "uv";
  readonly linkMode?: "clone" | "hardlink" | "copy";
  readonly compile?: boolean;
  readonly seed?: boolean;
  readonly indexUrl?: string;
  readonly writePyproject?: boolean;
  readonly detectGroups?: boolean;
  readonly force?: boolean;
}

/**
 * `gestvenv create-from-requirements FILE NAME` (spec 001): `create NAME -r FILE`, and with
 * `--write-pyproject` the file converted into the pyproject.toml beside it (merged, comments
 * kept), the environment then bound to that project.
 */
export const createFromRequirementsCommand = buildCommand<
  CreateFromRequirementsFlags,
  [string, string],
  CliContext
>({
  docs: {
    brief:
      "Create a named environment from a requirements file (optionally writing pyproject.toml)",
    fullDescription: examples([
      ["gestvenv create-from-requirements requirements.txt web", "same as create web -r …"],
      [
        "gestvenv create-from-requirements requirements.txt web --write-pyproject",
        "and convert the file to pyproject.toml beside it",
      ],
      ["gestvenv create-from-requirements reqs/prod.txt api --python 3.12", "an interpreter"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      python: optionalText(
        "Interpreter: 3.12, 3.11.7, >=3.10, python3.12, pypy3 or a path",
        "request",
      ),
      description: optionalText("Free-text description kept in the registry", "text"),
      backend: BACKEND_FLAG,
      linkMode: LINK_MODE_FLAG,
      compile: COMPILE_FLAG,
      seed: toggle("Put pip into the environment"),
      indexUrl: optionalText(
        "Package index to install from (overrides pip's configuration)",
        "url",
      ),
      writePyproject: toggle(
        "Also convert FILE into the pyproject.toml beside it and bind the environment to it",
      ),
      detectGroups: toggle("With --write-pyproject: requirements-dev.txt and the like → groups"),
      force: toggle("With --write-pyproject: overwrite values pyproject.toml declares otherwise"),
    },
    aliases: { ...GLOBAL_ALIASES, p: "python", d: "description", b: "backend" },
    positional: {
      kind: "tuple",
      parameters: [
        text("The requirements file", "file"),
        text("Environment name (letters, digits, `.`, `_`, `-`)", "name"),
      ],
    },
  },
  func: action(
    "create-from-requirements",
    async (ctx, flags: CreateFromRequirementsFlags, file: string, name: string) => {
      const { createEnvironment } = await import("../lib/packages/mod.ts");
      const { absolute, join } = await import("../lib/paths/mod.ts");
      const format = formatFor(ctx, ["table", "json"], "table");
      const source = absolute(file);
      const p = ctx.printer;
      const { requirementsProjectDir } = await import("../lib/convert/mod.ts");
      const projectDir = requirementsProjectDir(source);
      const target = join(projectDir, "pyproject.toml");
      // Read, converted and checked first: a target that cannot be written (a directory, an
      // unreadable file), a file that cannot be converted or a result that would not be valid
      // fails before anything is created.
      let conversion;
      let current: string | null = null;
      if (flags.writePyproject) {
        const { convertRequirements, conversionData } = await import("../lib/convert/mod.ts");
        current = await readTarget(target);
        conversion = await convertRequirements(source, {
          detectGroups: flags.detectGroups ?? false,
        });
        const before = current ?? "";
        const { mergeProject } = await import("../lib/pyproject/mod.ts");
        const pre = mergeProject(before, conversionData(conversion, before));
        if (pre.conflicts.length > 0 && !flags.force && !ctx.yes && !ctx.dryRun && !canPrompt()) {
          throw new UsageError(
            `${target} declares ${pre.conflicts.length} value(s) that differ from ${file} (${
              pre.conflicts.map((c) => c.key).join(", ")
            }); nothing was created`,
            { hint: "Give --force (or --yes) to overwrite them, or convert first with --dry-run" },
          );
        }
        if (pre.text !== before) {
          await checkBeforeWrite(
            ctx,
            target,
            before,
            pre.text,
            (flags.force ?? false) || ctx.dryRun,
          );
        }
      }
      const env = ctx.environments();
      const result = await createEnvironment(env, name, {
        description: flags.description,
        requirementFiles: [source],
        seed: flags.seed ?? false,
        dryRun: ctx.dryRun,
      });
      if (!result.dryRun) ctx.oplog.createdEnvironment(result.record, result.files);
      let written: Awaited<ReturnType<typeof writeMerged>> | undefined;
      if (conversion !== undefined) {
        const { conversionData } = await import("../lib/convert/mod.ts");
        for (const warning of conversion.warnings) p.warn(warning);
        written = await writeMerged(
          ctx,
          target,
          current,
          conversionData(conversion, current ?? ""),
          flags.force ?? false,
        );
        if (!ctx.dryRun) {
          // Bound only once the file is written: a failed write leaves an unbound environment.
          const { changeRegistry } = await import("../lib/environments/mod.ts");
          const binding = { path: projectDir, groups: [], extras: [], installed: false };
          await changeRegistry(env, (registry) => {
            const record = registry.environments.get(name);
            if (record !== undefined) record.project = binding;
          });
          result.record.project = binding;
        }
      }
      const r = result.record;
      if (format === "json") {
        p.json("create-from-requirements", {
          ...r,
          dry_run: result.dryRun,
          pyproject: written === undefined ? null : {
            file: target,
            added: written.added,
            conflicts: written.conflicts,
            written: written.written,
            warnings: conversion?.warnings ?? [],
          },
        });
        return;
      }
      if (result.dryRun) {
        p.info(
          `Would create \`${r.name}\` at ${r.path} with ${r.python.implementation} ${r.python.version} (${r.python.path}), backend ${r.backend}`,
        );
        if (r.requirements.length > 0) p.info(`Would install: ${r.requirements.join(" ")}`);
        if (written !== undefined) {
          p.info(`Would ${written.existed ? "update" : "write"} ${target}:`);
          p.data(written.text.replace(/\r?\n$/, ""));
        }
        return;
      }
      p.success(
        `Created \`${r.name}\` from ${file} with ${r.python.implementation} ${r.python.version}`,
      );
      p.info(`  ${r.packages.length} distributions installed with ${r.backend}`);
      if (written !== undefined) {
        p.info(
          written.written
            ? `  ${written.existed ? "Updated" : "Wrote"} ${target}; the environment is bound to it`
            : `  ${target} already declares everything ${file} says`,
        );
      }
      p.info(`  Activate: gestvenv activate ${r.name}   Run: gestvenv run ${r.name} python`);
    },
    { effect: "changes" },
  ),
});
