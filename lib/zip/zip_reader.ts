/**
 * A small reader for zip archives (wheels, PEP 427) that needs only random access: it reads the
 * end-of-central-directory record (zip64 included), lists the entries, and inflates the one
 * asked for. It works on a local file or on any byte-range source, such as HTTP range requests,
 * so `METADATA` can be read from the end of a remote wheel without downloading it.
 *
 * Archives come from the network and may be hostile: every size read from them is checked before
 * anything is allocated for it, and an entry is inflated as a stream that stops past its bound, so
 * a deflate bomb (a tiny entry that inflates to gigabytes) costs at most the bound in memory.
 * Every fault is a {@linkcode DistributionError}.
 *
 * @module
 */
import { DistributionError } from "../errors/mod.ts";
import { crc32 } from "./crc32.ts";

/** Reads `length` bytes at `offset` of an archive of `size` bytes. */
export interface RangeSource {
  /** Total size in bytes. */
  size: number;
  /** The archive's file name, named in errors (`demo-1.0-py3-none-any.whl`), when known. */
  name?: string | undefined;
  /** Reads bytes `[offset, offset + length)`. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** One entry of the central directory. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  /** Compressed size in bytes. */
  compressedSize: number;
  /** Uncompressed size in bytes. */
  size: number;
  /** Offset of the local file header. */
  localHeaderOffset: number;
  /** CRC-32 of the uncompressed bytes, as the central directory records it. */
  crc32?: number;
  /** General purpose bit flag (bit 0: encrypted; bit 3: sizes in a data descriptor). */
  flags?: number;
  /**
   * Unix mode bits (`st_mode`: type and permissions) when the archive was made on Unix (the high
   * 16 bits of the external attributes), else undefined.
   */
  unixMode?: number | undefined;
}

/** Largest central directory read (bytes); wheels with tens of thousands of files need a few MB. */
export const MAX_ZIP_DIRECTORY_BYTES = 64 * 1024 * 1024;

const EOCD = 0x06054b50, EOCD64 = 0x06064b50, EOCD64_LOCATOR = 0x07064b50, CDH = 0x02014b50;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads the central directory of an archive, fetching the last `tail` bytes first (default
 * 16 KiB, enough for most wheels) and more only when the directory is larger.
 * @throws {DistributionError} when the bytes are not a zip archive, or its directory is corrupt
 *   or larger than {@linkcode MAX_ZIP_DIRECTORY_BYTES}.
 */
export async function readZipDirectory(source: RangeSource, tail = 16384): Promise<ZipEntry[]> {
  try {
    return await readDirectory(source, tail);
  } catch (error) {
    throw nameArchive(error, source);
  }
}

/** Gives a {@linkcode DistributionError} without a source the archive's name, when known. */
function nameArchive(error: unknown, source: RangeSource): unknown {
  if (error instanceof DistributionError && error.source === undefined && source.name) {
    return new DistributionError(error.message, source.name, {
      cause: error,
      hint: error.hint ?? "The file is corrupt or hostile; use another version, or tell the " +
          "index's owners",
    });
  }
  return error;
}

async function readDirectory(source: RangeSource, tail: number): Promise<ZipEntry[]> {
  const tailLength = Math.min(source.size, Math.max(tail, 22));
  const tailStart = source.size - tailLength;
  const end = await source.read(tailStart, tailLength);
  const dv = view(end);
  let eocd = -1;
  for (let i = end.length - 22; i >= Math.max(0, end.length - 65557); i--) {
    if (dv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DistributionError("not a zip archive (no end of central directory)");
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== EOCD64_LOCATOR) {
      throw new DistributionError("zip64 archive without its locator");
    }
    const eocd64Offset = Number(dv.getBigUint64(loc + 8, true));
    const rec = eocd64Offset >= tailStart
      ? end.subarray(eocd64Offset - tailStart, eocd64Offset - tailStart + 56)
      : await source.read(eocd64Offset, 56);
    const v64 = view(rec);
    if (rec.length < 56 || view(rec).getUint32(0, true) !== EOCD64) {
      throw new DistributionError("bad zip64 record");
    }
    count = Number(v64.getBigUint64(32, true));
    cdSize = Number(v64.getBigUint64(40, true));
    cdOffset = Number(v64.getBigUint64(48, true));
  }
  if (cdSize > MAX_ZIP_DIRECTORY_BYTES || cdOffset + cdSize > source.size || count * 46 > cdSize) {
    throw new DistributionError(
      `corrupt or oversized zip central directory (${count} entries in ${cdSize} bytes at ${cdOffset})`,
    );
  }
  const cd = cdOffset >= tailStart && cdOffset + cdSize <= source.size
    ? end.subarray(cdOffset - tailStart, cdOffset - tailStart + cdSize)
    : await source.read(cdOffset, cdSize);
  const cv = view(cd);
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cv.getUint32(p, true) !== CDH) {
      throw new DistributionError("corrupt zip central directory");
    }
    const nameLength = cv.getUint16(p + 28, true);
    const extraLength = cv.getUint16(p + 30, true);
    const commentLength = cv.getUint16(p + 32, true);
    let compressedSize = cv.getUint32(p + 20, true);
    let size = cv.getUint32(p + 24, true);
    let localHeaderOffset = cv.getUint32(p + 42, true);
    const name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLength));
    // zip64 extra field (id 1): the values that overflowed, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cv.getUint16(e, true), len = cv.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (size === 0xffffffff) size = Number(cv.getBigUint64(q, true)), q += 8;
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(cv.getBigUint64(q, true)), q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(cv.getBigUint64(q, true));
      }
      e += 4 + len;
    }
    const madeBy = cv.getUint16(p + 4, true) >>> 8;
    const external = cv.getUint32(p + 38, true);
    entries.push({
      name,
      method: cv.getUint16(p + 10, true),
      compressedSize,
      size,
      localHeaderOffset,
      crc32: cv.getUint32(p + 16, true),
      flags: cv.getUint16(p + 8, true),
      // 3 = Unix, 19 = OS X (APPNOTE 4.4.2): st_mode in the high half of the attributes.
      unixMode: madeBy === 3 || madeBy === 19 ? external >>> 16 : undefined,
    });
    p = extraEnd + commentLength;
  }
  return entries;
}

/** Options for {@linkcode readZipEntry}. */
export interface ReadZipEntryOptions {
  /**
   * Largest uncompressed size accepted, in bytes: an entry that declares more is refused before
   * it is read, and inflating stops (with an error) past it when the declared size lies.
   * @default Infinity
   */
  maxBytes?: number;
}

/**
 * Reads and decompresses one entry (stored or deflated), checking that it inflates to exactly its
 * declared size.
 * @throws {DistributionError} on an unsupported compression method, a corrupt header or
 *   stream, a size that differs from the declared one, or an entry larger than `maxBytes`.
 */
export async function readZipEntry(
  source: RangeSource,
  entry: ZipEntry,
  options: ReadZipEntryOptions = {},
): Promise<Uint8Array> {
  try {
    return await readEntry(source, entry, options);
  } catch (error) {
    throw nameArchive(error, source);
  }
}

async function readEntry(
  source: RangeSource,
  entry: ZipEntry,
  options: ReadZipEntryOptions,
): Promise<Uint8Array> {
  const max = options.maxBytes ?? Infinity;
  const tooLarge = (size: string) =>
    new DistributionError(
      `zip entry ${entry.name} is larger than ${formatBytes(max)} (${size}); refusing to read it`,
    );
  if (entry.size > max) throw tooLarge(`declared ${formatBytes(entry.size)}`);
  // Deflate never expands data by more than ~0.03% plus a few bytes per block.
  if (entry.compressedSize > entry.size + entry.size / 1000 + 1024) {
    throw new DistributionError(`corrupt zip entry ${entry.name} (compressed size too large)`);
  }
  // Local header (30 bytes + name + extra); its lengths may differ from the central record's.
  const header = await source.read(entry.localHeaderOffset, 30);
  if (header.length < 30 || view(header).getUint32(0, true) !== 0x04034b50) {
    throw new DistributionError(`corrupt zip entry ${entry.name}`);
  }
  const hv = view(header);
  const start = entry.localHeaderOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  if (start + entry.compressedSize > source.size) {
    throw new DistributionError(`corrupt zip entry ${entry.name} (past the end of the archive)`);
  }
  const raw = await source.read(start, entry.compressedSize);
  if (entry.method === 0) {
    if (raw.length !== entry.size) {
      throw new DistributionError(`corrupt zip entry ${entry.name} (truncated)`);
    }
    checkCrc(entry, crc32(raw));
    return raw;
  }
  if (entry.method !== 8) {
    throw new DistributionError(`zip entry ${entry.name} uses unsupported method ${entry.method}`);
  }
  const reader = chunkedStream(raw).pipeThrough(new DecompressionStream("deflate-raw"))
    .getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) throw tooLarge(`it inflates past that, declaring ${entry.size} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof DistributionError) throw error;
    throw new DistributionError(`corrupt zip entry ${entry.name} (bad deflate stream)`, undefined, {
      cause: error,
    });
  }
  if (total !== entry.size) {
    throw new DistributionError(
      `corrupt zip entry ${entry.name} (inflates to ${total} bytes, declares ${entry.size})`,
    );
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  checkCrc(entry, crc32(out));
  return out;
}

/**
 * Checks an entry's CRC-32 against the central directory's record (skipped when unknown).
 * @throws {DistributionError} when `actual` differs from the CRC-32 the directory records.
 */
export function checkCrc(entry: ZipEntry, actual: number): void {
  if (entry.crc32 !== undefined && actual !== entry.crc32) {
    throw new DistributionError(
      `corrupt zip entry ${entry.name} (CRC-32 ${hex8(actual)}, the archive records ${
        hex8(entry.crc32)
      })`,
    );
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/**
 * A stream of `bytes` in slices of `chunkSize` bytes, produced only as the reader pulls. Feed
 * compressed data to a `DecompressionStream` through it: each slice inflates to at most ~1000
 * times its size, so a bomb's output arrives in bounded pieces the reader can stop on (one big
 * chunk would be inflated whole, at once).
 */
export function chunkedStream(bytes: Uint8Array, chunkSize = 1024): ReadableStream<BufferSource> {
  let offset = 0;
  return new ReadableStream<BufferSource>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  }, { highWaterMark: 0 });
}

/** `8 MiB`, `512 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** A {@linkcode RangeSource} over bytes in memory; `name` names the archive in errors. */
export function bytesSource(bytes: Uint8Array, name?: string): RangeSource {
  return { size: bytes.length, name, read: (o, l) => Promise.resolve(bytes.subarray(o, o + l)) };
}

/**
 * A {@linkcode RangeSource} over an open file; `name` names the archive in errors. Requires
 * `--allow-read`.
 */
export async function fileSource(file: Deno.FsFile, name?: string): Promise<RangeSource> {
  const size = (await file.stat()).size;
  // Reads are seek + read on one handle: run them one at a time, so concurrent readers (a wheel
  // unpacked by several workers) never interleave a seek between another's seek and read.
  let queue: Promise<unknown> = Promise.resolve();
  const readAt = async (offset: number, length: number) => {
    const buf = new Uint8Array(length);
    await file.seek(offset, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < length) {
      const n = await file.read(buf.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return buf.subarray(0, filled);
  };
  return {
    size,
    name,
    read(offset, length) {
      const result = queue.then(() => readAt(offset, length));
      queue = result.catch(() => {});
      return result;
    },
  };
}

/**
 * Finds `{name}-{version}.dist-info/METADATA` in a wheel's entries: the one `.dist-info` directory
 * at the top level (PEP 427 "The .dist-info directory").
 */
export function findWheelMetadata(entries: readonly ZipEntry[]): ZipEntry | undefined {
  return entries.find((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
}
