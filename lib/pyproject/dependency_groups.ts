import { normalizeName } from "../pep508/mod.ts";
import { invalid, type ProjectRequirement, requirementList } from "./requirement_list.ts";

/** One entry of a dependency group: a requirement, or `{include-group = "name"}` (PEP 735). */
export type GroupEntry =
  | { kind: "requirement"; value: ProjectRequirement }
  | { kind: "include"; group: string };

/** `[dependency-groups]` keyed by PEP 735 normalized group name (PEP 503 rules). */
export type DependencyGroups = Map<string, { name: string; entries: GroupEntry[] }>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Reads the `[dependency-groups]` table (PEP 735): each group is a list of PEP 508 strings and
 * `{include-group = "name"}` tables. Names are normalized (PEP 735 "Group names"); two names that
 * normalize the same are an error.
 *
 * @throws {ConfigError} (exit 10) For a wrong type, an invalid requirement, an unknown key in an
 *   include table, or duplicate names.
 */
export function readDependencyGroups(file: string, value: unknown): DependencyGroups {
  const groups: DependencyGroups = new Map();
  if (value === undefined) return groups;
  if (!isObject(value)) throw invalid(file, "`[dependency-groups]` must be a table of lists");
  for (const [name, list] of Object.entries(value)) {
    const key = normalizeName(name);
    const previous = groups.get(key);
    if (previous !== undefined) {
      throw invalid(
        file,
        `dependency groups \`${previous.name}\` and \`${name}\` have the same normalized name \`${key}\``,
        "Rename or merge one of them (PEP 735 normalizes group names like project names)",
      );
    }
    if (!Array.isArray(list)) throw invalid(file, `\`dependency-groups.${name}\` must be a list`);
    const entries: GroupEntry[] = list.map((item, i) => {
      const at = `dependency-groups.${name}[${i}]`;
      if (typeof item === "string") {
        return { kind: "requirement", value: requirementList(file, [item], at)[0]! };
      }
      if (isObject(item)) {
        const keys = Object.keys(item);
        if (keys.length !== 1 || typeof item["include-group"] !== "string") {
          throw invalid(
            file,
            `\`${at}\` is a table but not \`{include-group = "NAME"}\``,
            'A group entry is a requirement string or `{include-group = "other"}` (PEP 735)',
          );
        }
        return { kind: "include", group: item["include-group"] as string };
      }
      throw invalid(file, `\`${at}\` must be a requirement string or an include-group table`);
    });
    groups.set(key, { name, entries });
  }
  return groups;
}

/**
 * Expands one group into its requirements, following `include-group` recursively (PEP 735
 * "Dependency Group Include"); a requirement reached twice is listed once.
 *
 * @param file The pyproject.toml path, for errors.
 * @param groups The file's groups.
 * @param name The group to expand (normalized here).
 * @throws {ConfigError} (exit 10) For an unknown group (with the known ones listed) or an include
 *   cycle (with its path).
 */
export function resolveDependencyGroup(
  file: string,
  groups: DependencyGroups,
  name: string,
): ProjectRequirement[] {
  const out: ProjectRequirement[] = [];
  const seen = new Set<string>();
  const known = () =>
    groups.size === 0 ? "none" : [...groups.values()].map((g) => g.name).join(", ");
  const visit = (group: string, path: string[], from: string | null) => {
    const key = normalizeName(group);
    const entry = groups.get(key);
    if (entry === undefined) {
      throw invalid(
        file,
        from === null
          ? `no dependency group \`${group}\` (groups: ${known()})`
          : `dependency group \`${from}\` includes unknown group \`${group}\` (groups: ${known()})`,
        from === null
          ? "Pick a group defined in `[dependency-groups]`"
          : "Define that group in `[dependency-groups]` or fix the `include-group` name",
      );
    }
    if (path.includes(key)) {
      const cycle = [...path.slice(path.indexOf(key)), key].map((k) => groups.get(k)!.name);
      throw invalid(
        file,
        `dependency groups include each other in a cycle: ${cycle.join(" -> ")}`,
        "Remove one of the `include-group` entries of the cycle (PEP 735 forbids cycles)",
      );
    }
    for (const item of entry.entries) {
      if (item.kind === "include") {
        visit(item.group, [...path, key], entry.name);
      } else if (!seen.has(item.value.text)) {
        seen.add(item.value.text);
        out.push(item.value);
      }
    }
  };
  visit(name, [], null);
  return out;
}

/**
 * Checks every group of the file (unknown includes, cycles), as a project's environment needs
 * all of them valid even when only some are installed.
 *
 * @throws {ConfigError} (exit 10) As {@linkcode resolveDependencyGroup}.
 */
export function checkDependencyGroups(file: string, groups: DependencyGroups): void {
  for (const key of groups.keys()) resolveDependencyGroup(file, groups, key);
}
