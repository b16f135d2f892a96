/**
 * A small TOML emitter for the tables gestvenv writes into a pyproject.toml (`[project]`,
 * `[dependency-groups]`, `[tool.gestvenv]`): keys in the order given, requirement lists one item
 * a line, nested tables as `[a.b]` sections except the few PEP 621 keys people write inline.
 *
 * @module
 */

/** Keys whose table values are written inline (`readme = { file = "README.md" }`). */
const INLINE_TABLES = new Set(["project.readme", "project.license"]);

/** Whether a parsed TOML value is a table (not an array, not a date-time). */
export function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);
}

/** Sets an own, enumerable key: safe for names such as `__proto__` and `constructor`. */
export function setKey(table: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(table, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Whether the dotted key holds PEP 508 strings: `project.dependencies`, an extra
 * (`project.optional-dependencies.<name>`, PEP 621) or a group (`dependency-groups.<name>`,
 * PEP 735).
 */
export function isRequirementList(dotted: string): boolean {
  return dotted === "project.dependencies" ||
    /^project\.optional-dependencies\.[^.]+$/.test(dotted) ||
    /^dependency-groups\.[^.]+$/.test(dotted);
}

/**
 * A TOML basic string (TOML 1.0 "String"): JSON's escapes are TOML's, plus DEL (U+007F), a
 * control character TOML forbids unescaped; a lone surrogate, which TOML cannot hold, becomes
 * U+FFFD.
 */
export function tomlString(value: string): string {
  return JSON.stringify(value.toWellFormed()).replace(/\x7f/g, "\\u007F");
}

/** A TOML key: bare when it can be (TOML 1.0 "Keys"), else a basic string. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

/**
 * A TOML value written on one line: strings as basic strings (JSON's escapes are TOML's), numbers,
 * booleans, arrays and inline tables.
 */
export function tomlInline(value: unknown): string {
  if (typeof value === "string") return tomlString(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(tomlInline).join(", ")}]`;
  if (isTable(value)) {
    const parts = Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) =>
      `${tomlKey(k)} = ${tomlInline(v)}`
    );
    return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  throw new TypeError(`Cannot write ${String(value)} as TOML`);
}

/** An array value, one item a line when `multiline`. */
function tomlArray(value: unknown[], multiline: boolean): string {
  if (!multiline || value.length === 0) return tomlInline(value);
  return `[\n${value.map((v) => `    ${tomlInline(v)},`).join("\n")}\n]`;
}

/**
 * The text of the table at `path` (e.g. `["tool", "gestvenv"]`) holding `table`: its header, its
 * keys, then its sub-tables as their own sections. Lines end with `\n`; sections are separated by
 * a blank line.
 *
 * @param path The table's dotted path (empty for the document root, which has no header).
 * @param table The values; `undefined` values are skipped.
 */
export function emitTable(path: string[], table: Record<string, unknown>): string {
  const dotted = path.join(".");
  const lines: string[] = [];
  const subTables: [string, Record<string, unknown>][] = [];
  for (const [key, value] of Object.entries(table)) {
    if (value === undefined) continue;
    const keyPath = dotted === "" ? key : `${dotted}.${key}`;
    if (isTable(value) && !INLINE_TABLES.has(keyPath)) {
      subTables.push([key, value]);
      continue;
    }
    const text = Array.isArray(value)
      ? tomlArray(value, value.length > 1 || isRequirementList(keyPath))
      : tomlInline(value);
    lines.push(`${tomlKey(key)} = ${text}`);
  }
  const sections: string[] = [];
  const hasOwn = lines.length > 0 || subTables.length === 0;
  if (path.length > 0 && hasOwn) {
    sections.push(`[${path.map(tomlKey).join(".")}]\n${lines.map((l) => `${l}\n`).join("")}`);
  } else if (lines.length > 0) {
    sections.push(lines.map((l) => `${l}\n`).join(""));
  }
  for (const [key, value] of subTables) sections.push(emitTable([...path, key], value));
  return sections.filter((s) => s !== "").join("\n");
}
