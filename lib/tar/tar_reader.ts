/**
 * A small streaming reader for tar archives (POSIX ustar and pax, GNU long names), enough for
 * source distributions: it yields each entry's header and lets the caller consume or skip its
 * data in chunks, so nothing larger than a chunk is held in memory. Checksums and size fields are
 * checked; every fault is a {@linkcode DistributionError} without a source (the caller names the
 * archive).
 *
 * @module
 */
import { DistributionError } from "../errors/mod.ts";

/** The kind of a tar entry, from its type flag. */
export type TarEntryKind =
  | "file"
  | "directory"
  | "symlink"
  | "hardlink"
  | "device"
  | "fifo"
  | "other";

/** One entry of a tar archive, its names already taken from pax or GNU long-name records. */
export interface TarEntry {
  /** The path inside the archive, as written (`/`-separated, not yet checked). */
  name: string;
  /** What the entry is. */
  kind: TarEntryKind;
  /** The raw type flag (`0`, `5`, `2`, …), for messages. */
  typeflag: string;
  /** Permission bits. */
  mode: number;
  /** Data size in bytes (0 for anything but files). */
  size: number;
  /** Link target for symlinks and hard links, else "". */
  linkName: string;
}

/** The data of the current entry: read it in chunks, or let the reader skip it. */
export interface TarEntryData {
  /** The entry's bytes, chunk by chunk (each at most the size of a stream chunk). */
  chunks(): AsyncGenerator<Uint8Array>;
}

const decoder = new TextDecoder();

/** Buffers a byte stream and hands it out in exact amounts. */
class ByteQueue {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.#reader = reader;
  }

  async #fill(n: number): Promise<boolean> {
    while (this.#buffered < n) {
      const { done, value } = await this.#reader.read();
      if (done) return false;
      if (value.length === 0) continue;
      this.#chunks.push(value);
      this.#buffered += value.length;
    }
    return true;
  }

  /** Exactly `n` bytes, or null when the stream ends first. */
  async take(n: number): Promise<Uint8Array | null> {
    if (!(await this.#fill(n))) return null;
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const part = Math.min(chunk.length, n - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      if (part === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part);
    }
    this.#buffered -= n;
    return out;
  }

  /** The next `n` bytes as they arrive, in pieces; throws when the stream ends first. */
  async *pieces(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      if (this.#buffered === 0 && !(await this.#fill(1))) {
        throw new DistributionError("truncated tar archive");
      }
      const chunk = this.#chunks[0]!;
      const part = Math.min(chunk.length, left);
      if (part === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part);
      this.#buffered -= part;
      left -= part;
      yield chunk.subarray(0, part);
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

function text(block: Uint8Array, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** A numeric field: octal text, or GNU base-256 (first byte's high bit set). */
function number(block: Uint8Array, start: number, length: number, what: string): number {
  const bytes = block.subarray(start, start + length);
  if ((bytes[0]! & 0x80) !== 0) {
    let value = bytes[0]! & 0x7f;
    for (let i = 1; i < bytes.length; i++) value = value * 256 + bytes[i]!;
    if (!Number.isSafeInteger(value)) throw new DistributionError(`corrupt tar header (${what})`);
    return value;
  }
  const field = text(block, start, length).trim();
  if (field === "") return 0;
  if (!/^[0-7]+$/.test(field)) throw new DistributionError(`corrupt tar header (bad ${what})`);
  return parseInt(field, 8);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = number(block, 148, 8, "checksum");
  let unsigned = 0, signed = 0;
  for (let i = 0; i < 512; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** Parses pax extended header records (`<length> <key>=<value>\n`). */
function parsePax(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let p = 0;
  while (p < data.length) {
    const space = data.indexOf(0x20, p);
    if (space < 0) break;
    const length = parseInt(decoder.decode(data.subarray(p, space)), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || p + length > data.length) {
      throw new DistributionError("corrupt tar archive (bad pax header)");
    }
    const record = decoder.decode(data.subarray(space + 1, p + length - 1));
    const eq = record.indexOf("=");
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    p += length;
  }
  return records;
}

function kindOf(typeflag: string): TarEntryKind {
  switch (typeflag) {
    case "0":
    case "\0":
    case "7":
      return "file";
    case "5":
      return "directory";
    case "2":
      return "symlink";
    case "1":
      return "hardlink";
    case "3":
    case "4":
      return "device";
    case "6":
      return "fifo";
    default:
      return "other";
  }
}

/** Largest pax or GNU long-name record accepted, in bytes. */
const MAX_META_RECORD_BYTES = 1024 * 1024;

/**
 * Reads the tar archive in `stream` entry by entry, calling `onEntry` for each (pax and GNU
 * long-name records are applied, not passed on). The entry's data may be consumed through
 * `data.chunks()` inside the callback; whatever is not consumed is skipped. A callback that
 * returns `"stop"` ends the reading there (the rest of the stream is not read).
 *
 * @throws {DistributionError} on a bad checksum, a corrupt size field or pax record, or an archive
 *   that ends in the middle of an entry.
 */
export async function readTar(
  stream: ReadableStream<Uint8Array>,
  onEntry: (entry: TarEntry, data: TarEntryData) => Promise<void | "stop">,
): Promise<void> {
  const queue = new ByteQueue(stream.getReader());
  try {
    let pax = new Map<string, string>();
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const header = await queue.take(512);
      if (header === null) return; // no end-of-archive blocks: tolerated, as tarfile does
      if (header.every((b) => b === 0)) return;
      if (!checksumOk(header)) throw new DistributionError("corrupt tar header (bad checksum)");
      const typeflag = String.fromCharCode(header[156]!);
      let size = number(header, 124, 12, "size");
      let padding = (512 - (size % 512)) % 512;
      if (typeflag === "x" || typeflag === "g" || typeflag === "L" || typeflag === "K") {
        if (size > MAX_META_RECORD_BYTES) {
          throw new DistributionError("corrupt tar archive (oversized pax or long-name record)");
        }
        const data = await queue.take(size + padding);
        if (data === null) throw new DistributionError("truncated tar archive");
        const body = data.subarray(0, size);
        if (typeflag === "x") pax = parsePax(body);
        else if (typeflag === "L") longName = text(body, 0, body.length);
        else if (typeflag === "K") longLink = text(body, 0, body.length);
        // "g" (global pax header) carries nothing a source tree needs.
        continue;
      }
      // POSIX ustar ("ustar\0") has a name prefix at 345; old GNU ("ustar  ") keeps times there.
      const posix = decoder.decode(header.subarray(257, 263)) === "ustar\0";
      const prefix = posix ? text(header, 345, 155) : "";
      const shortName = text(header, 0, 100);
      let name = pax.get("path") ?? longName ??
        (prefix !== "" ? `${prefix}/${shortName}` : shortName);
      const linkName = pax.get("linkpath") ?? longLink ?? text(header, 157, 100);
      const paxSize = pax.get("size");
      if (paxSize !== undefined) {
        if (!/^\d+$/.test(paxSize)) throw new DistributionError("corrupt tar archive (pax size)");
        size = parseInt(paxSize, 10);
        padding = (512 - (size % 512)) % 512;
      }
      pax = new Map();
      longName = undefined;
      longLink = undefined;
      const kind = kindOf(typeflag);
      if (kind === "directory" && !name.endsWith("/")) name += "/";
      // Only regular files carry data; hard links, links and directories declare none that matters.
      const dataSize = kind === "file" || kind === "other" ? size : 0;
      const skipOnly = size - dataSize;
      let remaining = dataSize;
      const data: TarEntryData = {
        chunks: async function* () {
          for await (const piece of queue.pieces(remaining)) {
            remaining -= piece.length;
            yield piece;
          }
        },
      };
      const next = await onEntry({
        name,
        kind,
        typeflag,
        mode: number(header, 100, 8, "mode"),
        size: dataSize,
        linkName,
      }, data);
      if (next === "stop") return;
      // Whatever the callback left unread, then the padding to the next 512-byte block.
      for await (const _ of queue.pieces(remaining + skipOnly + padding)) { /* skip */ }
    }
  } finally {
    await queue.cancel();
  }
}
