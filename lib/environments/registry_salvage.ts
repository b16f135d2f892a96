/**
 * Salvaging a damaged registry file: a truncated write from another tool, a disk error, a stray
 * edit. The entries of `"environments"` that are still whole JSON values are recovered one by one,
 * so one bad byte does not cost every record.
 *
 * @module
 */

/** Index just past the string that starts at `i` (a `"`), or -1 when the text ends first. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") j++;
    else if (c === '"') return j + 1;
  }
  return -1;
}

/** Index just past the JSON value that starts at `i`, or -1 when the text ends first. */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') {
        j = stringEnd(text, j) - 1;
        if (j < 0) return -1;
      } else if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  const m = /^[^,}\]\s]+/.exec(text.slice(i));
  return m === null ? -1 : i + m[0].length;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/**
 * Reads the members of the top-level `"environments"` object of a damaged registry text, keeping
 * each member whose key and value are whole JSON. Stops at the first member that runs past the
 * end of the text (a truncated file). Returns the raw values by key; the caller validates them.
 */
export function salvageRegistryEntries(text: string): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const start = /"environments"\s*:\s*\{/.exec(text);
  if (start === null) return found;
  let i = start.index + start[0].length;
  while (i < text.length) {
    i = skipSpace(text, i);
    if (text[i] === ",") i = skipSpace(text, i + 1);
    if (text[i] !== '"') break;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) break;
    let key: string;
    try {
      key = JSON.parse(text.slice(i, keyEnd)) as string;
    } catch {
      break;
    }
    i = skipSpace(text, keyEnd);
    if (text[i] !== ":") break;
    i = skipSpace(text, i + 1);
    const end = valueEnd(text, i);
    if (end < 0) break;
    try {
      found.set(key, JSON.parse(text.slice(i, end)));
    } catch {
      // A damaged value: this entry is lost, the next ones may still be whole.
    }
    i = end;
  }
  return found;
}
