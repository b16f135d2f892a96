/**
 * `RECORD` files of installed distributions (PEP 376 "RECORD", PEP 627; "Recording installed
 * projects" in the packaging specifications): one CSV row per installed file, `path,hash,size`,
 * paths relative to the site-packages directory (or `../../../bin/x` for scripts).
 *
 * @module
 */
import { join } from "../paths/mod.ts";

/** One row of a RECORD file. */
export interface RecordEntry {
  /** Path as written, `/`-separated, relative to site-packages (may start with `../`). */
  path: string;
  /** `sha256=<urlsafe base64>` or empty (RECORD itself, `.pyc` files). */
  hash: string;
  /** Size in bytes, or null when not given. */
  size: number | null;
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Parses the text of a RECORD file (CSV as Python's `csv` module writes it). */
export function parseRecord(text: string): RecordEntry[] {
  const out: RecordEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const [path = "", hash = "", size = ""] = splitCsvLine(line);
    if (path === "") continue;
    out.push({ path, hash, size: size === "" || !/^\d+$/.test(size) ? null : Number(size) });
  }
  return out;
}

/**
 * Reads `<dist-info>/RECORD`; undefined when it is missing (an installation that did not finish:
 * installers write RECORD last). Requires `--allow-read`.
 */
export async function readRecord(distInfo: string): Promise<RecordEntry[] | undefined> {
  try {
    return parseRecord(await Deno.readTextFile(join(distInfo, "RECORD")));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
