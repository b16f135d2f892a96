import { ConfigError } from "../errors/mod.ts";
import { normalizeName } from "../pep508/mod.ts";
import { checkDependencyGroups, resolveDependencyGroup } from "./dependency_groups.ts";
import type { Pyproject } from "./pyproject.ts";

/** What to take from a project: which extras and groups. */
export interface ProjectSelection {
  /** Extras of `[project.optional-dependencies]` (any spelling; normalized). @default [] */
  extras?: string[];
  /** PEP 735 groups (any spelling; normalized). @default [] */
  groups?: string[];
  /** Every group of `[dependency-groups]`. @default false */
  allGroups?: boolean;
}

/** The requirements a project's environment gets, and the normalized choices that gave them. */
export interface ProjectRequirements {
  /**
   * PEP 508 strings, in order: `project.dependencies`, the chosen extras' lists, the chosen groups
   * (includes expanded); each text once.
   */
  requirements: string[];
  /** The chosen extras, normalized, in the order asked. */
  extras: string[];
  /** The chosen groups, normalized, in the order asked (all groups for `allGroups`). */
  groups: string[];
}

/**
 * Collects the requirements of a project's dependencies, the chosen extras
 * (`[project.optional-dependencies]`, PEP 621) and the chosen dependency groups (PEP 735,
 * `include-group` expanded). Every group of the file is checked, not only the chosen ones.
 *
 * @throws {ConfigError} (exit 10) For an unknown extra or group (the known ones listed), an
 *   include cycle, or extras asked of a file without `[project]`.
 */
export function projectRequirements(
  pyproject: Pyproject,
  selection: ProjectSelection = {},
): ProjectRequirements {
  const file = pyproject.file;
  checkDependencyGroups(file, pyproject.groups);
  const extras = unique((selection.extras ?? []).map(normalizeName));
  const groups = selection.allGroups
    ? [...pyproject.groups.keys()]
    : unique((selection.groups ?? []).map(normalizeName));
  const texts: string[] = [];
  const add = (t: string) => {
    if (!texts.includes(t)) texts.push(t);
  };
  const project = pyproject.project;
  if (extras.length > 0 && project === null) {
    throw new ConfigError(`${file} has no \`[project]\` table, so no extras`, {
      hint: "Drop `--extras`, or declare `[project.optional-dependencies]`",
    });
  }
  for (const dep of project?.dependencies ?? []) add(dep.text);
  for (const extra of extras) {
    const list = project!.optionalDependencies.get(extra);
    if (list === undefined) {
      const known = [...project!.optionalDependencies.keys()];
      throw new ConfigError(
        `${file}: no extra \`${extra}\` in \`[project.optional-dependencies]\` (extras: ${
          known.length === 0 ? "none" : known.join(", ")
        })`,
        { hint: "Pick one of the extras the project declares" },
      );
    }
    for (const dep of list) add(dep.text);
  }
  for (const group of groups) {
    for (const dep of resolveDependencyGroup(file, pyproject.groups, group)) add(dep.text);
  }
  return { requirements: texts, extras, groups };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
