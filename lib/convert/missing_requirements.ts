import { ConfigError } from "../errors/mod.ts";
import { parseSpecifierSet } from "../pep440/mod.ts";
import {
  formatRequirement,
  normalizeName,
  parseRequirement,
  type Requirement,
} from "../pep508/mod.ts";
import { parsePyproject } from "../pyproject/mod.ts";

/** An installed distribution nothing else in the environment requires (a "top-level" one). */
export interface TopLevelDistribution {
  /** Its name (any spelling; compared normalized, PEP 503). */
  name: string;
  /** Its installed version. */
  version: string;
}

/** Installer tools an environment may carry that are never a project's dependency. */
const TOOLS = new Set(["pip", "setuptools", "wheel"]);

/**
 * What `update pyproject.toml --add-missing` adds: the top-level distributions of an environment
 * that the project does not declare anywhere (`[project] dependencies`, an extra, a PEP 735
 * group), as requirements. A requirement the environment recorded with a version or URL
 * (`gestvenv install "flask<3"`) is kept (extras and markers too); otherwise
 * `name>=installed version` (what `uv add` writes).
 * The project itself and pip/setuptools/wheel are never added.
 *
 * @param text The pyproject.toml's contents.
 * @param file Its path (for messages).
 * @param topLevel The environment's top-level distributions.
 * @param recorded The environment's recorded requirements (its record's `requirements`).
 * @returns Requirements to add, sorted by name.
 * @throws {ConfigError} (exit 10) When the file is not a valid pyproject.toml or has no
 *   `[project]` table.
 */
export function missingRequirements(
  text: string,
  file: string,
  topLevel: TopLevelDistribution[],
  recorded: string[],
): string[] {
  const pyproject = parsePyproject(text, file);
  if (pyproject.project === null) {
    throw new ConfigError(`${file} has no [project] table to add dependencies to`, {
      hint: "Add [project] with a name and a version, or run `gestvenv generate pyproject.toml`",
    });
  }
  const declared = new Set<string>([normalizeName(pyproject.project.name)]);
  for (const r of pyproject.project.dependencies) declared.add(r.requirement.normalizedName);
  for (const list of pyproject.project.optionalDependencies.values()) {
    for (const r of list) declared.add(r.requirement.normalizedName);
  }
  for (const group of pyproject.groups.values()) {
    for (const entry of group.entries) {
      if (entry.kind === "requirement") declared.add(entry.value.requirement.normalizedName);
    }
  }
  const recordedByName = new Map<string, Requirement>();
  for (const text of recorded) {
    try {
      const parsed = parseRequirement(text);
      recordedByName.set(parsed.normalizedName, parsed);
    } catch {
      // `-e path` or a file: not a named requirement.
    }
  }
  const out: string[] = [];
  for (const dist of topLevel) {
    const name = normalizeName(dist.name);
    if (declared.has(name) || TOOLS.has(name)) continue;
    const asked = recordedByName.get(name);
    if (asked !== undefined && (asked.url !== null || asked.specifier.specifiers.length > 0)) {
      out.push(formatRequirement(asked));
    } else {
      // Asked without a version (or not recorded): at least what is installed, as `uv add` does.
      out.push(formatRequirement({
        ...(asked ?? parseRequirement(dist.name)),
        specifier: parseSpecifierSet(`>=${dist.version}`),
      }));
    }
    declared.add(name);
  }
  return out.sort((a, b) => a.localeCompare(b));
}
