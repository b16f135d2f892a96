import { ConfigError } from "../errors/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";

/** One requirement of a pyproject.toml: its text as written and its parsed form (PEP 508). */
export interface ProjectRequirement {
  /** The string as written in the file. */
  text: string;
  /** The parsed requirement. */
  requirement: Requirement;
}

/** Parses a list of PEP 508 strings at `key`. @throws {ConfigError} */
export function requirementList(file: string, value: unknown, key: string): ProjectRequirement[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw invalid(file, `\`${key}\` must be a list of requirement strings`);
  }
  return value.map((item, i) => {
    if (typeof item !== "string") {
      throw invalid(file, `\`${key}[${i}]\` must be a requirement string`);
    }
    try {
      return { text: item, requirement: parseRequirement(item, file) };
    } catch (error) {
      throw invalid(
        file,
        `\`${key}[${i}]\` = "${item}" is not a valid PEP 508 requirement: ${
          (error as Error).message
        }`,
        'Write it like `name>=1.0` or `name[extra]; python_version < "3.12"`',
        error,
      );
    }
  });
}

/** A ConfigError naming the file. */
export function invalid(file: string, what: string, hint?: string, cause?: unknown): ConfigError {
  return new ConfigError(`${file}: ${what}`, {
    hint: hint ?? "Fix the value in pyproject.toml",
    cause,
  });
}
