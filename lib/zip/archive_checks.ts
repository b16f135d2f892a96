/**
 * Checks for unpacking a whole archive from an untrusted source (a wheel to be installed), as
 * uv's `uv-extract` does: entry names that could escape the target directory, symlinks and other
 * special files, duplicate entries, encryption, unknown methods and compression ratios no honest
 * archive has; and a streaming reader of one entry that verifies the local header against the
 * central directory, the size and the CRC-32 while it inflates.
 *
 * @module
 */
import { DistributionError } from "../errors/mod.ts";
import { fastCrc32 } from "./crc32.ts";
import { checkCrc, formatBytes, type RangeSource, type ZipEntry } from "./zip_reader.ts";

/**
 * An entry larger than this (uncompressed, bytes) whose size is more than
 * {@linkcode MAX_COMPRESSION_RATIO} times its compressed size is refused as a bomb. Real wheels'
 * largest files (shared libraries, data) compress 2–20x; a 16 MiB file of one repeated byte is
 * not something a wheel ships.
 */
export const BOMB_MIN_BYTES = 16 * 1024 * 1024;
/** Largest compression ratio accepted for entries above {@linkcode BOMB_MIN_BYTES}. */
export const MAX_COMPRESSION_RATIO = 200;

const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000;

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why `name` is not a safe relative path inside an archive, or null when it is: no absolute path
 * (`/x`, `\\x`, `C:x`), no backslash, no empty, `.` or `..` segment, no control character.
 * A trailing `/` (a directory entry) is allowed.
 */
export function entryNameProblem(name: string): string | null {
  if (name === "") return "an empty name";
  if (CONTROL.test(name)) return "a control character in its name";
  if (name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name)) {
    return "an absolute path";
  }
  if (name.includes("\\")) return "a backslash in its name";
  const segments = name.endsWith("/") ? name.slice(0, -1).split("/") : name.split("/");
  for (const segment of segments) {
    if (segment === "..") return "a `..` segment (path traversal)";
    if (segment === "" || segment === ".") return "an empty or `.` segment";
  }
  return null;
}

/** Whether the entry is a directory (a name ending in `/`, or a Unix directory mode). */
export function isDirectoryEntry(entry: ZipEntry): boolean {
  return entry.name.endsWith("/") ||
    (entry.unixMode !== undefined && (entry.unixMode & S_IFMT) === S_IFDIR);
}

/** Whether the archive marks the entry executable (any of the Unix `x` bits). */
export function isExecutableEntry(entry: ZipEntry): boolean {
  return entry.unixMode !== undefined && (entry.unixMode & 0o111) !== 0;
}

/**
 * Refuses an archive that is not safe to unpack whole: an unsafe name
 * ({@linkcode entryNameProblem}), a symlink or other non-regular entry, two entries with the same
 * name, an encrypted entry, a method other than stored (0) or deflate (8), a compressed size that
 * cannot be right, an entry past the central directory, or an absurd compression ratio.
 * @param archive Names the archive in errors (`demo-1.0-py3-none-any.whl`).
 * @throws {DistributionError} (exit 1) naming the archive and the entry.
 */
export function checkArchiveEntries(
  entries: readonly ZipEntry[],
  archive: string,
  archiveSize: number,
): void {
  const fail = (entry: ZipEntry, why: string) =>
    new DistributionError(`entry ${JSON.stringify(entry.name)} has ${why}`, archive, {
      hint: "The wheel is corrupt or hostile and was not unpacked; use another version, or tell " +
        "the index's owners",
    });
  const seen = new Set<string>();
  for (const entry of entries) {
    const problem = entryNameProblem(entry.name);
    if (problem !== null) throw fail(entry, problem);
    const type = entry.unixMode === undefined ? S_IFREG : entry.unixMode & S_IFMT;
    if (type === S_IFLNK) throw fail(entry, "a symlink mode (wheels hold regular files only)");
    if (type !== S_IFREG && type !== S_IFDIR && type !== 0) {
      throw fail(entry, `a special file mode (${type.toString(8)})`);
    }
    const key = entry.name.endsWith("/") ? entry.name.slice(0, -1) : entry.name;
    if (seen.has(key)) throw fail(entry, "a duplicate: the archive holds that name twice");
    seen.add(key);
    if (((entry.flags ?? 0) & 1) !== 0) throw fail(entry, "encryption");
    if (entry.method !== 0 && entry.method !== 8) {
      throw fail(entry, `unsupported compression method ${entry.method}`);
    }
    if (entry.method === 0 && entry.compressedSize !== entry.size) {
      throw fail(entry, "a stored size that differs from its compressed size");
    }
    if (entry.compressedSize > entry.size + entry.size / 1000 + 1024) {
      throw fail(entry, "a compressed size larger than deflate can produce");
    }
    if (entry.localHeaderOffset + 30 + entry.compressedSize > archiveSize) {
      throw fail(entry, "data past the end of the archive");
    }
    if (
      entry.size > BOMB_MIN_BYTES &&
      entry.size > MAX_COMPRESSION_RATIO * Math.max(1, entry.compressedSize)
    ) {
      throw fail(
        entry,
        `an absurd compression ratio (${formatBytes(entry.size)} from ${
          formatBytes(entry.compressedSize)
        }): a zip bomb`,
      );
    }
  }
}

/** Options for {@linkcode inflateZipEntry}. */
export interface InflateZipEntryOptions {
  /** Compressed bytes read from the source at a time. @default 65536 */
  chunkSize?: number;
}

const LOCAL = 0x04034b50;

/**
 * The uncompressed bytes of `entry`, in chunks, checked as they stream: the local header must
 * agree with the central directory (signature, name, method, and CRC-32 and sizes unless bit 3
 * defers them to a data descriptor; zip64 extra fields read), the output never exceeds the
 * declared size and ends exactly on it, and the CRC-32 matches. The consumer must read to the
 * end for the checks to complete.
 * @throws {DistributionError} on any disagreement or a corrupt stream (no archive name: the
 *   caller adds it).
 */
export async function* inflateZipEntry(
  source: RangeSource,
  entry: ZipEntry,
  options: InflateZipEntryOptions = {},
): AsyncGenerator<Uint8Array> {
  const chunkSize = options.chunkSize ?? 65536;
  const crc32 = await fastCrc32();
  const corrupt = (why: string) =>
    new DistributionError(`corrupt zip entry ${entry.name} (${why})`);
  const nameBytes = new TextEncoder().encode(entry.name);
  // One read for the header and, for small entries, the data (the local extra is usually short).
  const guess = 30 + nameBytes.length + 64 +
    (entry.compressedSize <= 1024 * 1024 ? entry.compressedSize : 0);
  let head = await source.read(entry.localHeaderOffset, guess);
  if (head.length < 30) throw corrupt("truncated local header");
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (hv.getUint32(0, true) !== LOCAL) throw corrupt("no local header where the directory says");
  const flags = hv.getUint16(6, true);
  const method = hv.getUint16(8, true);
  const nameLength = hv.getUint16(26, true), extraLength = hv.getUint16(28, true);
  const dataStart = 30 + nameLength + extraLength;
  if (head.length < dataStart) {
    head = await source.read(entry.localHeaderOffset, dataStart);
    if (head.length < dataStart) throw corrupt("truncated local header");
  }
  const local = new TextDecoder().decode(head.subarray(30, 30 + nameLength));
  if (local !== entry.name) {
    throw corrupt(`its local header names ${JSON.stringify(local)}`);
  }
  if (method !== entry.method) throw corrupt("local header and directory disagree on the method");
  if ((flags & 8) === 0) {
    let compressed = hv.getUint32(18, true), size = hv.getUint32(22, true);
    if (compressed === 0xffffffff || size === 0xffffffff) {
      const lv = new DataView(head.buffer, head.byteOffset, head.byteLength);
      for (let e = 30 + nameLength; e + 4 <= dataStart;) {
        const id = lv.getUint16(e, true), len = lv.getUint16(e + 2, true);
        if (id === 1 && len >= 16) {
          size = Number(lv.getBigUint64(e + 4, true));
          compressed = Number(lv.getBigUint64(e + 12, true));
        }
        e += 4 + len;
      }
    }
    if (
      hv.getUint32(14, true) !== entry.crc32 && entry.crc32 !== undefined ||
      compressed !== entry.compressedSize || size !== entry.size
    ) {
      throw corrupt("local header and directory disagree on its CRC-32 or sizes");
    }
  }
  const start = entry.localHeaderOffset + dataStart;
  if (start + entry.compressedSize > source.size) throw corrupt("past the end of the archive");
  const inHead = head.length >= dataStart + entry.compressedSize
    ? head.subarray(dataStart, dataStart + entry.compressedSize)
    : undefined;
  let crc = 0, total = 0;
  if (entry.method === 0) {
    for (let offset = 0; offset < entry.compressedSize; offset += chunkSize) {
      const length = Math.min(chunkSize, entry.compressedSize - offset);
      const chunk = inHead !== undefined
        ? inHead.subarray(offset, offset + length)
        : await source.read(start + offset, length);
      if (chunk.length !== length) throw corrupt("truncated");
      crc = crc32(chunk, crc);
      total += chunk.length;
      yield chunk;
    }
  } else {
    let offset = 0;
    const compressed = new ReadableStream<BufferSource>({
      async pull(controller) {
        if (offset >= entry.compressedSize) return controller.close();
        const length = Math.min(chunkSize, entry.compressedSize - offset);
        const chunk = inHead !== undefined
          ? inHead.slice(offset, offset + length)
          : await source.read(start + offset, length);
        if (chunk.length !== length) return controller.error(corrupt("truncated"));
        offset += length;
        controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
      },
    }, { highWaterMark: 0 });
    const reader = compressed.pipeThrough(new DecompressionStream("deflate-raw")).getReader();
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          if (error instanceof DistributionError) throw error;
          throw new DistributionError(
            `corrupt zip entry ${entry.name} (bad deflate stream)`,
            undefined,
            {
              cause: error,
            },
          );
        }
        if (result.done) break;
        total += result.value.length;
        if (total > entry.size) throw corrupt(`inflates past its declared ${entry.size} bytes`);
        crc = crc32(result.value, crc);
        yield result.value;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }
  if (total !== entry.size) {
    throw corrupt(`inflates to ${total} bytes, declares ${entry.size}`);
  }
  checkCrc(entry, crc);
}
