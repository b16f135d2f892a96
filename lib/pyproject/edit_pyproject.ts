/**
 * Comment-preserving edits of a pyproject.toml's text: add or remove a requirement in
 * `[project] dependencies`, an extra (`[project.optional-dependencies]`, PEP 621) or a dependency
 * group (`[dependency-groups]`, PEP 735), and merge converted project data into an existing file.
 * Every function is text → text: comments, quoting, blank lines, line endings (CRLF) and the
 * layout of multi-line arrays are kept; the caller writes the result (atomically).
 *
 * Values are changed through `@decimalturn/toml-patch` (which re-emits only what changed); tables
 * the file does not have yet are appended as text (toml-patch would write them as dotted inline
 * keys at the top of the file, libraries.md §3).
 *
 * @module
 */
import * as TP from "npm:@decimalturn/toml-patch@3.3.0";
import { parse as smolParse } from "npm:smol-toml@1.9.1";
import { ConfigError, PackageNotFoundError, UsageError } from "../errors/mod.ts";
import {
  formatMarker,
  formatRequirement,
  normalizeName,
  parseRequirement,
  type Requirement,
} from "../pep508/mod.ts";
import { emitTable, isRequirementList, isTable, setKey } from "./edit_emit.ts";

/** Which list a requirement goes to: a PEP 735 group, a PEP 621 extra, or (neither) `dependencies`. */
export interface RequirementTarget {
  /** A `[dependency-groups]` group (PEP 735); matched by normalized name. */
  group?: string | undefined;
  /** A `[project.optional-dependencies]` extra (PEP 621); matched by normalized name. */
  extra?: string | undefined;
}

/** One item of a dependency group (PEP 735): a requirement or an include. */
export type GroupItem = string | { "include-group": string };

/**
 * What a converter proposes to merge into a pyproject.toml. Keys are TOML keys as written in the
 * file (`requires-python`, `optional-dependencies`, …).
 */
export interface ProjectData {
  /** `[project]` keys (PEP 621). */
  project?: Record<string, unknown>;
  /** `[dependency-groups]` (PEP 735). */
  "dependency-groups"?: Record<string, GroupItem[]>;
  /** `[build-system]` (PEP 518); written only when the file has none. */
  "build-system"?: Record<string, unknown>;
  /** `[tool.<name>]` tables (`[tool.gestvenv]`, `[tool.setuptools.dynamic]`, …). */
  tool?: Record<string, Record<string, unknown>>;
}

/** A value the file declares that the merge would change. */
export interface MergeConflict {
  /** Dotted key (`project.requires-python`), or `list: name` for a requirement of a list. */
  key: string;
  /** The value in the file. */
  declared: unknown;
  /** The value proposed. */
  proposed: unknown;
}

/** The outcome of {@linkcode mergeProject}. */
export interface MergeResult {
  /** The new text (equal to the input when nothing was added). */
  text: string;
  /** What was added: dotted keys, or `list: requirement` for list items. */
  added: string[];
  /**
   * Declared values that differ from the proposed ones. They are in `text` only when
   * `force` was given; otherwise the file's values are kept.
   */
  conflicts: MergeConflict[];
  /**
   * Proposed values left out, one sentence each: a `[project]` key the file lists in
   * `dynamic` (PEP 621 forbids declaring it too), a `[build-system]` when the file has one.
   */
  skipped: string[];
}

/** Tables appended as text when the file lacks them (never as inline keys). */
const APPENDED_TABLES = new Set([
  "project",
  "project.optional-dependencies",
  "project.scripts",
  "project.gui-scripts",
  "project.urls",
  "project.entry-points",
  "dependency-groups",
  "build-system",
]);

/** Whether the table at `dotted` is appended as a section when missing. */
const appendedTable = (dotted: string) =>
  APPENDED_TABLES.has(dotted) || /^tool\.[^.]+(\.[^.]+)?$/.test(dotted);

function getKey(table: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The key of `table` equal to `key`, or (for extras and groups) equal once normalized. */
function findKey(table: Record<string, unknown>, key: string, normalized: boolean): string | null {
  if (Object.hasOwn(table, key)) return key;
  if (!normalized) return null;
  const want = normalizeName(key);
  return Object.keys(table).find((k) => normalizeName(k) === want) ?? null;
}

function parseDoc(text: string): Record<string, unknown> {
  try {
    return TP.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `pyproject.toml is not valid TOML: ${(error as Error).message.split("\n")[0]}`,
      { cause: error, hint: "Fix the TOML syntax at the position given, then retry" },
    );
  }
}

/** The name a requirement string starts with, normalized (PEP 503), or null. */
function requirementName(text: string): string | null {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(text);
  return m === null ? null : normalizeName(m[1]!);
}

function tryParse(text: string): Requirement | null {
  try {
    return parseRequirement(text);
  } catch {
    return null;
  }
}

/**
 * What identifies a requirement in a list: its normalized name (PEP 503) and its normalized
 * marker, so `numpy<2; python_version < "3.9"` and `numpy>=2; python_version >= "3.9"` are two
 * entries. A string that is not PEP 508 is known by the name it starts with.
 */
function requirementKey(text: string): string | null {
  const parsed = tryParse(text);
  if (parsed === null) {
    const name = requirementName(text);
    return name === null ? null : `${name};`;
  }
  return `${parsed.normalizedName};${parsed.marker === null ? "" : formatMarker(parsed.marker)}`;
}

/** Whether two requirement strings say the same (compared parsed, so spacing and order of
 * extras do not matter). */
function sameRequirement(a: string, b: string): boolean {
  const pa = tryParse(a);
  const pb = tryParse(b);
  if (pa === null || pb === null) return a.replace(/\s+/g, "") === b.replace(/\s+/g, "");
  return formatRequirement({ ...pa, name: pa.normalizedName }) ===
    formatRequirement({ ...pb, name: pb.normalizedName });
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isTable(a) && isTable(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Applies toml-patch to `text` with the edited document, keeping everything it did not change. */
function patchText(text: string, doc: Record<string, unknown>): string {
  try {
    return TP.patch(text, doc, {
      inlineTableStart: 1,
      bracketSpacing: false,
      trailingComma: false,
    });
  } catch (error) {
    throw new ConfigError(`Cannot edit pyproject.toml: ${(error as Error).message}`, {
      cause: error,
      hint: "Edit the file by hand, or report the file that made the editor fail",
    });
  }
}

/** Appends TOML sections (written with `\n`) to `text`, in its line-ending style. */
function appendSections(text: string, sections: string[]): string {
  if (sections.length === 0) return text;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let out = text;
  if (out.trim() !== "") {
    if (!out.endsWith("\n")) out += eol;
    if (!/(\r?\n){2}$/.test(out)) out += eol;
  } else {
    out = "";
  }
  return out + sections.join("\n").replace(/\n/g, eol);
}

/**
 * Adds sections where people expect them: `[tool.*]` ones at the end, the others (`[project]`,
 * `[dependency-groups]`, …) before the file's first `[tool…]` header, when there is one and
 * putting them there reads back as the same data as appending them (a header-like line inside
 * a multi-line string, say, makes it fall back to appending).
 */
function placeSections(text: string, sections: string[]): string {
  const front = sections.filter((s) => !/^\[tool[.\]]/.test(s));
  const back = sections.filter((s) => /^\[tool[.\]]/.test(s));
  const appended = appendSections(text, sections);
  if (front.length === 0) return appended;
  const header = /^[ \t]*\[\s*tool\s*[.\]]/m.exec(text);
  if (header === null) return appended;
  // Above the header's own comment lines, which belong to it.
  let at = header.index;
  const lines = text.slice(0, at).split(/(?<=\n)/);
  while (lines.length > 0 && /^[ \t]*#/.test(lines[lines.length - 1]!)) {
    at -= lines.pop()!.length;
  }
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const inserted = appendSections(
    text.slice(0, at) + front.join("\n").replace(/\n/g, eol) + eol + text.slice(at),
    back,
  );
  try {
    const same = deepEqual(
      JSON.parse(JSON.stringify(smolParse(inserted))),
      JSON.parse(JSON.stringify(smolParse(appended))),
    );
    return same ? inserted : appended;
  } catch {
    return appended;
  }
}

/** Parses the result with a second TOML reader: an edit must never leave an unreadable file. */
function checked(text: string): string {
  try {
    smolParse(text);
  } catch (error) {
    throw new ConfigError(
      `Editing pyproject.toml would produce invalid TOML: ${(error as Error).message}`,
      { cause: error, hint: "Edit the file by hand; the file was not changed" },
    );
  }
  return text;
}

function targetOf(target: RequirementTarget): { table: string[]; key: string } {
  if (target.group !== undefined && target.extra !== undefined) {
    throw new UsageError("A requirement goes to a group or to an extra, not both", {
      hint: "Give either --group or --extra",
    });
  }
  if (target.group !== undefined) return { table: ["dependency-groups"], key: target.group };
  if (target.extra !== undefined) {
    return { table: ["project", "optional-dependencies"], key: target.extra };
  }
  return { table: ["project"], key: "dependencies" };
}

function describe(target: RequirementTarget): string {
  if (target.group !== undefined) return `dependency group \`${target.group}\``;
  if (target.extra !== undefined) return `extra \`${target.extra}\``;
  return "`[project] dependencies`";
}

/**
 * Adds a requirement to `[project] dependencies`, to an extra or to a dependency group, or
 * replaces the requirement of the same normalized name (PEP 503) and marker already in that list
 * (`numpy<2; python_version < "3.9"` and `numpy>=2; python_version >= "3.9"` are two entries), keeping
 * every comment and the list's layout. The list (and `[dependency-groups]` or
 * `[project.optional-dependencies]`) is created when absent.
 *
 * @param text The pyproject.toml's contents.
 * @param requirement A PEP 508 requirement (`"httpx>=0.27"`).
 * @param target `{group}` (PEP 735), `{extra}` (PEP 621) or `{}` for `dependencies`.
 * @returns The new text (the same text when the requirement is already there as written).
 * @throws {InvalidSyntaxError} (exit 2) When `requirement` is not PEP 508.
 * @throws {ConfigError} (exit 10) When the file is not TOML, has no `[project]` table for a
 *   dependency or an extra, or the list is not a list.
 * @throws {UsageError} (exit 2) When both a group and an extra are given.
 */
export function addRequirement(
  text: string,
  requirement: string,
  target: RequirementTarget,
): string {
  parseRequirement(requirement);
  const where = targetOf(target);
  const doc = parseDoc(text);
  let container: Record<string, unknown> = doc;
  for (const [i, part] of where.table.entries()) {
    const next = getKey(container, part);
    if (next === undefined) {
      if (i === 0 && part === "project") {
        throw new ConfigError("pyproject.toml has no `[project]` table", {
          hint: "Add a `[project]` table with `name` and `version`, or add the requirement to a " +
            "dependency group (--group)",
        });
      }
      // The table is missing: append it as text.
      const path = where.table.slice(0, i + 1);
      const rest = where.table.slice(i + 1);
      let value: Record<string, unknown> = Object.create(null);
      setKey(value, where.key, [requirement]);
      for (const p of [...rest].reverse()) {
        const wrap: Record<string, unknown> = Object.create(null);
        setKey(wrap, p, value);
        value = wrap;
      }
      return checked(placeSections(text, [emitTable(path, { ...value })]));
    }
    if (!isTable(next)) {
      throw new ConfigError(`\`${where.table.slice(0, i + 1).join(".")}\` is not a table`, {
        hint: "Fix pyproject.toml: it must be a table",
      });
    }
    container = next;
  }
  const key = findKey(
    container,
    where.key,
    target.group !== undefined || target.extra !== undefined,
  );
  const list = key === null ? undefined : getKey(container, key);
  if (list === undefined) {
    setKey(container, where.key, [requirement]);
    return checked(patchText(text, doc));
  }
  if (!Array.isArray(list)) {
    throw new ConfigError(`The ${describe(target)} in pyproject.toml is not a list`, {
      hint: "Make it a list of requirement strings",
    });
  }
  const wanted = requirementKey(requirement);
  const index = list.findIndex((item) =>
    typeof item === "string" && requirementKey(item) === wanted
  );
  if (index === -1) {
    list.push(requirement);
  } else {
    if (list[index] === requirement) return text;
    list[index] = requirement;
  }
  return checked(patchText(text, doc));
}

/**
 * Removes every requirement of normalized name `name` (PEP 503) from `[project] dependencies`, an
 * extra or a dependency group, keeping every other comment and the list's layout (a comment on
 * the removed item's own line goes with it). Includes (`{include-group = …}`) are never removed.
 *
 * @param text The pyproject.toml's contents.
 * @param name The project name to remove (any spelling: `Foo_Bar` removes `foo-bar>=1`).
 * @param target `{group}` (PEP 735), `{extra}` (PEP 621) or `{}` for `dependencies`.
 * @returns The new text and the requirement strings removed, as they were written.
 * @throws {PackageNotFoundError} (exit 4) When no requirement of that name is in the list.
 * @throws {ConfigError} (exit 10) When the file is not TOML.
 * @throws {UsageError} (exit 2) When both a group and an extra are given.
 */
export function removeRequirement(
  text: string,
  name: string,
  target: RequirementTarget,
): { text: string; removed: string[] } {
  const where = targetOf(target);
  const doc = parseDoc(text);
  const want = normalizeName(name.trim());
  let container: unknown = doc;
  for (const part of where.table) {
    container = isTable(container) ? getKey(container, part) : undefined;
  }
  const key = isTable(container)
    ? findKey(container, where.key, target.group !== undefined || target.extra !== undefined)
    : null;
  const list = key === null || !isTable(container) ? undefined : getKey(container, key);
  const removed: string[] = [];
  if (Array.isArray(list)) {
    for (let i = list.length - 1; i >= 0; i--) {
      const item = list[i];
      if (typeof item === "string" && requirementName(item) === want) {
        removed.unshift(item);
        list.splice(i, 1);
      }
    }
  }
  if (removed.length === 0) {
    throw new PackageNotFoundError(
      `\`${name}\` is not in the ${describe(target)} of pyproject.toml`,
      {
        hint: target.group === undefined && target.extra === undefined
          ? "Give --group or --extra when it is declared in a group or an extra"
          : "Check the name and the group or extra it is declared in",
      },
    );
  }
  const patched = checked(patchText(text, doc));
  return { text: keepingComments(text, patched, removed), removed };
}

/** The comments of a TOML text (`#` to the end of a line, outside strings), with their line. */
function commentsOf(text: string): { line: number; at: number; text: string }[] {
  const out: { line: number; at: number; text: string }[] = [];
  let line = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      if (quote === '"' || quote === "'") quote = null; // an unclosed one-line string
      continue;
    }
    if (quote !== null) {
      if (c === "\\" && (quote === '"' || quote === '"""')) i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = null;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    } else if (c === "#") {
      const end = text.indexOf("\n", i);
      const comment = text.slice(i, end === -1 ? text.length : end).replace(/\r$/, "");
      out.push({ line, at: i, text: comment });
      i = (end === -1 ? text.length : end) - 1;
    }
  }
  return out;
}

/**
 * toml-patch drops the comment lines above a removed array item (a `# --- web stack ---` that
 * heads several items): when it dropped any comment other than those on the removed items' own
 * lines, the items' lines are removed as text instead, and that is kept only when it reads back
 * as the same data.
 */
function keepingComments(text: string, patched: string, removed: string[]): string {
  const lines = text.split("\n");
  const comments = commentsOf(text);
  const itemLines = new Set<number>();
  for (const [n, raw] of lines.entries()) {
    const comment = comments.find((c) => c.line === n);
    const lineStart = lines.slice(0, n).reduce((sum, l) => sum + l.length + 1, 0);
    const code = (comment === undefined ? raw : raw.slice(0, comment.at - lineStart))
      .replace(/\r$/, "").trim().replace(/,$/, "").trim();
    if (!/^("|')/.test(code)) continue;
    try {
      const value = smolParse(`v = ${code}`).v;
      if (typeof value === "string" && removed.includes(value)) itemLines.add(n);
    } catch {
      // Not a lone string on this line.
    }
  }
  const left = new Map<string, number>();
  for (const c of commentsOf(patched)) left.set(c.text, (left.get(c.text) ?? 0) + 1);
  let lost = false;
  for (const c of comments) {
    const n = left.get(c.text) ?? 0;
    if (n > 0) left.set(c.text, n - 1);
    else if (!itemLines.has(c.line)) lost = true;
  }
  if (!lost) return patched;
  const byText = lines.filter((_, n) => !itemLines.has(n)).join("\n");
  try {
    const same = deepEqual(
      JSON.parse(JSON.stringify(smolParse(byText))),
      JSON.parse(JSON.stringify(smolParse(patched))),
    );
    if (same) return byText;
  } catch {
    // Falls through to the refusal.
  }
  throw new ConfigError(
    `Removing ${removed.join(", ")} would also remove comments of pyproject.toml`,
    { hint: "Remove the line by hand; the file was not changed" },
  );
}

const NORMALIZED_TABLES = new Set(["project.optional-dependencies", "dependency-groups"]);

interface MergeState {
  added: string[];
  conflicts: MergeConflict[];
  skipped: string[];
  appendix: string[];
  touched: boolean;
  force: boolean;
}

function mergeTable(
  cur: Record<string, unknown>,
  inc: Record<string, unknown>,
  path: string[],
  state: MergeState,
): void {
  const dottedPath = path.join(".");
  const dynamic = dottedPath === "project" && Array.isArray(getKey(cur, "dynamic"))
    ? (getKey(cur, "dynamic") as unknown[]).filter((k): k is string => typeof k === "string")
    : [];
  for (const [key, value] of Object.entries(inc)) {
    if (value === undefined) continue;
    if (dynamic.includes(key)) {
      state.skipped.push(
        `[project] ${key} is not written: the file declares it \`dynamic\` (its build backend ` +
          "computes it; PEP 621 forbids both)",
      );
      continue;
    }
    const existing = findKey(cur, key, NORMALIZED_TABLES.has(dottedPath));
    const dotted = dottedPath === "" ? key : `${dottedPath}.${existing ?? key}`;
    if (existing === null) {
      if (isTable(value) && appendedTable(dotted)) {
        state.appendix.push(emitTable([...path, key], value));
      } else {
        setKey(cur, key, structuredClone(value));
        state.touched = true;
      }
      state.added.push(dotted);
      continue;
    }
    const old = getKey(cur, existing);
    if (isTable(old) && isTable(value)) {
      mergeTable(old, value, [...path, existing], state);
    } else if (Array.isArray(old) && Array.isArray(value) && isRequirementList(dotted)) {
      mergeRequirements(old, value, dotted, state);
    } else if (Array.isArray(old) && Array.isArray(value)) {
      for (const item of value) {
        if (!old.some((o) => deepEqual(o, item))) {
          old.push(structuredClone(item));
          state.touched = true;
          state.added.push(`${dotted}: ${typeof item === "string" ? item : JSON.stringify(item)}`);
        }
      }
    } else if (!deepEqual(old, value)) {
      state.conflicts.push({ key: dotted, declared: old, proposed: value });
      if (state.force) {
        setKey(cur, existing, structuredClone(value));
        state.touched = true;
      }
    }
  }
}

function mergeRequirements(old: unknown[], inc: unknown[], dotted: string, state: MergeState) {
  for (const item of inc) {
    if (typeof item !== "string") {
      if (!old.some((o) => deepEqual(o, item))) {
        old.push(structuredClone(item));
        state.touched = true;
        state.added.push(`${dotted}: ${JSON.stringify(item)}`);
      }
      continue;
    }
    const key = requirementKey(item);
    const name = requirementName(item);
    const index = old.findIndex((o) => typeof o === "string" && requirementKey(o) === key);
    if (index === -1) {
      old.push(item);
      state.touched = true;
      state.added.push(`${dotted}: ${item}`);
    } else if (!sameRequirement(old[index] as string, item)) {
      const marker = key?.split(";").slice(1).join(";") ?? "";
      state.conflicts.push({
        key: `${dotted}: ${name}${marker === "" ? "" : `; ${marker}`}`,
        declared: old[index],
        proposed: item,
      });
      if (state.force) {
        old[index] = item;
        state.touched = true;
      }
    }
  }
}

/**
 * Merges converted project data into a pyproject.toml's text: keys and tables the file lacks are
 * added, requirements are added to their lists by normalized name (PEP 503), lists of other
 * values (classifiers, index URLs) gain the missing items, and a declared value that differs from
 * the proposed one is a conflict: kept unless `force`. Every comment and the file's layout are
 * kept; missing tables (`[project]`, `[project.optional-dependencies]`, `[dependency-groups]`,
 * `[tool.gestvenv]`, …) are appended as sections. An empty text gives a new file.
 *
 * @param text The pyproject.toml's contents ("" for a new file).
 * @param data The tables to merge (PEP 621 `project`, PEP 735 `dependency-groups`,
 *   `tool.gestvenv`).
 * @param options `force`: write proposed values over conflicting declared ones.
 * @returns The new text, what was added, and the conflicts.
 * @throws {ConfigError} (exit 10) When the text is not TOML or the result would not be.
 */
export function mergeProject(
  text: string,
  data: ProjectData,
  options: { force?: boolean } = {},
): MergeResult {
  const doc = text.trim() === "" ? {} : parseDoc(text);
  const state: MergeState = {
    added: [],
    conflicts: [],
    skipped: [],
    appendix: [],
    touched: false,
    force: options.force === true,
  };
  const incoming: Record<string, unknown> = {};
  // `[build-system]` is all or nothing: a file's backend is never mixed with another one.
  const buildSystem = getKey(doc, "build-system");
  if (data["build-system"] !== undefined && buildSystem === undefined) {
    incoming["build-system"] = data["build-system"];
  } else if (data["build-system"] !== undefined && !deepEqual(buildSystem, data["build-system"])) {
    state.skipped.push(
      `[build-system] is kept as declared (the converted one, ${
        JSON.stringify(data["build-system"])
      }, is not merged into it)`,
    );
  }
  if (data.project !== undefined) incoming.project = data.project;
  if (data["dependency-groups"] !== undefined) {
    incoming["dependency-groups"] = data["dependency-groups"];
  }
  // `[tool]` itself is never appended: only its `[tool.<name>]` tables (libraries.md §3).
  const tool = getKey(doc, "tool");
  const toolSections: string[] = [];
  const toolAdded: string[] = [];
  if (data.tool !== undefined && tool === undefined) {
    for (const [name, table] of Object.entries(data.tool)) {
      toolSections.push(emitTable(["tool", name], table));
      toolAdded.push(`tool.${name}`);
    }
  } else if (data.tool !== undefined && !isTable(tool)) {
    throw new ConfigError("`tool` in pyproject.toml is not a table", {
      hint: "Fix pyproject.toml: `tool` must be a table",
    });
  } else if (data.tool !== undefined) {
    incoming.tool = data.tool;
  }
  mergeTable(doc, incoming, [], state);
  state.appendix.push(...toolSections);
  state.added.push(...toolAdded);
  let out = state.touched ? patchText(text, doc) : text;
  out = placeSections(out, state.appendix);
  return {
    text: out === text ? text : checked(out),
    added: state.added,
    conflicts: state.conflicts,
    skipped: state.skipped,
  };
}
