/**
 * CRC-32 (ISO 3309, the polynomial zip uses, APPNOTE.TXT 4.4.7), computed incrementally so an
 * entry can be checked while it streams.
 *
 * @module
 */

const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 4 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0]![n]!;
    for (let t = 1; t < 4; t++) {
      c = tables[0]![c & 0xff]! ^ (c >>> 8);
      tables[t]![n] = c >>> 0;
    }
  }
  return tables;
})();

/**
 * Continues a CRC-32 over `bytes` (slicing by 4). Start with `crc32(bytes)` (previous = 0) and
 * feed the result back for the next chunk.
 * @returns The CRC-32 as an unsigned 32-bit integer.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~previous >>> 0;
  let i = 0;
  const end4 = bytes.length - (bytes.length % 4);
  for (; i < end4; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < bytes.length; i++) c = t0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

let native: Promise<(bytes: Uint8Array, previous?: number) => number> | undefined;

/**
 * The fastest CRC-32 available, same results as {@linkcode crc32}: `node:zlib`'s native one
 * (about 30x faster), loaded on first use so commands that never check an archive do not pay for
 * loading it; the JavaScript one if it is missing.
 */
export function fastCrc32(): Promise<(bytes: Uint8Array, previous?: number) => number> {
  native ??= import("node:zlib").then(
    (zlib) => {
      const f = (zlib as { crc32?: (b: Uint8Array, p?: number) => number }).crc32;
      return f === undefined ? crc32 : (bytes: Uint8Array, previous = 0) => f(bytes, previous);
    },
    () => crc32,
  );
  return native;
}
