/**
 * A small streaming tar writer (POSIX ustar, with a pax extended header for names longer than
 * ustar holds or sizes past 8 GiB), enough for bundles: regular files only, written in order,
 * each file's bytes passed through in chunks so nothing larger than a chunk is held in memory.
 * Python's `tarfile`, GNU tar and `lib/tar` read what it writes.
 *
 * @module
 */
import { UsageError } from "../errors/mod.ts";

const encoder = new TextEncoder();
const BLOCK = 512;
/** Largest size the 11 octal digits of a ustar header hold (8 GiB - 1), in bytes. */
const USTAR_MAX_SIZE = 0o77777777777;

function writeText(block: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  block.set(bytes.subarray(0, length), offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeText(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

/** One 512-byte ustar header. */
function header(
  name: string,
  size: number,
  options: { mode: number; mtime: number; typeflag: string },
): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeText(block, 0, 100, name);
  writeOctal(block, 100, 8, options.mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, Math.min(size, USTAR_MAX_SIZE));
  writeOctal(block, 136, 12, options.mtime);
  block.fill(0x20, 148, 156);
  writeText(block, 156, 1, options.typeflag);
  writeText(block, 257, 6, "ustar\0");
  writeText(block, 263, 2, "00");
  let sum = 0;
  for (const byte of block) sum += byte;
  writeText(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/** A pax record `<length> <key>=<value>\n` (the length counts itself). */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = encoder.encode(body).length;
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return `${length}${body}`;
}

function padding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Writes a tar archive, entry by entry, to a byte stream. */
export class TarWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #mtime: number;
  readonly #names = new Set<string>();

  /**
   * @param writer Where the archive's bytes go (a file, or a compressor in front of one).
   * @param mtime Modification time written for every entry, in seconds since the epoch.
   */
  constructor(writer: WritableStreamDefaultWriter<Uint8Array>, mtime: number) {
    this.#writer = writer;
    this.#mtime = Math.max(0, Math.floor(mtime));
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    await this.#writer.ready;
    await this.#writer.write(bytes);
  }

  async #header(name: string, size: number, mode: number): Promise<void> {
    if (name === "" || name.startsWith("/") || name.split("/").includes("..")) {
      throw new UsageError(`tar entry ${JSON.stringify(name)} is not a relative path`);
    }
    if (this.#names.has(name)) throw new UsageError(`tar entry ${name} written twice`);
    this.#names.add(name);
    const long = encoder.encode(name).length > 100;
    if (long || size > USTAR_MAX_SIZE) {
      const records = (long ? paxRecord("path", name) : "") +
        (size > USTAR_MAX_SIZE ? paxRecord("size", String(size)) : "");
      const data = encoder.encode(records);
      const shortName = `PaxHeaders/${name.slice(-80).replace(/^[^/]*\//, "")}`;
      await this.#write(
        header(shortName, data.length, { mode: 0o644, mtime: this.#mtime, typeflag: "x" }),
      );
      await this.#write(data);
      await this.#write(padding(data.length));
    }
    await this.#write(header(name, size, { mode, mtime: this.#mtime, typeflag: "0" }));
  }

  /**
   * Adds a regular file whose `size` bytes come from `chunks`.
   * @throws {UsageError} when `chunks` yields more or fewer bytes than `size` (the archive is then
   *   unusable: the caller discards it), or the name is absolute, has `..`, or was written before.
   */
  async addFile(
    name: string,
    size: number,
    chunks: AsyncIterable<Uint8Array>,
    mode = 0o644,
  ): Promise<void> {
    await this.#header(name, size, mode);
    let written = 0;
    for await (const chunk of chunks) {
      written += chunk.length;
      if (written > size) break;
      await this.#write(chunk);
    }
    if (written !== size) {
      throw new UsageError(`${name}: ${written} bytes were read where ${size} were expected`, {
        hint: "The file changed while it was being written into the archive; try again",
      });
    }
    await this.#write(padding(size));
  }

  /** Adds a regular file with these bytes. */
  async addBytes(name: string, bytes: Uint8Array, mode = 0o644): Promise<void> {
    await this.addFile(
      name,
      bytes.length,
      (async function* () {
        yield bytes;
      })(),
      mode,
    );
  }

  /** Writes the end-of-archive marker (two zero blocks) and closes the stream. */
  async finish(): Promise<void> {
    await this.#write(new Uint8Array(BLOCK * 2));
    await this.#writer.close();
  }
}
