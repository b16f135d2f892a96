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

/** One group of `[dependency-groups]` as written (PEP 735), items with their positions. */
export interface GroupShape {
  /** The name as written. */
  name: string;
  /** The normalized name (PEP 503 rules). */
  key: string;
  /** Its requirement strings and `include-group` names, each with its index in the list. */
  items: Array<
    | { index: number; kind: "requirement"; text: string }
    | { index: number; kind: "include"; group: string }
  >;
}

/** A problem of the shape of `[dependency-groups]`, found by {@linkcode scanDependencyGroups}. */
export type GroupShapeProblem =
  /** The value is not a table. */
  | { kind: "not-table"; value: unknown }
  /** Two names normalize the same (`earlier` came first). */
  | { kind: "duplicate"; name: string; earlier: string; key: string }
  /** A group is not a list. */
  | { kind: "not-list"; name: string; value: unknown }
  /** An item is a table other than `{include-group = "NAME"}`. */
  | { kind: "bad-include"; name: string; index: number }
  /** An item is neither a string nor a table. */
  | { kind: "bad-item"; name: string; index: number; value: unknown };

/**
 * Walks the `[dependency-groups]` table (PEP 735) once: the groups and their items, and every
 * shape problem in the file's order. The one reading behind {@linkcode readDependencyGroups}
 * (which throws the first problem) and `validate` (which reports all, with positions).
 * Requirement strings are not parsed here.
 */
export function scanDependencyGroups(
  value: unknown,
): { groups: GroupShape[]; problems: GroupShapeProblem[] } {
  const groups: GroupShape[] = [];
  const problems: GroupShapeProblem[] = [];
  if (value === undefined) return { groups, problems };
  if (!isObject(value)) return { groups, problems: [{ kind: "not-table", value }] };
  const byKey = new Map<string, string>();
  for (const [name, list] of Object.entries(value)) {
    const key = normalizeName(name);
    const earlier = byKey.get(key);
    if (earlier !== undefined) problems.push({ kind: "duplicate", name, earlier, key });
    byKey.set(key, name);
    const group: GroupShape = { name, key, items: [] };
    groups.push(group);
    if (!Array.isArray(list)) {
      problems.push({ kind: "not-list", name, value: list });
      continue;
    }
    list.forEach((item: unknown, index) => {
      if (typeof item === "string") {
        group.items.push({ index, kind: "requirement", text: item });
      } else if (isObject(item)) {
        const keys = Object.keys(item);
        if (keys.length !== 1 || typeof item["include-group"] !== "string") {
          problems.push({ kind: "bad-include", name, index });
        } else {
          group.items.push({ index, kind: "include", group: item["include-group"] as string });
        }
      } else {
        problems.push({ kind: "bad-item", name, index, value: item });
      }
    });
  }
  return { groups, problems };
}

/**
 * Reads the `[dependency-groups]` table (PEP 735): each group is a list of PEP 508 strings and
 * `{include-group = "name"}` tables. Names are normalized (PEP 735 "Group names"); two names that
 * normalize the same are an error.
 *
 * @throws {ConfigError} (exit 10) For a wrong type, an invalid requirement, an unknown key in an
 *   include table, or duplicate names.
 */
export function readDependencyGroups(file: string, value: unknown): DependencyGroups {
  const { groups: shapes, problems } = scanDependencyGroups(value);
  const [first] = problems;
  if (first !== undefined) {
    switch (first.kind) {
      case "not-table":
        throw invalid(file, "`[dependency-groups]` must be a table of lists");
      case "duplicate":
        throw invalid(
          file,
          `dependency groups \`${first.earlier}\` and \`${first.name}\` have the same normalized name \`${first.key}\``,
          "Rename or merge one of them (PEP 735 normalizes group names like project names)",
        );
      case "not-list":
        throw invalid(file, `\`dependency-groups.${first.name}\` must be a list`);
      case "bad-include":
        throw invalid(
          file,
          `\`dependency-groups.${first.name}[${first.index}]\` is a table but not \`{include-group = "NAME"}\``,
          'A group entry is a requirement string or `{include-group = "other"}` (PEP 735)',
        );
      case "bad-item":
        throw invalid(
          file,
          `\`dependency-groups.${first.name}[${first.index}]\` must be a requirement string or an include-group table`,
        );
    }
  }
  const groups: DependencyGroups = new Map();
  for (const shape of shapes) {
    const entries: GroupEntry[] = shape.items.map((item) =>
      item.kind === "include" ? { kind: "include", group: item.group } : {
        kind: "requirement",
        value: requirementList(
          file,
          [item.text],
          `dependency-groups.${shape.name}[${item.index}]`,
        )[0]!,
      }
    );
    groups.set(shape.key, { name: shape.name, entries });
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

/** A problem of the `include-group` graph (PEP 735), found by {@linkcode includeProblems}. */
export interface IncludeProblem {
  /** `unknown`: the include names no group; `cycle`: the include closes a cycle. */
  kind: "unknown" | "cycle";
  /** The (normalized) group whose include it is. */
  group: string;
  /** The include's position among that group's includes (0-based). */
  index: number;
  /** The (normalized) group it includes. */
  target: string;
  /** For a cycle, the groups on it, the first repeated last (`a -> b -> a`); else empty. */
  cycle: string[];
}

/**
 * Every problem of an include graph: includes of groups that do not exist, then each cycle once,
 * at the include that closes it (a depth-first walk in the groups' order). The one walk behind
 * both `validate` (which reports all, with positions) and {@linkcode checkDependencyGroups}
 * (which stops at the first).
 *
 * @param includes Each normalized group name mapped to the normalized names it includes, in
 *   order.
 */
export function includeProblems(
  includes: ReadonlyMap<string, readonly string[]>,
): IncludeProblem[] {
  const problems: IncludeProblem[] = [];
  for (const [group, targets] of includes) {
    targets.forEach((target, index) => {
      if (!includes.has(target)) {
        problems.push({ kind: "unknown", group, index, target, cycle: [] });
      }
    });
  }
  const state = new Map<string, "visiting" | "done">();
  const visit = (group: string, trail: string[]): void => {
    state.set(group, "visiting");
    (includes.get(group) ?? []).forEach((target, index) => {
      if (!includes.has(target)) return;
      if (state.get(target) === "visiting") {
        const cycle = [...trail.slice(trail.indexOf(target)), group, target]
          .filter((g, i, all) => i === 0 || all[i - 1] !== g);
        problems.push({ kind: "cycle", group, index, target, cycle });
      } else if (state.get(target) === undefined) visit(target, [...trail, group]);
    });
    state.set(group, "done");
  };
  for (const group of includes.keys()) if (!state.has(group)) visit(group, []);
  return problems;
}

/**
 * Checks every group of the file (unknown includes, cycles), as a project's environment needs
 * all of them valid even when only some are installed; {@linkcode resolveDependencyGroup} can
 * then expand any of them.
 *
 * @throws {ConfigError} (exit 10) For the first problem {@linkcode includeProblems} finds: an
 *   include of an unknown group (with the known ones listed), or a cycle (with its path).
 */
export function checkDependencyGroups(file: string, groups: DependencyGroups): void {
  const graph = new Map(
    [...groups].map(([key, g]) => [
      key,
      g.entries.flatMap((e) => e.kind === "include" ? [normalizeName(e.group)] : []),
    ]),
  );
  const [first] = includeProblems(graph);
  if (first === undefined) return;
  const display = (key: string) => groups.get(key)?.name ?? key;
  if (first.kind === "cycle") {
    throw invalid(
      file,
      `dependency groups include each other in a cycle: ${first.cycle.map(display).join(" -> ")}`,
      "Remove one of the `include-group` entries of the cycle (PEP 735 forbids cycles)",
    );
  }
  const include = groups.get(first.group)!.entries.filter((e) => e.kind === "include")[
    first.index
  ] as { kind: "include"; group: string };
  throw invalid(
    file,
    `dependency group \`${
      display(first.group)
    }\` includes unknown group \`${include.group}\` (groups: ${
      [...groups.values()].map((g) => g.name).join(", ")
    })`,
    "Define that group in `[dependency-groups]` or fix the `include-group` name",
  );
}
