import { ConfigError, UsageError } from "../errors/mod.ts";
import type { HomeLayout } from "../paths/mod.ts";
import { validatePyproject } from "../pyproject/mod.ts";
import type { ResolvedTemplate } from "./project_template.ts";
import { type RenderedFile, renderTemplate } from "./render_template.ts";
import { resolveTemplate } from "./template_catalog.ts";
import type { TemplateValue, TemplateVariable } from "./template_manifest.ts";
import {
  type StandardDefaults,
  standardVariables,
  type TemplateValueInput,
  templateValues,
} from "./template_values.ts";

/** A project rendered in memory from a template, ready to be written. */
export interface GeneratedProject {
  /** The template and its base chain. */
  readonly template: ResolvedTemplate;
  /** Every variable's value. */
  readonly values: Readonly<Record<string, TemplateValue>>;
  /** The files, sorted by path. */
  readonly files: readonly RenderedFile[];
  /** `validate`'s warnings about the generated pyproject.toml (`license-unknown-id`…). */
  readonly warnings: readonly string[];
}

/**
 * Checks the rendered `pyproject.toml` (when the template has one) with `validate`'s rules (PEP
 * 621, 508, 639, 735) before anything is written.
 *
 * @returns Its warnings, as `pyproject.toml:LINE: message` lines.
 * @throws {ConfigError} Listing the errors (e.g. a `--license` that is no SPDX expression).
 */
export function checkGeneratedPyproject(name: string, files: readonly RenderedFile[]): string[] {
  const pyproject = files.find((f) => f.path === "pyproject.toml");
  if (pyproject === undefined) return [];
  const result = validatePyproject(new TextDecoder().decode(pyproject.content));
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) {
    return result.diagnostics.filter((d) => d.severity === "warning").map((d) =>
      `pyproject.toml${d.line === undefined ? "" : `:${d.line}`}: ${d.message}`
    );
  }
  throw new ConfigError(`Template \`${name}\` with these values gives an invalid pyproject.toml`, {
    details: errors.map((d) =>
      `${d.line === undefined ? "" : `${d.line}:${d.column ?? 1}: `}${d.message}` +
      (d.path === "" ? "" : ` (${d.path})`)
    ).join("\n"),
    hint: "Check the values given (`--license` takes an SPDX expression such as MIT or Apache-2.0)",
  });
}

/**
 * Whether any file of the template (contents, path or `[when]` condition) names the variable
 * `key`: a flag given for a variable no file uses is worth a warning (`--framework` with `basic`).
 */
export function usesVariable(template: ResolvedTemplate, key: string): boolean {
  const word = new RegExp(`(?<![A-Za-z0-9_])${key}(?![A-Za-z0-9_])`);
  return template.files.some((f) =>
    word.test(f.path) || f.conditions.some((c) => word.test(c)) ||
    (!f.verbatim && f.file.text !== undefined && word.test(f.file.text))
  );
}

/** The standard variables worth asking for (`--interactive`), in this order. */
const ASKED_STANDARD = ["description", "author", "email", "license", "python_version"];

/**
 * The variables `--interactive` asks for, with their defaults, prompts and choices: the standard
 * ones people set (`description`, `author`, `email`, `license`, `python_version`, `framework`,
 * `docker`) that the template uses, then the template's own variables; those in `given` (set by a
 * flag or `--var`) are left out.
 */
export function promptableVariables(
  template: ResolvedTemplate,
  defaults: StandardDefaults,
  given: ReadonlySet<string>,
): Array<{ name: string } & TemplateVariable> {
  const standard = standardVariables(defaults);
  const names = [
    ...[...ASKED_STANDARD, "framework", "docker"].filter((k) => usesVariable(template, k)),
    ...template.variables.keys(),
  ].filter((k, i, all) => all.indexOf(k) === i && !given.has(k));
  return names.map((name) => ({
    name,
    ...(template.variables.get(name) ?? standard.get(name)!),
  }));
}

/**
 * Resolves a template (built-in or the user's, with its `base` chain), computes its variables
 * (see {@linkcode templateValues}), renders every file in memory and checks the generated
 * pyproject.toml. Nothing is written; {@linkcode writeProject} writes the result.
 * Requires `--allow-read` (user templates).
 *
 * @throws {UsageError} For an unknown template or an invalid value or name.
 * @throws {ConfigError} For a broken template or an invalid generated pyproject.toml.
 */
export async function generateProject(
  templateName: string,
  home: HomeLayout,
  input: TemplateValueInput,
): Promise<GeneratedProject> {
  if (input.projectName === "") throw new UsageError("The project name is empty");
  const template = await resolveTemplate(templateName, home);
  const values = templateValues(template, input);
  const files = await renderTemplate(template, values);
  const warnings = checkGeneratedPyproject(templateName, files);
  for (const key of input.given?.keys() ?? []) {
    if (!usesVariable(template, key)) {
      warnings.push(
        `Template \`${templateName}\` does not use \`${key}\`: --${
          key.replace(/_/g, "-")
        } changes nothing`,
      );
    }
  }
  return { template, values, files, warnings };
}
