/**
 * A project's files as the index client keeps them: one compact line per file (the page cache's
 * payload, and the in-memory form), turned into {@linkcode IndexFile} objects only while they are
 * iterated. A page of 10,000 files (grpcio) is one byte array of a few MB rather than 10,000
 * objects, and a reader that keeps only a few files (the resolver keeps one per version) lets the
 * rest be collected at once. Lines are decoded from bytes one at a time, so a kept file's strings
 * never pin the whole page in memory (V8 keeps a substring's parent string alive).
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

/** Files as lines (see the module documentation), UTF-8 encoded. */
export function encodeFiles(files: Iterable<IndexFile>): Uint8Array {
  const out = new ByteBuilder();
  const lines = new LinesWriter(out);
  for (const f of files) lines.add(f);
  return out.view();
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

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Builds UTF-8 text in one growing byte buffer, outside the JavaScript heap: a page's thousands
 * of lines never exist as strings at once (each line is encoded as soon as it is made).
 */
export class ByteBuilder {
  #buf: Uint8Array;
  #length = 0;

  /** @param capacity Initial size in bytes. */
  constructor(capacity = 64 * 1024) {
    this.#buf = new Uint8Array(capacity);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#length + bytes));
    grown.set(this.#buf.subarray(0, this.#length));
    this.#buf = grown;
  }

  /** Appends one byte. */
  byte(value: number): void {
    this.#reserve(1);
    this.#buf[this.#length++] = value;
  }

  /** Appends `text` as UTF-8 (ASCII is copied byte by byte, allocating nothing). */
  text(text: string): void {
    this.#reserve(text.length * 3);
    const buf = this.#buf;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.#length = at;
        this.#length += encoder.encodeInto(text.slice(i), buf.subarray(at)).written;
        return;
      }
      buf[at++] = code;
    }
    this.#length = at;
  }

  /** Appends raw bytes. */
  bytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** What was written (a view; appending more may move it). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#length);
  }
}

/**
 * Appends the files of a page to a {@linkcode ByteBuilder}, one line each (see the module
 * documentation), field by field: no line string is ever made.
 */
export class LinesWriter {
  readonly #out: ByteBuilder;
  #first = true;
  /** @param out Where lines are appended. */
  constructor(out: ByteBuilder) {
    this.#out = out;
  }
  /** Appends one file's line. */
  add(f: IndexFile): void {
    const out = this.#out;
    if (!this.#first) out.byte(10);
    this.#first = false;
    out.text(escape(f.filename));
    out.byte(9);
    out.text(escape(f.url));
    out.byte(9);
    if (f.sha256 !== null) out.text(escape(f.sha256));
    out.byte(9);
    if (f.requiresPython !== null) out.text(escape(f.requiresPython));
    out.byte(9);
    if (f.yanked === null) out.byte(45);
    else {
      out.byte(121);
      out.text(escape(f.yanked));
    }
    out.byte(9);
    if (f.coreMetadata === false) out.byte(48);
    else if (f.coreMetadata === true) out.byte(49);
    else out.text(escape(f.coreMetadata));
    out.byte(9);
    if (f.size !== null) out.text(String(f.size));
    out.byte(9);
    if (f.uploadTime !== null) out.text(escape(f.uploadTime));
  }
}

/**
 * The files of `lines` (UTF-8 bytes of lines from {@linkcode encodeFiles}), decoded one at a
 * time.
 */
export function* decodeFiles(lines: Uint8Array): Generator<IndexFile> {
  let start = 0;
  while (start < lines.length) {
    let end = lines.indexOf(10, start);
    if (end < 0) end = lines.length;
    const file = decodeFile(decoder.decode(lines.subarray(start, end)));
    if (file !== null) yield file;
    start = end + 1;
  }
}

/**
 * One file of a page as the resolver reads it: the name, `requires-python` and yank state, with
 * the whole file decoded only for the files that are kept ({@linkcode PageEntry.file}). The same
 * object may be reused for the next file: keep `file()`, not the entry.
 */
export interface PageEntry {
  /** The distribution file name. */
  readonly filename: string;
  /** `requires-python` of the file (PEP 345 specifier text), or null. */
  readonly requiresPython: string | null;
  /** Yank reason (`""` without one), or null when not yanked. */
  readonly yanked: string | null;
  /** The whole file, a new object that is safe to keep. */
  file(): IndexFile;
}

/** A {@linkcode PageEntry} over one line of a page, moved from line to line. */
class LineEntry implements PageEntry {
  filename = "";
  requiresPython: string | null = null;
  yanked: string | null = null;
  #line = "";

  /** Points at `line`; false when the line is malformed. */
  read(line: string): boolean {
    const t0 = line.indexOf("\t"), t1 = line.indexOf("\t", t0 + 1);
    const t2 = line.indexOf("\t", t1 + 1), t3 = line.indexOf("\t", t2 + 1);
    const t4 = line.indexOf("\t", t3 + 1);
    if (t0 <= 0 || t4 < 0) return false;
    this.#line = line;
    this.filename = unescape(line.slice(0, t0));
    this.requiresPython = t3 > t2 + 1 ? unescape(line.slice(t2 + 1, t3)) : null;
    this.yanked = line.charCodeAt(t3 + 1) === 45 /* - */ ? null : unescape(line.slice(t3 + 2, t4));
    return true;
  }

  file(): IndexFile {
    return decodeFile(this.#line)!;
  }
}

/** A {@linkcode PageEntry} for a file that is already an object. */
export function fileEntry(file: IndexFile): PageEntry {
  return {
    filename: file.filename,
    requiresPython: file.requiresPython,
    yanked: file.yanked,
    file: () => file,
  };
}

/**
 * The files of one project from the index that won (first one that has it) plus find-links
 * files, iterated lazily. Holds one byte array of the index's files; nothing is parsed until asked.
 */
export class ProjectPage {
  /** PEP 503 normalized name. */
  readonly name: string;
  /** The index URL that had the project (credentials removed), or null when only find-links did. */
  readonly index: string | null;
  readonly #lines: Uint8Array;
  readonly #linked: readonly IndexFile[];

  /**
   * @param lines The index's files, as {@linkcode encodeFiles} writes them.
   * @param linked Find-links files of the project, listed after the index's.
   */
  /**
   * Wraps a project's files, encoded one per line.
   *
   * @param name PEP 503 normalized project name.
   * @param index The index URL that had the project (credentials removed), or null.
   */
  constructor(
    name: string,
    index: string | null,
    lines: Uint8Array,
    linked: readonly IndexFile[],
  ) {
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

  /**
   * Every file as a {@linkcode PageEntry}, index files first: only the name, `requires-python`
   * and yank state are decoded until `file()` is called. The entry object is reused.
   */
  *entries(): Generator<PageEntry> {
    const entry = new LineEntry();
    const lines = this.#lines;
    let start = 0;
    while (start < lines.length) {
      let end = lines.indexOf(10, start);
      if (end < 0) end = lines.length;
      if (entry.read(decoder.decode(lines.subarray(start, end)))) yield entry;
      start = end + 1;
    }
    for (const file of this.#linked) yield fileEntry(file);
  }
}
