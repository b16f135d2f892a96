/**
 * PEP 508 environment markers ("Environment Markers"): parsing into a tree, evaluation against an
 * interpreter's marker environment (with `packaging`'s rules: version comparison when both
 * sides are PEP 440 versions, string comparison otherwise, `extra` names normalized per
 * PEP 685), and formatting back to the canonical text.
 *
 * @module
 */
import { InvalidSyntaxError } from "../errors/mod.ts";
import { normalizeName } from "./name.ts";
import { matchesSpecifier, parseSpecifier, tryParseVersion } from "../pep440/mod.ts";

/**
 * The PEP 508 marker environment ("Environment Markers"): the values markers are evaluated
 * against. gestvenv's interpreter probe reports one per interpreter (`InterpreterInfo.markers`).
 */
export interface MarkerEnvironment {
  /** `sys.implementation.name` (`cpython`). */
  implementation_name: string;
  /** The implementation's version (`3.11.7`). */
  implementation_version: string;
  /** `os.name` (`posix`). */
  os_name: string;
  /** `platform.machine()` (`x86_64`). */
  platform_machine: string;
  /** `platform.python_implementation()` (`CPython`). */
  platform_python_implementation: string;
  /** `platform.release()`. */
  platform_release: string;
  /** `platform.system()` (`Linux`). */
  platform_system: string;
  /** `platform.version()`. */
  platform_version: string;
  /** `platform.python_version()` (`3.11.7`). */
  python_full_version: string;
  /** `major.minor` (`3.11`). */
  python_version: string;
  /** `sys.platform` (`linux`). */
  sys_platform: string;
}

/** The marker variables of PEP 508, plus `extra`. */
export const MARKER_VARIABLES = [
  "implementation_name",
  "implementation_version",
  "os_name",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_full_version",
  "python_version",
  "sys_platform",
  "extra",
] as const;

/** One of {@linkcode MARKER_VARIABLES}. */
export type MarkerVariable = (typeof MARKER_VARIABLES)[number];

/** Legacy dotted spellings `packaging` still accepts. */
const ALIASES: Record<string, MarkerVariable> = {
  "os.name": "os_name",
  "sys.platform": "sys_platform",
  "platform.version": "platform_version",
  "platform.machine": "platform_machine",
  "platform.python_implementation": "platform_python_implementation",
  "python_implementation": "platform_python_implementation",
};

/** A comparison operator allowed in markers. */
export type MarkerOperator = "<=" | "<" | "!=" | "===" | "==" | ">=" | ">" | "~=" | "in" | "not in";

/** One side of a comparison: a variable or a quoted string. */
export type MarkerValue = { variable: MarkerVariable } | { literal: string };

/** A parsed marker expression. */
export type Marker =
  | { kind: "compare"; lhs: MarkerValue; op: MarkerOperator; rhs: MarkerValue }
  | { kind: "and" | "or"; items: Marker[] };

/** Values a marker is evaluated against: an interpreter's environment and the active extra. */
export type MarkerContext = MarkerEnvironment & { extra?: string };

interface Cursor {
  text: string;
  pos: number;
  source: string | undefined;
}

function skipSpace(c: Cursor): void {
  while (c.pos < c.text.length && /\s/.test(c.text[c.pos]!)) c.pos++;
}

function fail(c: Cursor, what: string): never {
  throw new InvalidSyntaxError(
    `${what} at column ${c.pos + 1} of \`${c.text}\``,
    c.source,
  );
}

function parseValue(c: Cursor): MarkerValue {
  skipSpace(c);
  const ch = c.text[c.pos];
  if (ch === "'" || ch === '"') {
    const end = c.text.indexOf(ch, c.pos + 1);
    if (end < 0) fail(c, "unterminated string");
    const literal = c.text.slice(c.pos + 1, end);
    c.pos = end + 1;
    return { literal };
  }
  const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(c.text.slice(c.pos));
  if (m === null) fail(c, "expected a marker variable or a quoted string");
  const word = m[0];
  const variable = (MARKER_VARIABLES as readonly string[]).includes(word)
    ? word as MarkerVariable
    : ALIASES[word];
  if (variable === undefined) fail(c, `unknown marker variable \`${word}\``);
  c.pos += word.length;
  return { variable };
}

function parseOperator(c: Cursor): MarkerOperator {
  skipSpace(c);
  const rest = c.text.slice(c.pos);
  for (const op of ["===", "<=", ">=", "==", "!=", "~=", "<", ">"] as const) {
    if (rest.startsWith(op)) {
      c.pos += op.length;
      return op;
    }
  }
  const word = /^(not\s+in|in)(?![A-Za-z0-9_])/.exec(rest);
  if (word !== null) {
    c.pos += word[0].length;
    return word[1] === "in" ? "in" : "not in";
  }
  fail(c, "expected a marker operator");
}

function parseAtom(c: Cursor): Marker {
  skipSpace(c);
  if (c.text[c.pos] === "(") {
    c.pos++;
    const inner = parseOr(c);
    skipSpace(c);
    if (c.text[c.pos] !== ")") fail(c, "expected `)`");
    c.pos++;
    return inner;
  }
  const lhs = parseValue(c);
  const op = parseOperator(c);
  const rhs = parseValue(c);
  return { kind: "compare", lhs, op, rhs };
}

function parseKeywordList(c: Cursor, keyword: "and" | "or", next: (c: Cursor) => Marker): Marker {
  const items = [next(c)];
  for (;;) {
    skipSpace(c);
    const m = new RegExp(`^${keyword}(?![A-Za-z0-9_])`).exec(c.text.slice(c.pos));
    if (m === null) break;
    c.pos += keyword.length;
    items.push(next(c));
  }
  return items.length === 1 ? items[0]! : { kind: keyword, items };
}

function parseAnd(c: Cursor): Marker {
  return parseKeywordList(c, "and", parseAtom);
}

function parseOr(c: Cursor): Marker {
  return parseKeywordList(c, "or", parseAnd);
}

/**
 * Parses a marker expression, e.g. `python_version >= "3.8" and sys_platform != "win32"`.
 * @throws {InvalidSyntaxError} with the column of the first error.
 */
export function parseMarker(text: string, source?: string): Marker {
  const c: Cursor = { text, pos: 0, source };
  const marker = parseOr(c);
  skipSpace(c);
  if (c.pos !== text.length) fail(c, "unexpected text");
  return marker;
}

/** Parses the marker part at `text[start..]`; used by the requirement parser. */
export function parseMarkerAt(text: string, start: number, source?: string): Marker {
  const c: Cursor = { text, pos: start, source };
  const marker = parseOr(c);
  skipSpace(c);
  if (c.pos !== text.length) fail(c, "unexpected text after the marker");
  return marker;
}

function compareStrings(lhs: string, op: MarkerOperator, rhs: string): boolean {
  switch (op) {
    case "==":
    case "===":
      return lhs === rhs;
    case "!=":
      return lhs !== rhs;
    case "<":
      return lhs < rhs;
    case "<=":
      return lhs <= rhs;
    case ">":
      return lhs > rhs;
    case ">=":
      return lhs >= rhs;
    case "in":
      return rhs.includes(lhs);
    case "not in":
      return !rhs.includes(lhs);
    case "~=":
      return false;
  }
}

function evaluateCompare(
  m: Extract<Marker, { kind: "compare" }>,
  context: MarkerContext,
): boolean {
  const read = (v: MarkerValue): string => {
    if ("literal" in v) return v.literal;
    if (v.variable === "extra") return context.extra ?? "";
    return context[v.variable];
  };
  let lhs = read(m.lhs);
  let rhs = read(m.rhs);
  const isExtra = ("variable" in m.lhs && m.lhs.variable === "extra") ||
    ("variable" in m.rhs && m.rhs.variable === "extra");
  if (isExtra) {
    lhs = normalizeName(lhs);
    rhs = normalizeName(rhs);
  }
  if (m.op !== "in" && m.op !== "not in") {
    // As `packaging`: a PEP 440 comparison when the right side forms a valid specifier and
    // the left side is a version; plain string comparison otherwise.
    const version = tryParseVersion(lhs);
    if (version !== null) {
      try {
        return matchesSpecifier(version, parseSpecifier(`${m.op}${rhs}`));
      } catch {
        // Not a specifier (e.g. `== "linux"`): compare as strings.
      }
    }
  }
  return compareStrings(lhs, m.op, rhs);
}

/**
 * Evaluates a marker against `context` (an interpreter's marker environment from
 * `queryInterpreter`, plus the extra being resolved, default none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateMarker, parseMarker } from "@gestvenv/gestvenv/pep508";
 *
 * const env = {
 *   implementation_name: "cpython",
 *   implementation_version: "3.12.1",
 *   os_name: "nt",
 *   platform_machine: "AMD64",
 *   platform_python_implementation: "CPython",
 *   platform_release: "10",
 *   platform_system: "Windows",
 *   platform_version: "10.0.19045",
 *   python_full_version: "3.12.1",
 *   python_version: "3.12",
 *   sys_platform: "win32",
 * };
 * const marker = parseMarker('sys_platform == "win32" and extra == "tests"');
 * assert.equal(evaluateMarker(marker, env), false);
 * assert.equal(evaluateMarker(marker, { ...env, extra: "tests" }), true);
 * ```
 */
export function evaluateMarker(marker: Marker, context: MarkerContext): boolean {
  switch (marker.kind) {
    case "compare":
      return evaluateCompare(marker, context);
    case "and":
      return marker.items.every((m) => evaluateMarker(m, context));
    case "or":
      return marker.items.some((m) => evaluateMarker(m, context));
  }
}

/** Whether the marker mentions `extra` anywhere. */
export function markerUsesExtra(marker: Marker): boolean {
  if (marker.kind !== "compare") return marker.items.some(markerUsesExtra);
  return ("variable" in marker.lhs && marker.lhs.variable === "extra") ||
    ("variable" in marker.rhs && marker.rhs.variable === "extra");
}

function formatValue(v: MarkerValue): string {
  if ("variable" in v) return v.variable;
  return v.literal.includes('"') ? `'${v.literal}'` : `"${v.literal}"`;
}

/** Writes a marker as canonical text (`packaging`'s `str(Marker)`): double quotes, minimal parentheses. */
export function formatMarker(marker: Marker, parent?: "and" | "or"): string {
  if (marker.kind === "compare") {
    return `${formatValue(marker.lhs)} ${marker.op} ${formatValue(marker.rhs)}`;
  }
  const text = marker.items.map((m) => formatMarker(m, marker.kind)).join(` ${marker.kind} `);
  return parent !== undefined && !(parent === "or" && marker.kind === "and") ? `(${text})` : text;
}
