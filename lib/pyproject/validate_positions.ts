/**
 * Finding where a value sits in a pyproject.toml's text, so diagnostics can say
 * `pyproject.toml:12:5`. The TOML parser gives values, not positions; this scanner reads the
 * text again and finds a key (in a `[table]`, a dotted key or an inline table's line) and the
 * n-th element of an array that starts on that key's line.
 *
 * @module
 */

/** A 1-based position in a text file. */
export interface TextPosition {
  /** Line, 1-based. */
  line: number;
  /** Column, 1-based (in UTF-16 code units). */
  column: number;
}

/** A path segment: a table key or an array index. */
export type PathSegment = string | number;

interface Line {
  text: string;
  start: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const part of text.split("\n")) {
    lines.push({ text: part, start });
    start += part.length + 1;
  }
  return lines;
}

/** `"a" . b . 'c'` → `a.b.c` (quotes and blanks around dots removed). */
function normalizeDotted(key: string): string {
  return key.split(".").map((p) => p.trim().replace(/^["']|["']$/g, "")).join(".");
}

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;
const KEY =
  /^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/;

/**
 * Position of a key (given as its path of table keys) in the TOML text: the key's first
 * character; undefined when it cannot be found (e.g. a key inside a multi-line inline table).
 */
function findKey(
  lines: Line[],
  keys: string[],
): { line: number; column: number; valueAt: number } | undefined {
  for (let split = keys.length - 1; split >= 0; split--) {
    const header = keys.slice(0, split).join(".");
    const key = keys.slice(split).join(".");
    let current = "";
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!.text;
      const h = HEADER.exec(text);
      if (h !== null) {
        current = normalizeDotted(h[1]!);
        if (key === "" && current === header) {
          return { line: i + 1, column: text.indexOf("[") + 1, valueAt: -1 };
        }
        continue;
      }
      if (current !== header || key === "") continue;
      const k = KEY.exec(text);
      if (k !== null && normalizeDotted(k[1]!) === key) {
        return {
          line: i + 1,
          column: text.length - text.trimStart().length + 1,
          valueAt: lines[i]!.start + k[0].length,
        };
      }
    }
  }
  return undefined;
}

/**
 * Offset of the `index`-th element of the array whose text starts at `from` (after `=`), or -1.
 * Knows strings (basic, literal, multi-line), comments and nested arrays/inline tables.
 */
function findArrayElement(text: string, from: number, index: number): number {
  let i = from;
  while (i < text.length && /[ \t]/.test(text[i]!)) i++;
  if (text[i] !== "[") return -1;
  i++;
  let depth = 1;
  let count = 0;
  let expectValue = true;
  while (i < text.length && depth > 0) {
    const c = text[i]!;
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (depth === 1 && expectValue && c !== "]" && c !== ",") {
      if (count === index) return i;
      count++;
      expectValue = false;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      i += quote.length;
      while (i < text.length && !text.startsWith(quote, i)) {
        if (c === '"' && text[i] === "\\") i++;
        if (!triple && text[i] === "\n") break;
        i++;
      }
      i += quote.length;
      continue;
    }
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectValue = true;
    i++;
  }
  return -1;
}

/** Line and column of an offset in the text. */
function positionOf(lines: Line[], offset: number): TextPosition {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lines[lo]!.start + 1 };
}

/** Locates paths (`["project", "dependencies", 2]`) in one pyproject.toml text. */
export class PositionFinder {
  readonly #text: string;
  readonly #lines: Line[];

  /** @param text The TOML document. */
  constructor(text: string) {
    this.#text = text;
    this.#lines = splitLines(text);
  }

  /**
   * Where the value at `path` starts: an array element's first character (its opening quote for
   * a string), else the key. Falls back to the nearest enclosing key that can be found;
   * undefined when nothing on the path is found.
   */
  find(path: readonly PathSegment[]): TextPosition | undefined {
    for (let end = path.length; end > 0; end--) {
      const prefix = path.slice(0, end);
      const last = prefix[prefix.length - 1];
      if (typeof last === "number") {
        const keys = prefix.slice(0, -1);
        if (keys.some((k) => typeof k === "number")) continue;
        const key = findKey(this.#lines, keys as string[]);
        if (key === undefined || key.valueAt < 0) continue;
        const at = findArrayElement(this.#text, key.valueAt, last);
        if (at >= 0) return positionOf(this.#lines, at);
        continue;
      }
      if (prefix.some((k) => typeof k === "number")) continue;
      const key = findKey(this.#lines, prefix as string[]);
      if (key !== undefined) return { line: key.line, column: key.column };
    }
    return undefined;
  }
}

/** `project.dependencies[2]`, `project.optional-dependencies."my extra"[0]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = /^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment);
      out += out === "" ? key : `.${key}`;
    }
  }
  return out;
}
