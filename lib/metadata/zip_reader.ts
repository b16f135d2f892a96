/**
 * A small reader for zip archives (wheels, PEP 427) that needs only random access: it reads the
 * end-of-central-directory record (zip64 included), lists the entries, and inflates the one
 * asked for. It works on a local file or on any byte-range source, such as HTTP range requests,
 * so `METADATA` can be read from the end of a remote wheel without downloading it.
 *
 * @module
 */
import { InvalidSyntaxError } from "../errors/mod.ts";

/** Reads `length` bytes at `offset` of an archive of `size` bytes. */
export interface RangeSource {
  /** Total size in bytes. */
  size: number;
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
}

const EOCD = 0x06054b50, EOCD64 = 0x06064b50, EOCD64_LOCATOR = 0x07064b50, CDH = 0x02014b50;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads the central directory of an archive, fetching the last `tail` bytes first (default
 * 16 KiB, enough for most wheels) and more only when the directory is larger.
 * @throws {InvalidSyntaxError} when the bytes are not a zip archive.
 */
export async function readZipDirectory(source: RangeSource, tail = 16384): Promise<ZipEntry[]> {
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
  if (eocd < 0) throw new InvalidSyntaxError("not a zip archive (no end of central directory)");
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== EOCD64_LOCATOR) {
      throw new InvalidSyntaxError("zip64 archive without its locator");
    }
    const eocd64Offset = Number(dv.getBigUint64(loc + 8, true));
    const rec = eocd64Offset >= tailStart
      ? end.subarray(eocd64Offset - tailStart, eocd64Offset - tailStart + 56)
      : await source.read(eocd64Offset, 56);
    const v64 = view(rec);
    if (v64.getUint32(0, true) !== EOCD64) throw new InvalidSyntaxError("bad zip64 record");
    count = Number(v64.getBigUint64(32, true));
    cdSize = Number(v64.getBigUint64(40, true));
    cdOffset = Number(v64.getBigUint64(48, true));
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
      throw new InvalidSyntaxError("corrupt zip central directory");
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
    entries.push({
      name,
      method: cv.getUint16(p + 10, true),
      compressedSize,
      size,
      localHeaderOffset,
    });
    p = extraEnd + commentLength;
  }
  return entries;
}

/**
 * Reads and decompresses one entry (stored or deflated).
 * @throws {InvalidSyntaxError} on an unsupported compression method or a corrupt header.
 */
export async function readZipEntry(source: RangeSource, entry: ZipEntry): Promise<Uint8Array> {
  // Local header (30 bytes + name + extra); its lengths may differ from the central record's.
  const header = await source.read(entry.localHeaderOffset, 30);
  const hv = view(header);
  if (hv.getUint32(0, true) !== 0x04034b50) {
    throw new InvalidSyntaxError(`corrupt zip entry ${entry.name}`);
  }
  const start = entry.localHeaderOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  const raw = await source.read(start, entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) {
    throw new InvalidSyntaxError(`zip entry ${entry.name} uses unsupported method ${entry.method}`);
  }
  const stream = new Blob([raw.slice()]).stream().pipeThrough(
    new DecompressionStream("deflate-raw"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A {@linkcode RangeSource} over bytes in memory. */
export function bytesSource(bytes: Uint8Array): RangeSource {
  return { size: bytes.length, read: (o, l) => Promise.resolve(bytes.subarray(o, o + l)) };
}

/** A {@linkcode RangeSource} over an open file. Requires `--allow-read`. */
export async function fileSource(file: Deno.FsFile): Promise<RangeSource> {
  const size = (await file.stat()).size;
  return {
    size,
    async read(offset, length) {
      const buf = new Uint8Array(length);
      await file.seek(offset, Deno.SeekMode.Start);
      let filled = 0;
      while (filled < length) {
        const n = await file.read(buf.subarray(filled));
        if (n === null) break;
        filled += n;
      }
      return buf.subarray(0, filled);
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
