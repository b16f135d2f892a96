import { parse } from "npm:smol-toml@1.9.1";
import { ConfigError } from "../errors/mod.ts";
import { normalizeName } from "../pep508/mod.ts";
import { parseSpecifierSet, type SpecifierSet } from "../pep440/mod.ts";
import { type DependencyGroups, readDependencyGroups } from "./dependency_groups.ts";
import { invalid, type ProjectRequirement, requirementList } from "./requirement_list.ts";

/**
 * What gestvenv reads of a pyproject.toml: `[project]` (PEP 621, optional: a file may hold only
 * `[dependency-groups]`) and `[dependency-groups]` (PEP 735).
 */
export interface Pyproject {
  /** Absolute path of the file. */
  file: string;
  /** Absolute path of the directory holding it (the project root). */
  root: string;
  /** `[project]`, or null when the file has none. */
  project: {
    /** `project.name`, as written. */
    name: string;
    /** `project.version`, or null when it is listed in `dynamic`. */
    version: string | null;
    /** `project.requires-python` parsed (PEP 440 specifiers), or null when absent. */
    requiresPython: SpecifierSet | null;
    /** `project.requires-python` as written, or null. */
    requiresPythonText: string | null;
    /** `project.dependencies`. */
    dependencies: ProjectRequirement[];
    /** `project.optional-dependencies`, keyed by normalized extra name. */
    optionalDependencies: Map<string, ProjectRequirement[]>;
  } | null;
  /** `[dependency-groups]`, keyed by normalized group name, includes not yet expanded. */
  groups: DependencyGroups;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Parses the text of a pyproject.toml (PEP 518 file, PEP 621 `[project]`, PEP 735
 * `[dependency-groups]`). Every requirement is checked with our PEP 508 parser.
 *
 * @param text The file's contents.
 * @param file Its absolute path (named in errors; its directory is the project root).
 * @throws {ConfigError} (exit 10) For invalid TOML, a wrong type, a missing `name`, a missing
 *   `version` not declared `dynamic`, an invalid requirement or `requires-python`, or an invalid
 *   dependency group; the message names the file and the key to fix.
 */
export function parsePyproject(text: string, file: string): Pyproject {
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${file} is not valid TOML: ${(error as Error).message.split("\n")[0]}`, {
      cause: error,
      hint: "Fix the TOML syntax at the position given",
    });
  }
  const root = file.replace(/[\\/][^\\/]*$/, "") || "/";
  const raw = data.project;
  let project: Pyproject["project"] = null;
  if (raw !== undefined) {
    if (!isObject(raw)) throw invalid(file, "`[project]` must be a table");
    if (typeof raw.name !== "string" || raw.name === "") {
      throw invalid(file, "`project.name` is missing or not a string", 'Add `name = "..."`');
    }
    const dynamic = raw.dynamic === undefined ? [] : raw.dynamic;
    if (!Array.isArray(dynamic) || !dynamic.every((d) => typeof d === "string")) {
      throw invalid(file, "`project.dynamic` must be a list of strings");
    }
    let version: string | null = null;
    if (raw.version !== undefined) {
      if (typeof raw.version !== "string") {
        throw invalid(file, "`project.version` must be a string");
      }
      if (dynamic.includes("version")) {
        throw invalid(file, "`project.version` is both set and listed in `dynamic`", "Keep one");
      }
      version = raw.version;
    } else if (!dynamic.includes("version")) {
      throw invalid(
        file,
        "`project.version` is missing and not listed in `project.dynamic`",
        'Add `version = "0.1.0"` or `dynamic = ["version"]` (PEP 621)',
      );
    }
    let requiresPython: SpecifierSet | null = null;
    let requiresPythonText: string | null = null;
    if (raw["requires-python"] !== undefined) {
      const rp = raw["requires-python"];
      if (typeof rp !== "string") throw invalid(file, "`project.requires-python` must be a string");
      try {
        requiresPython = parseSpecifierSet(rp, file);
      } catch (error) {
        throw invalid(
          file,
          `\`project.requires-python\` = "${rp}" is not a PEP 440 specifier set`,
          'Write it like ">=3.10" or ">=3.9,<4"',
          error,
        );
      }
      requiresPythonText = rp;
    }
    const dependencies = requirementList(file, raw.dependencies, "project.dependencies");
    const optionalDependencies = new Map<string, ProjectRequirement[]>();
    const optional = raw["optional-dependencies"];
    if (optional !== undefined) {
      if (!isObject(optional)) {
        throw invalid(file, "`project.optional-dependencies` must be a table of lists");
      }
      for (const [extra, list] of Object.entries(optional)) {
        optionalDependencies.set(
          normalizeName(extra),
          requirementList(file, list, `project.optional-dependencies.${extra}`),
        );
      }
    }
    project = {
      name: raw.name,
      version,
      requiresPython,
      requiresPythonText,
      dependencies,
      optionalDependencies,
    };
  }
  return { file, root, project, groups: readDependencyGroups(file, data["dependency-groups"]) };
}

/**
 * Reads and parses a pyproject.toml (see {@linkcode parsePyproject}).
 *
 * @param file Absolute path of the file.
 * @throws {ConfigError} (exit 10) When the file cannot be read or is invalid.
 */
export async function readPyproject(file: string): Promise<Pyproject> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: "Give the path of a pyproject.toml, or of the directory holding it",
    });
  }
  return parsePyproject(text, file);
}
