import { UsageError } from "../errors/mod.ts";
import {
  closestNames,
  formatAlternatives,
  isValidProjectName,
  normalizeName,
} from "../names/mod.ts";
import type { ResolvedTemplate } from "./project_template.ts";
import { type TemplateValue, type TemplateVariable, VARIABLE_NAME } from "./template_manifest.ts";

/** Python's keywords (3.13 `keyword.kwlist`): not usable as an import name. */
const PYTHON_KEYWORDS = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

/** The values of the standard variables that come from the machine (git, the interpreter, the clock). */
export interface StandardDefaults {
  /** `git config user.name`, if any. */
  readonly author?: string | undefined;
  /** `git config user.email`, if any. */
  readonly email?: string | undefined;
  /** `3.11`-style version of the interpreter the project will use, if known. */
  readonly pythonVersion?: string | undefined;
  /** The current year. */
  readonly year?: number | undefined;
}

/**
 * The standard variables every template has (issue 10 §4, spec 001 "Variables de template") with
 * their defaults: `project_name` (as given), `package_name` (derived, see
 * {@linkcode packageNameFor}), `author`, `email`, `version` (0.1.0), `description`, `license` (MIT,
 * an SPDX expression, PEP 639), `python_version` (`3.11`), `year`, `framework`, `docker` (false).
 * A template's `[variables]` may override a default (`framework` in `web`).
 */
export function standardVariables(defaults: StandardDefaults = {}): Map<string, TemplateVariable> {
  const v = (value: TemplateValue, prompt: string): TemplateVariable => ({
    default: value,
    prompt,
  });
  return new Map([
    ["project_name", v("", "Project name (PEP 508 distribution name)")],
    ["package_name", v("", "Import name (default: the project name, PEP 503-normalized, - → _)")],
    ["author", v(defaults.author ?? "", "Author (default: git config user.name)")],
    ["email", v(defaults.email ?? "", "Author email (default: git config user.email)")],
    ["version", v("0.1.0", "Initial version (PEP 440)")],
    ["description", v("", "One-line description")],
    ["license", v("MIT", "License (SPDX expression, PEP 639)")],
    ["python_version", v(defaults.pythonVersion ?? "3.11", "Lowest Python version (X.Y)")],
    ["year", v(String(defaults.year ?? new Date().getFullYear()), "Copyright year")],
    ["framework", v("", "Web framework, for templates that offer one")],
    ["docker", v(false, "Add a Dockerfile")],
  ]);
}

/**
 * The PEP 8 import name of a project: its PEP 503-normalized name with `-` (and `.`) turned into
 * `_` (`My.Project` → `my_project`).
 */
export function packageNameFor(projectName: string): string {
  return normalizeName(projectName).replace(/[-.]/g, "_");
}

/**
 * Parses one `--var key=value`.
 *
 * @throws {UsageError} Without `=`, or when the key is not an identifier.
 */
export function parseVarAssignment(assignment: string): [string, string] {
  const at = assignment.indexOf("=");
  const key = at < 0 ? "" : assignment.slice(0, at).trim();
  if (at < 0 || !VARIABLE_NAME.test(key)) {
    throw new UsageError(`\`--var ${assignment}\` is not KEY=VALUE`, {
      hint: "Write `--var key=value`, the key a variable name (`gestvenv template info NAME`)",
    });
  }
  return [key, assignment.slice(at + 1)];
}

const TRUE = new Set(["true", "yes", "y", "on", "1"]);
const FALSE = new Set(["false", "no", "n", "off", "0"]);

/** What {@linkcode templateValues} is given. */
export interface TemplateValueInput {
  /** The project name as the user typed it. */
  readonly projectName: string;
  /** Values given by dedicated flags (`--author` → `author`, `--docker` → `docker`). */
  readonly given?: ReadonlyMap<string, TemplateValue>;
  /** `--var key=value` assignments, applied after {@linkcode given}. */
  readonly vars?: readonly string[];
  /** Defaults from the machine. */
  readonly defaults?: StandardDefaults;
}

/**
 * Every variable's value for rendering `template`: the standard defaults, overridden by the
 * template chain's `[variables]` defaults, then the flags, then `--var`; `package_name` derived
 * from `project_name` unless given. Values whose default is a boolean take `true/false/yes/no/
 * y/n/on/off/1/0`. Everything is checked before anything is written: the project name (PEP 508), the
 * import name (a Python identifier, not a keyword), `python_version` (`X.Y`), `version` (digits
 * and dots, PEP 440 release), and the choices of choice variables.
 *
 * @returns A null-prototype record (a variable may be called `constructor`).
 * @throws {UsageError} For an unknown `--var` key, a value outside a variable's choices, a
 *   boolean that is not one, or an invalid name or version.
 */
export function templateValues(
  template: ResolvedTemplate,
  input: TemplateValueInput,
): Record<string, TemplateValue> {
  const specs = standardVariables(input.defaults);
  for (const [k, v] of template.variables) specs.set(k, v);
  const values: Record<string, TemplateValue> = Object.create(null);
  for (const [k, v] of specs) values[k] = v.default;
  const set = (key: string, raw: TemplateValue, how: string) => {
    const spec = specs.get(key);
    if (spec === undefined) {
      const close = closestNames(key, specs.keys());
      throw new UsageError(`Template \`${template.template.name}\` has no variable \`${key}\``, {
        hint: close.length > 0
          ? `Did you mean ${formatAlternatives(close)}?`
          : `Its variables: ${[...specs.keys()].join(", ")}`,
      });
    }
    let value = raw;
    if (typeof spec.default === "boolean" && typeof raw === "string") {
      const lower = raw.trim().toLowerCase();
      if (!TRUE.has(lower) && !FALSE.has(lower)) {
        throw new UsageError(`${how}: \`${key}\` is a switch, not ${JSON.stringify(raw)}`, {
          hint: `Write \`--var ${key}=true\` or \`--var ${key}=false\``,
        });
      }
      value = TRUE.has(lower);
    }
    if (spec.choices !== undefined && !spec.choices.includes(String(value))) {
      throw new UsageError(
        `${how}: \`${key}\` must be one of ${spec.choices.join(", ")}, not ${
          JSON.stringify(value)
        }`,
        {
          hint: `Choose among ${spec.choices.join(", ")}`,
        },
      );
    }
    values[key] = value;
  };
  values.project_name = input.projectName;
  for (const [k, v] of input.given ?? []) set(k, v, `--${k.replace(/_/g, "-")}`);
  for (const assignment of input.vars ?? []) {
    const [k, v] = parseVarAssignment(assignment);
    set(k, v, `--var ${k}`);
  }
  const projectName = String(values.project_name);
  if (!isValidProjectName(projectName)) {
    throw new UsageError(`\`${projectName}\` is not a valid project name (PEP 508)`, {
      hint:
        "Use ASCII letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit",
    });
  }
  if (values.package_name === "") values.package_name = packageNameFor(projectName);
  const packageName = String(values.package_name);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(packageName) || PYTHON_KEYWORDS.has(packageName)) {
    throw new UsageError(
      `\`${packageName}\` (the import name of \`${projectName}\`) is not a Python identifier`,
      {
        hint: PYTHON_KEYWORDS.has(packageName)
          ? `It is a Python keyword: choose another with \`--var package_name=${packageName}_pkg\``
          : "Choose a project name starting with a letter, or give `--var package_name=NAME`",
      },
    );
  }
  if (!/^\d+\.\d+$/.test(String(values.python_version))) {
    throw new UsageError(
      `python_version must be X.Y (e.g. 3.11), not ${JSON.stringify(values.python_version)}`,
      {
        hint: "Give `--python-version 3.12`",
      },
    );
  }
  if (!/^\d+(\.\d+)*$/.test(String(values.version))) {
    throw new UsageError(
      `version must be a release number (e.g. 0.1.0), not ${JSON.stringify(values.version)}`,
      {
        hint: "Give `--var version=0.1.0`",
      },
    );
  }
  return values;
}
