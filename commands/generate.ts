import { buildCommand } from "npm:@stricli/core@1.3.0";
import type { ProjectMetadata } from "../lib/convert/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  confirm,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, text, toggle } from "./_help.ts";
import { askProjectMetadata } from "./_prompts.ts";
import { checkBeforeWrite, readTarget } from "./_pyproject_write.ts";

interface GenerateFlags extends GlobalFlags {
  readonly from?: string;
  readonly interactive?: boolean;
  readonly name?: string;
  readonly force?: boolean;
  readonly detectGroups?: boolean;
  readonly requiresPython?: string;
}

/** The README beside the new file, if there is one (PEP 621 `readme`). */
async function findReadme(dir: string): Promise<string | undefined> {
  for (const name of ["README.md", "README.rst", "README.txt", "README"]) {
    const info = await Deno.stat(`${dir}/${name}`).catch(() => null);
    if (info?.isFile) return name;
  }
  return undefined;
}

/**
 * `gestvenv generate pyproject.toml [--from requirements.txt]`: a new pyproject.toml (PEP 621
 * `[project]`, dependencies from a requirements file, PEP 735 groups with `--detect-groups`),
 * optionally asking for the project's identity (`--interactive`).
 */
export const generateCommand = buildCommand<GenerateFlags, [string], CliContext>({
  docs: {
    brief: "Generate a new pyproject.toml, from a requirements file or from scratch",
    fullDescription: examples([
      ["gestvenv generate pyproject.toml --from requirements.txt", "name from the directory"],
      ["gestvenv generate pyproject.toml --from requirements.txt --name api", "a chosen name"],
      ["gestvenv generate pyproject.toml --interactive", "asks name, version, author, license…"],
      ["gestvenv generate pyproject.toml --from requirements.txt --dry-run", "print it only"],
    ]) +
      "\nDefaults: the directory's name, version 0.1.0, the author git knows, Python >= the" +
      "\ndefault interpreter's version. An existing file is kept unless --force (or a yes);" +
      "\nto merge into it, use `gestvenv convert`.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      from: optionalText("A requirements file to take the dependencies from", "file"),
      interactive: toggle("Ask for name, version, description, author, license and Python"),
      name: optionalText("Project name (default: the directory's name)", "name"),
      force: toggle("Replace an existing file; write even an invalid result"),
      detectGroups: toggle("With --from: requirements-dev.txt and the like become groups"),
      requiresPython: optionalText(
        "The requires-python specifiers (default: >= the default interpreter's X.Y)",
        "spec",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, i: "interactive", f: "force" },
    positional: {
      kind: "tuple",
      parameters: [text("What to generate: pyproject.toml (or a path to one)", "file")],
    },
  },
  func: action("generate", async (ctx, flags: GenerateFlags, what: string) => {
    const { convertRequirements, gitAuthor, newProjectData, projectNameFrom } = await import(
      "../lib/convert/mod.ts"
    );
    const { absolute, basename, dirname } = await import("../lib/paths/mod.ts");
    const { mergeProject } = await import("../lib/pyproject/mod.ts");
    const { replaceUserFile } = await import("../lib/fs/mod.ts");
    const { isValidProjectName } = await import("../lib/pep508/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const target = absolute(what);
    if (basename(target) !== "pyproject.toml") {
      throw new UsageError(`gestvenv generates a pyproject.toml, not ${basename(target)}`, {
        hint: "Run `gestvenv generate pyproject.toml --from requirements.txt`",
      });
    }
    // Flags are checked before anything is asked or read.
    if (flags.name !== undefined && !isValidProjectName(flags.name)) {
      throw new UsageError(`--name ${JSON.stringify(flags.name)} is not a valid project name`, {
        hint: "Letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit " +
          "(PEP 508)",
      });
    }
    if (flags.requiresPython !== undefined) {
      const { parseSpecifierSet } = await import("../lib/pep440/mod.ts");
      try {
        parseSpecifierSet(flags.requiresPython);
      } catch (error) {
        throw new UsageError(
          `--requires-python ${JSON.stringify(flags.requiresPython)} is not a PEP 440 ` +
            `specifier set: ${(error as Error).message}`,
          { cause: error, hint: "Give specifiers such as `>=3.10` or `>=3.9,<4`" },
        );
      }
    }
    const dir = dirname(target);
    const p = ctx.printer;
    const current = await readTarget(target);
    const exists = current !== null;
    if (exists && !flags.force && !ctx.dryRun) {
      const answer = await confirm(ctx, `${target} exists. Replace it?`);
      if (answer !== true) {
        throw new UsageError(`${target} exists; nothing was written`, {
          hint: `Give --force to replace it, or merge into it: \`gestvenv convert ${
            flags.from ?? "requirements.txt"
          } --to ${what}\``,
        });
      }
    }
    const conversion = flags.from === undefined
      ? undefined
      : await convertRequirements(absolute(flags.from), {
        detectGroups: flags.detectGroups ?? false,
      });
    let requiresPython = flags.requiresPython;
    if (requiresPython === undefined) {
      try {
        const { findInterpreter, minorVersion } = await import("../lib/python/mod.ts");
        const interpreter = await findInterpreter(ctx.settings.python.value, {
          cacheDir: ctx.home.cacheDir,
        });
        requiresPython = `>=${minorVersion(interpreter.info)}`;
      } catch {
        requiresPython = undefined; // No interpreter: the file simply has no requires-python.
      }
    }
    const author = await gitAuthor(dir);
    let meta: ProjectMetadata = {
      name: flags.name ?? projectNameFrom(basename(dir)),
      version: "0.1.0",
      description: undefined,
      author: author.name === undefined && author.email === undefined ? undefined : author,
      license: undefined,
      requiresPython,
      readme: await findReadme(dir),
    };
    if (flags.interactive) meta = await askProjectMetadata(ctx, meta);
    for (const warning of conversion?.warnings ?? []) p.warn(warning);
    const { text: out } = mergeProject("", newProjectData(meta, conversion));
    await checkBeforeWrite(ctx, target, "", out, (flags.force ?? false) || ctx.dryRun);
    if (format === "json") {
      if (!ctx.dryRun) await replaceUserFile(target, out, { expected: current });
      p.json("generate", {
        file: target,
        from: conversion?.source ?? null,
        replaced: exists,
        warnings: conversion?.warnings ?? [],
        written: !ctx.dryRun,
        dry_run: ctx.dryRun,
        text: out,
      });
      return;
    }
    if (ctx.dryRun) {
      p.data(out.replace(/\n$/, ""));
      p.info(`Dry run: ${target} was not written`);
      return;
    }
    await replaceUserFile(target, out, { expected: current });
    p.success(
      `${exists ? "Replaced" : "Wrote"} ${target}` +
        (conversion === undefined ? "" : ` from ${basename(conversion.source)}`),
    );
    p.info(`  Next: gestvenv validate ${what}   gestvenv create-from-pyproject ${meta.name}`);
  }, { effect: "changes" }),
});
