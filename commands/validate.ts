import { buildCommand } from "npm:@stricli/core@1.3.0";
import { ConfigError, EXIT_CODE } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, toggle } from "./_help.ts";

interface ValidateFlags extends GlobalFlags {
  readonly strict?: boolean;
  readonly suggest?: boolean;
}

/** `gestvenv validate [FILE]`: checks a pyproject.toml (PEP 621/508/518/639/735/440). */
export const validateCommand = buildCommand<ValidateFlags, [string | undefined], CliContext>({
  docs: {
    brief: "Check a pyproject.toml: [project] metadata, requirements, groups, build-system",
    fullDescription: examples([
      ["gestvenv validate", "./pyproject.toml; exit 10 when it has errors"],
      ["gestvenv validate app/pyproject.toml --strict", "warnings count as errors"],
      ["gestvenv validate --suggest", "also propose improvements"],
      ["gestvenv validate --format json", "the diagnostics as JSON"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      strict: toggle("Treat warnings as errors"),
      suggest: toggle(
        "Also suggest improvements (requires-python, readme, pinned build requirements…)",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [optionalText("The file to check (default: ./pyproject.toml)", "file")],
    },
  },
  func: action("validate", async (ctx, flags: ValidateFlags, fileArg: string | undefined) => {
    const { validatePyproject } = await import("../lib/pyproject/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const file = fileArg ?? "pyproject.toml";
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (exc) {
      throw new ConfigError(
        `Cannot read \`${file}\`: ${exc instanceof Error ? exc.message : String(exc)}`,
        {
          hint:
            "Run it in a project directory, or give the file: `gestvenv validate path/to/pyproject.toml`",
        },
      );
    }
    const result = validatePyproject(text, {
      strict: flags.strict ?? false,
      suggest: flags.suggest ?? false,
    });
    const count = (s: string) => result.diagnostics.filter((d) => d.severity === s).length;
    const errors = count("error");
    const warnings = count("warning");
    const suggestions = count("suggestion");
    if (format === "json") {
      ctx.printer.json(
        "validate",
        { file, valid: result.valid, diagnostics: result.diagnostics },
        result.valid ? "success" : "error",
      );
      return result.valid ? EXIT_CODE.OK : EXIT_CODE.CONFIG;
    }
    const p = ctx.printer;
    if (result.diagnostics.length > 0) {
      const paint = (s: string) =>
        s === "error" ? p.out.red(s) : s === "warning" ? p.out.yellow(s) : p.out.cyan(s);
      await p.table(
        ["Location", "Severity", "Code", "Path", "Message"],
        result.diagnostics.map((d) => [
          d.line === undefined ? file : `${file}:${d.line}:${d.column}`,
          paint(d.severity),
          d.code,
          d.path,
          d.message,
        ]),
      );
    }
    const summary = `${errors} error(s), ${warnings} warning(s)` +
      (flags.suggest ? `, ${suggestions} suggestion(s)` : "");
    if (result.valid) {
      p.success(`\`${file}\` is valid: ${summary}`);
      return EXIT_CODE.OK;
    }
    p.error(
      new ConfigError(`\`${file}\` is not valid: ${summary}`, {
        hint: flags.strict && warnings === 0 && errors > 0
          ? "Fix the errors above (--strict counts warnings as errors)"
          : "Fix the errors above",
      }),
    );
    return EXIT_CODE.CONFIG;
  }, { effect: "reads" }),
});
