/**
 * Static metadata of a source distribution: its top-level `PKG-INFO`, usable for resolution when
 * it is core metadata 2.2 or later and `Requires-Dist` is not marked `Dynamic` (PEP 643).
 *
 * Archives may be hostile: a `.tar.gz` is inflated as a stream and read entry by entry, keeping
 * only `PKG-INFO` (at most `MAX_METADATA_BYTES`) and stopping as soon as it is found; a gzip bomb
 * costs at most {@linkcode MAX_SDIST_SCAN_BYTES} of inflating, never that much memory.
 *
 * @module
 */
import { DistributionError } from "../errors/mod.ts";
import { decodeMetadata, MAX_METADATA_BYTES } from "../metadata/mod.ts";
import {
  bytesSource,
  chunkedStream,
  findWheelMetadata,
  formatBytes,
  readZipDirectory,
  readZipEntry,
} from "../zip/mod.ts";

/** How far into an uncompressed sdist tar gestvenv looks for `PKG-INFO`, in bytes. */
export const MAX_SDIST_SCAN_BYTES = 1024 * 1024 * 1024;

/** A queue of byte chunks read from a stream, consumed from the front. */
class ByteQueue {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** Bytes pulled from the stream so far. */
  pulled = 0;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.#reader = reader;
  }

  /** Pulls until `n` bytes are buffered; false when the stream ends first. */
  async #fill(n: number): Promise<boolean> {
    while (this.#buffered < n) {
      const { done, value } = await this.#reader.read();
      if (done) return false;
      this.pulled += value.length;
      if (this.pulled > MAX_SDIST_SCAN_BYTES) {
        throw new DistributionError(
          `no PKG-INFO in the first ${formatBytes(MAX_SDIST_SCAN_BYTES)} of the archive`,
        );
      }
      this.#chunks.push(value);
      this.#buffered += value.length;
    }
    return true;
  }

  /** The next `n` bytes, or null when the stream ends first. */
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

  /** Drops the next `n` bytes without keeping them; false when the stream ends first. */
  async skip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (this.#buffered === 0 && !(await this.#fill(1))) return false;
      const chunk = this.#chunks[0]!;
      const part = Math.min(chunk.length, left);
      if (part === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part);
      this.#buffered -= part;
      left -= part;
    }
    return true;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

const decoder = new TextDecoder();

function field(block: Uint8Array, start: number, length: number): string {
  return decoder.decode(block.subarray(start, start + length)).replace(/\0.*$/s, "");
}

async function readTarPkgInfo(stream: ReadableStream<Uint8Array>): Promise<Uint8Array | null> {
  const queue = new ByteQueue(stream.getReader());
  try {
    let longName: string | null = null;
    for (;;) {
      const header = await queue.take(512);
      if (header === null || header.every((b) => b === 0)) return null;
      const sizeText = field(header, 124, 12).trim() || "0";
      const size = parseInt(sizeText, 8);
      if (!/^[0-7]+$/.test(sizeText) || !Number.isSafeInteger(size)) {
        throw new DistributionError("corrupt tar header (bad size field)");
      }
      const type = String.fromCharCode(header[156]!);
      const prefix = field(header, 345, 155);
      const name = longName ??
        (prefix !== "" ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
      longName = null;
      const padded = Math.ceil(size / 512) * 512;
      const isPkgInfo = (type === "0" || type === "\0") &&
        /^[^/]+\/PKG-INFO$/.test(name.replace(/^\.\//, ""));
      if (type === "L" || type === "x" || isPkgInfo) {
        // Long names and pax headers are small; PKG-INFO is bounded like METADATA.
        if (size > MAX_METADATA_BYTES) {
          throw new DistributionError(
            `${isPkgInfo ? "PKG-INFO" : "a tar header"} is larger than ${
              formatBytes(MAX_METADATA_BYTES)
            } (declared ${formatBytes(size)})`,
          );
        }
        const data = await queue.take(size);
        if (data === null) throw new DistributionError("truncated tar archive");
        if (isPkgInfo) return data;
        if (type === "L") longName = decoder.decode(data).replace(/\0.*$/s, "");
        else {
          const path = /\d+ path=([^\n]*)\n/.exec(decoder.decode(data))?.[1];
          if (path !== undefined) longName = path;
        }
        if (!(await queue.skip(padded - size))) return null;
      } else if (!(await queue.skip(padded))) return null;
    }
  } finally {
    await queue.cancel();
  }
}

/**
 * The top-level `PKG-INFO` of an sdist archive (`.tar.gz`, `.tgz`, `.tar` or `.zip`), or null
 * when absent. `filename` names the archive in errors.
 * @throws {DistributionError} when the archive is corrupt, or its PKG-INFO is larger than
 *   `MAX_METADATA_BYTES`, or no PKG-INFO appears in the first {@linkcode MAX_SDIST_SCAN_BYTES}.
 */
export async function readSdistPkgInfo(
  filename: string,
  bytes: Uint8Array,
): Promise<string | null> {
  try {
    if (filename.endsWith(".zip")) {
      const source = bytesSource(bytes);
      const entries = await readZipDirectory(source);
      const entry = entries.find((e) => /^[^/]+\/PKG-INFO$/.test(e.name)) ??
        findWheelMetadata(entries);
      if (entry === undefined) return null;
      return decodeMetadata(
        await readZipEntry(source, entry, { maxBytes: MAX_METADATA_BYTES }),
        filename,
      );
    }
    let stream: ReadableStream<Uint8Array>;
    if (filename.endsWith(".tar.gz") || filename.endsWith(".tgz")) {
      stream = chunkedStream(bytes).pipeThrough(new DecompressionStream("gzip"));
    } else if (filename.endsWith(".tar")) {
      stream = chunkedStream(bytes, 65536) as ReadableStream<Uint8Array>;
    } else return null;
    const data = await readTarPkgInfo(stream);
    return data === null ? null : decodeMetadata(data, filename);
  } catch (error) {
    if (error instanceof DistributionError) {
      if (error.source !== undefined) throw error;
      throw new DistributionError(error.message, filename, { cause: error });
    }
    throw new DistributionError("corrupt archive (bad gzip or tar stream)", filename, {
      cause: error,
    });
  }
}
