/**
 * Comment-preserving edits of JSONC files (VS Code's `settings.json`) through Microsoft's
 * `jsonc-parser` (`modify` + `applyEdits`): comments, trailing commas, blank lines and the
 * formatting of everything but the changed keys stay byte for byte.
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";

const BOM = "\uFEFF";

type JsoncParser = typeof import("npm:jsonc-parser@3.3.1");
let parser: JsoncParser | undefined;

/** Loads jsonc-parser (a CommonJS module: only when an editor file is read or written). */
async function loadParser(): Promise<JsoncParser> {
  return parser ??= await import("npm:jsonc-parser@3.3.1");
}

/**
 * Parses a JSONC document whose top level must be an object (VS Code's settings files);
 * comments, trailing commas and a leading byte order mark are allowed, as VS Code allows them.
 * An empty (or whitespace/comment-only) text is an empty object; of a key given twice, the last
 * value counts (as in VS Code).
 *
 * @param withBom The file's text (a leading byte order mark is skipped).
 * @param path The file's path, for the error message.
 * @returns The object (null prototype: a key may be `__proto__`).
 * @throws {ConfigError} (exit 10) When the text is not valid JSONC or its top level is not an
 *   object; the message names the path, line and column of the first error.
 */
export async function parseJsoncObject(
  withBom: string,
  path: string,
): Promise<Record<string, unknown>> {
  // A UTF-8 byte order mark (which VS Code reads and keeps) is not part of the document.
  const text = withBom.startsWith(BOM) ? withBom.slice(1) : withBom;
  const { parse, printParseErrorCode, stripComments } = await loadParser();
  if (stripComments(text).trim() === "") return Object.create(null);
  const errors: import("npm:jsonc-parser@3.3.1").ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first !== undefined) {
    const before = text.slice(0, first.offset);
    const line = before.split("\n").length;
    const column = first.offset - (before.lastIndexOf("\n") + 1) + 1;
    throw new ConfigError(
      `${path} is not valid JSONC: ${
        printParseErrorCode(first.error)
      } at line ${line}, column ${column}`,
      { hint: "Fix the file by hand (or move it away), then run the command again" },
    );
  }
  if (value === undefined) return Object.create(null);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${path} does not hold a JSON object at its top level`, {
      hint: 'A settings file is one object: { "key": value, ... }; fix it by hand',
    });
  }
  return Object.assign(Object.create(null), value);
}

/** How the file indents and ends its lines, read from its text. */
function formattingOf(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const indented = /^([ \t]+)["/]/m.exec(text)?.[1];
  if (indented?.startsWith("\t")) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: indented === undefined ? 4 : indented.length, eol };
}

/**
 * Inserts `"key": value` on a line of its own after the last property, when that property starts
 * its line: after its comma and its end-of-line comment (which stay with it), indented like it,
 * with a trailing comma when the file puts one after its last property. Undefined when the
 * layout is anything else (the caller lets jsonc-parser place it).
 */
function insertOnOwnLine(
  text: string,
  last: { offset: number; length: number },
  key: string,
  value: unknown,
  eol: string,
): string | undefined {
  const lineStart = text.lastIndexOf("\n", last.offset - 1) + 1;
  const indent = text.slice(lineStart, last.offset);
  if (indent.trim() !== "") return undefined;
  const end = last.offset + last.length;
  let at = end;
  const blanks = () => {
    while (text[at] === " " || text[at] === "\t") at++;
  };
  blanks();
  const comma = text[at] === ",";
  if (comma) at++;
  blanks();
  if (text.startsWith("/*", at)) {
    // The property's comment, on one line or several: it stays with the property.
    const close = text.indexOf("*/", at);
    if (close < 0) return undefined;
    at = close + 2;
    blanks();
  }
  if (text.startsWith("//", at)) {
    while (at < text.length && text[at] !== "\n" && text[at] !== "\r") at++;
  }
  if (at < text.length && text[at] !== "\n" && text[at] !== "\r") return undefined;
  const line = `${eol}${indent}${JSON.stringify(key)}: ${JSON.stringify(value)}${comma ? "," : ""}`;
  return comma
    ? text.slice(0, at) + line + text.slice(at)
    : text.slice(0, end) + "," + text.slice(end, at) + line + text.slice(at);
}

/**
 * Sets top-level keys of a JSONC object document, keeping everything else byte for byte: a key
 * that exists has only its value replaced; a new key is inserted after the last one, formatted
 * like the file (its indentation and line ends). Keys are set in the order given.
 *
 * @param withBom The document (must satisfy {@linkcode parseJsoncObject}; "" is `{}`; a leading
 *   byte order mark is kept).
 * @param entries The keys (a dotted VS Code key is one key, not a path) and their JSON values.
 * @param path The file's path, for errors.
 * @returns The new text (equal to `text` when every key already had its value).
 * @throws {ConfigError} (exit 10) When `text` is not a JSONC object, or sets a key to change
 *   more than once. A leading byte order mark is kept.
 */
export async function setJsoncKeys(
  withBom: string,
  entries: ReadonlyArray<readonly [string, unknown]>,
  path: string,
): Promise<string> {
  const bom = withBom.startsWith(BOM) ? BOM : "";
  const text = withBom.slice(bom.length);
  const current = await parseJsoncObject(text, path);
  const formatting = formattingOf(text);
  const { applyEdits, format, modify, parseTree, stripComments } = await loadParser();
  // Nothing but comments (or nothing): the object goes after them.
  let out = stripComments(text).trim() !== ""
    ? text
    : text + (text === "" || text.endsWith("\n") ? "" : formatting.eol) + "{}" + formatting.eol;
  for (const [key, value] of entries) {
    if (Object.hasOwn(current, key) && JSON.stringify(current[key]) === JSON.stringify(value)) {
      continue;
    }
    const root = parseTree(out, [], { allowTrailingComma: true });
    const properties = root?.children ?? [];
    const times = properties.filter((p) => p.children?.[0]?.value === key).length;
    if (times > 1) {
      // Editing the first would change nothing (the last counts); editing the last would leave
      // a misleading first one. Left to the user.
      throw new ConfigError(`${path} sets "${key}" ${times} times`, {
        hint: `Keep one "${key}" in the file, then run the command again`,
      });
    }
    const last = properties[properties.length - 1];
    if (last !== undefined && !properties.some((p) => p.children?.[0]?.value === key)) {
      const placed = insertOnOwnLine(out, last, key, value, formatting.eol);
      if (placed !== undefined) {
        out = placed;
        continue;
      }
    }
    if (root === undefined || properties.length === 0) {
      // An empty object: nothing to keep on its lines but comments, so the edit is formatted.
      out = applyEdits(out, modify(out, [key], value, { formattingOptions: formatting }));
      continue;
    }
    for (const edit of modify(out, [key], value, {})) {
      out = applyEdits(out, [edit]);
      // Only the inserted text is formatted (jsonc-parser would reformat its whole lines).
      out = applyEdits(
        out,
        format(out, { offset: edit.offset, length: edit.content.length }, formatting),
      );
    }
  }
  return bom + out;
}
