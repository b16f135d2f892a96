/**
 * Bundle compression: none, gzip or zstd (spec 001 "cache.compression" names lz4 and zstd; lz4
 * has no implementation in the runtime, so it is refused with a pointer to zstd). gzip uses the
 * runtime's `CompressionStream`; zstd uses `node:zlib`, imported only when a zstd bundle is
 * written or read (libraries.md row 6b).
 *
 * @module
 */
import { UsageError } from "../errors/mod.ts";

/** How a bundle's tar stream is compressed. */
export type BundleCompression = "none" | "gzip" | "zstd";

/** The compressions gestvenv writes, as `--compress` spells them. */
export const BUNDLE_COMPRESSIONS: readonly BundleCompression[] = ["gzip", "zstd", "none"];

/**
 * The compression a bundle's file name implies: `.tar.gz`/`.tgz` gzip, `.tar.zst`/`.tzst` zstd,
 * `.tar` none; undefined for any other name.
 */
export function compressionForPath(path: string): BundleCompression | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) return "gzip";
  if (lower.endsWith(".tar.zst") || lower.endsWith(".tzst") || lower.endsWith(".tar.zstd")) {
    return "zstd";
  }
  if (lower.endsWith(".tar")) return "none";
  return undefined;
}

/**
 * Reads a compression name (`gzip`/`gz`, `zstd`/`zst`, `none`), as `--compress` and the
 * `cache.compression` setting give it.
 * @throws {UsageError} for `lz4` (not available) and anything else.
 */
export function parseCompression(text: string): BundleCompression {
  const value = text.trim().toLowerCase();
  if (value === "gzip" || value === "gz") return "gzip";
  if (value === "zstd" || value === "zst") return "zstd";
  if (value === "none" || value === "tar") return "none";
  if (value === "lz4") {
    throw new UsageError("lz4 compression is not available in gestvenv", {
      hint:
        'Use zstd (as fast to read, smaller): `--compress zstd` or `cache.compression = "zstd"`',
    });
  }
  throw new UsageError(`Unknown compression ${JSON.stringify(text)}`, {
    hint: "Use one of: gzip, zstd, none",
  });
}

/** The compression of a stream, from its first bytes (a plain tar has `ustar` at offset 257). */
export function detectCompression(head: Uint8Array): BundleCompression | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  if (head.length >= 262 && new TextDecoder().decode(head.subarray(257, 262)) === "ustar") {
    return "none";
  }
  return undefined;
}

type ByteTransform = TransformStream<Uint8Array, Uint8Array>;

/**
 * A web `TransformStream` over a Node zlib stream. (Node's `Duplex.toWeb` throws an uncaught
 * "cannot close or enqueue" when the reader stops early, e.g. after a bundle's manifest.) Output
 * produced after the reader cancelled is dropped and the Node stream destroyed.
 */
async function zstdStream(direction: "compress" | "decompress"): Promise<ByteTransform> {
  const zlib = await import("node:zlib");
  const node = direction === "compress" ? zlib.createZstdCompress() : zlib.createZstdDecompress();
  let open = true;
  let failure: unknown;
  // Writes waiting for Node: settled on cancel too (a destroyed stream never calls back).
  const pending = new Set<() => void>();
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      node.on("data", (chunk: Uint8Array) => {
        if (!open) return;
        try {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        } catch {
          open = false;
          node.destroy();
        }
      });
      node.on("error", (error: unknown) => {
        failure = error;
        if (open) {
          open = false;
          try {
            controller.error(error);
          } catch { /* already closed */ }
        }
      });
    },
    transform(chunk) {
      return new Promise<void>((resolve, reject) => {
        if (failure !== undefined) return reject(failure);
        if (!open) return resolve();
        const settle = () => void (pending.delete(settle), resolve());
        pending.add(settle);
        node.write(chunk, (error) => {
          pending.delete(settle);
          if (error) reject(error);
          else resolve();
        });
      });
    },
    flush() {
      return new Promise<void>((resolve, reject) => {
        if (failure !== undefined) return reject(failure);
        node.once("end", () => resolve());
        node.once("error", reject);
        node.end();
      });
    },
    cancel() {
      open = false;
      for (const settle of [...pending]) settle();
      node.destroy();
    },
  });
}

/** A stream that compresses with `kind`, or null for `none`. */
export async function compressor(kind: BundleCompression): Promise<ByteTransform | null> {
  if (kind === "none") return null;
  if (kind === "gzip") return new CompressionStream("gzip") as unknown as ByteTransform;
  return await zstdStream("compress");
}

/** A stream that decompresses `kind`, or null for `none`. */
export async function decompressor(kind: BundleCompression): Promise<ByteTransform | null> {
  if (kind === "none") return null;
  if (kind === "gzip") return new DecompressionStream("gzip") as unknown as ByteTransform;
  return await zstdStream("decompress");
}
