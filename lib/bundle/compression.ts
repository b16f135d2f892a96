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

/**
 * `input` through a Node zstd stream, as a web stream. Node's own async iteration carries the
 * back-pressure (a hand-made TransformStream over the Node stream, or `Duplex.toWeb`, dead-locked
 * or threw when the reader was slow or stopped early); cancelling the result destroys the chain.
 */
async function zstdStream(
  direction: "compress" | "decompress",
  input: ReadableStream<Uint8Array>,
): Promise<ReadableStream<Uint8Array>> {
  const zlib = await import("node:zlib");
  const { Readable, pipeline } = await import("node:stream");
  const node = direction === "compress" ? zlib.createZstdCompress() : zlib.createZstdDecompress();
  // deno-lint-ignore no-explicit-any
  const source = Readable.fromWeb(input as any);
  pipeline(source, node, () => {});
  const iterator = node[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    },
    async cancel() {
      await iterator.return?.();
      node.destroy();
      source.destroy();
    },
  });
}

/** `input` compressed with `kind` (`none`: `input` itself). */
export async function compressStream(
  kind: BundleCompression,
  input: ReadableStream<Uint8Array>,
): Promise<ReadableStream<Uint8Array>> {
  if (kind === "none") return input;
  if (kind === "gzip") {
    return input.pipeThrough(
      new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  return await zstdStream("compress", input);
}

/** `input` decompressed from `kind` (`none`: `input` itself). */
export async function decompressStream(
  kind: BundleCompression,
  input: ReadableStream<Uint8Array>,
): Promise<ReadableStream<Uint8Array>> {
  if (kind === "none") return input;
  if (kind === "gzip") {
    return input.pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  return await zstdStream("decompress", input);
}
