import { ConfigError } from "../errors/mod.ts";

/** A value a template variable can hold: text, or a switch (`docker`). */
export type TemplateValue = string | boolean;

/** One `[variables.<name>]` table of a `template.toml`. */
export interface TemplateVariable {
  /** The value used when none is given (`--var`, a flag); text or a boolean switch. */
  readonly default: TemplateValue;
  /** What the variable means, as a question (`template info` shows it). */
  readonly prompt?: string;
  /** The only values accepted, when the variable is a choice (`framework`). */
  readonly choices?: readonly string[];
}

/**
 * A template's `template.toml` (gestvenv's own format, issue 10 §4): what the template is, what
 * it extends and how its files are chosen. Maps are keyed by variable name or path, so a name such
 * as `constructor` is plain data.
 */
export interface TemplateManifest {
  /** One line shown by `template list`. */
  readonly description: string;
  /** The template whose files come first (this one's replace them by path), if any. */
  readonly base?: string;
  /** PEP 735 dependency groups installed when the environment is created; undefined: the base's. */
  readonly groups?: readonly string[];
  /** Globs (relative to `files/`) of files copied without rendering their contents. */
  readonly verbatim: readonly string[];
  /** Globs (relative to `files/`) of the base's files this template leaves out. */
  readonly skip: readonly string[];
  /** The template's own variables, by name, in file order. */
  readonly variables: ReadonlyMap<string, TemplateVariable>;
  /**
   * Conditions: a path under `files/` (or a directory prefix ending in `/`) → a Liquid expression
   * (`docker`, `framework == 'flask'`); the file is written only when it holds.
   */
  readonly when: ReadonlyMap<string, string>;
}

const TOP_KEYS = new Set([
  "description",
  "base",
  "groups",
  "verbatim",
  "skip",
  "variables",
  "when",
]);
const VARIABLE_KEYS = new Set(["default", "prompt", "choices"]);

/** A variable name: a Liquid (and Python) identifier. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

function stringList(value: unknown, where: string, source: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new ConfigError(`${source}: \`${where}\` must be a list of strings`, {
      hint: `Write it as \`${where} = ["…"]\``,
    });
  }
  return value as string[];
}

/**
 * Parses and checks a `template.toml`: `description`, `base`, `groups`, `verbatim`, `skip`,
 * `[variables.<name>]` (`default`, `prompt`, `choices`) and `[when]`. Unknown keys are errors, so a
 * typo is not silently ignored.
 *
 * @param text The file's contents (TOML 1.0).
 * @param source Where it came from, for messages (`templates/projects/basic/template.toml`).
 * @throws {ConfigError} On invalid TOML, an unknown key, a value of the wrong type, a variable
 *   whose default is not among its choices, or a bad variable name.
 */
export async function parseTemplateManifest(
  text: string,
  source: string,
): Promise<TemplateManifest> {
  const { parse } = await import("npm:smol-toml@1.9.1");
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${source} is not valid TOML: ${(error as Error).message}`, {
      cause: error,
      hint: "Fix the file (TOML 1.0)",
    });
  }
  const fail = (why: string, hint: string): never => {
    throw new ConfigError(`${source}: ${why}`, { hint });
  };
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key)) {
      fail(
        `unknown key \`${key}\``,
        `Keys are ${[...TOP_KEYS].map((k) => `\`${k}\``).join(", ")}`,
      );
    }
  }
  const description = doc.description ?? "";
  if (typeof description !== "string") fail("`description` must be a string", "Quote it");
  const base = doc.base;
  if (base !== undefined && (typeof base !== "string" || base === "")) {
    fail("`base` must be a template name", 'Write `base = "basic"`');
  }
  const variables = new Map<string, TemplateVariable>();
  const rawVariables = doc.variables ?? {};
  if (!isTable(rawVariables)) fail("`variables` must be a table", "Write `[variables.NAME]`");
  for (const [name, raw] of Object.entries(rawVariables as Record<string, unknown>)) {
    if (!VARIABLE_NAME.test(name)) {
      fail(
        `variable name \`${name}\` is not an identifier`,
        "Use letters, digits and `_`, not starting with a digit",
      );
    }
    if (!isTable(raw)) {
      fail(`\`variables.${name}\` must be a table`, `Write \`[variables.${name}]\``);
    }
    const table = raw as Record<string, unknown>;
    for (const key of Object.keys(table)) {
      if (!VARIABLE_KEYS.has(key)) {
        fail(`unknown key \`variables.${name}.${key}\``, "Keys are `default`, `prompt`, `choices`");
      }
    }
    const value = table.default ?? "";
    if (typeof value !== "string" && typeof value !== "boolean") {
      fail(`\`variables.${name}.default\` must be a string or a boolean`, "Quote it");
    }
    const prompt = table.prompt;
    if (prompt !== undefined && typeof prompt !== "string") {
      fail(`\`variables.${name}.prompt\` must be a string`, "Quote it");
    }
    const choices = table.choices === undefined
      ? undefined
      : stringList(table.choices, `variables.${name}.choices`, source);
    if (choices !== undefined && !choices.includes(String(value))) {
      fail(
        `the default of \`${name}\` (${JSON.stringify(value)}) is not one of its choices`,
        `Choose the default among ${choices.join(", ")}`,
      );
    }
    variables.set(name, {
      default: value as TemplateValue,
      ...(prompt === undefined ? {} : { prompt: prompt as string }),
      ...(choices === undefined ? {} : { choices }),
    });
  }
  const when = new Map<string, string>();
  const rawWhen = doc.when ?? {};
  if (!isTable(rawWhen)) {
    fail("`when` must be a table", 'Write `[when]` then `"path" = "condition"`');
  }
  for (const [path, condition] of Object.entries(rawWhen as Record<string, unknown>)) {
    if (typeof condition !== "string" || condition.trim() === "") {
      fail(`\`when."${path}"\` must be a Liquid condition`, `Write \`"${path}" = "docker"\``);
    }
    when.set(path, condition as string);
  }
  return {
    description: description as string,
    ...(base === undefined ? {} : { base: base as string }),
    ...(doc.groups === undefined ? {} : { groups: stringList(doc.groups, "groups", source) }),
    verbatim: doc.verbatim === undefined ? [] : stringList(doc.verbatim, "verbatim", source),
    skip: doc.skip === undefined ? [] : stringList(doc.skip, "skip", source),
    variables,
    when,
  };
}
