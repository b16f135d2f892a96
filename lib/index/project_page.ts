/**
 * A project's files as the index client keeps them: one compact line per file (the page cache's
 * payload, and the in-memory form), turned into {@linkcode IndexFile} objects only while they are
 * iterated. A page of 10,000 files (grpcio) is one string of a few MB rather than 10,000 objects,
 * and a reader that keeps only a few files (the resolver keeps one per version) lets the rest be
 * collected at once.
 *
 * Line format: tab-separated `filename`, `url`, `sha256`, `requires-python`, `yanked`,
 * `core-metadata`, `size`, `upload-time`; empty fields are null; `yanked` is `-` when not yanked,
 * else `y` followed by the reason; `core-metadata` is `0`, `1` or a sha256. `%`, tab, CR and LF
 * inside a field are written `%25`, `%09`, `%0D`, `%0A`.
 *
 * @module
 */
import type { IndexFile } from "./simple_page.ts";

function escape(field: string): string {
  return /[%\t\r\n]/.test(field)
    ? field.replace(/[%\t\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    : field;
}

function unescape(field: string): string {
  return field.includes("%")
    ? field.replace(/%(25|09|0d|0a)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : field;
}

/** One file as a line (without the newline). */
export function encodeFile(f: IndexFile): string {
  return [
    f.filename,
    f.url,
    f.sha256 ?? "",
    f.requiresPython ?? "",
    f.yanked === null ? "-" : `y${f.yanked}`,
    f.coreMetadata === false ? "0" : f.coreMetadata === true ? "1" : f.coreMetadata,
    f.size === null ? "" : String(f.size),
    f.uploadTime ?? "",
  ].map(escape).join("\t");
}

/** Files as lines joined with `\n`. */
export function encodeFiles(files: Iterable<IndexFile>): string {
  const lines: string[] = [];
  for (const f of files) lines.push(encodeFile(f));
  return lines.join("\n");
}

/** The file of one line, or null when the line is malformed. */
export function decodeFile(line: string): IndexFile | null {
  const p = line.split("\t").map(unescape);
  if (p.length !== 8 || p[0] === "" || p[1] === "") return null;
  const meta = p[5]!;
  return {
    filename: p[0]!,
    url: p[1]!,
    sha256: p[2] || null,
    requiresPython: p[3] || null,
    yanked: p[4] === "-" ? null : p[4]!.slice(1),
    coreMetadata: meta === "0" ? false : meta === "1" ? true : meta,
    size: p[6] === "" ? null : Number(p[6]),
    uploadTime: p[7] || null,
  };
}

/** The files of `text` (lines from {@linkcode encodeFiles}), decoded one at a time. */
export function* decodeFiles(text: string): Generator<IndexFile> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const file = decodeFile(text.slice(start, end));
    if (file !== null) yield file;
    start = end + 1;
  }
}

/** The file name of each line of `text`, without decoding the other fields. */
export function* fileNames(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const tab = text.indexOf("\t", start);
    if (tab > start && tab < end) yield unescape(text.slice(start, tab));
    start = end + 1;
  }
}

/**
 * The files of one project from the index that won (first one that has it) plus find-links
 * files, iterated lazily. Holds one string for the index's files; nothing is parsed until asked.
 */
export class ProjectPage {
  /** PEP 503 normalized name. */
  readonly name: string;
  /** The index URL that had the project (credentials removed), or null when only find-links did. */
  readonly index: string | null;
  readonly #lines: string;
  readonly #linked: readonly IndexFile[];

  /**
   * @param lines The index's files, as {@linkcode encodeFiles} writes them.
   * @param linked Find-links files of the project, listed after the index's.
   */
  constructor(name: string, index: string | null, lines: string, linked: readonly IndexFile[]) {
    this.name = name;
    this.index = index;
    this.#lines = lines;
    this.#linked = linked;
  }

  /** Every file, index files first, decoded as iterated. */
  *files(): Generator<IndexFile> {
    yield* decodeFiles(this.#lines);
    yield* this.#linked;
  }
}
