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
import { readTar } from "../tar/mod.ts";
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

/** `stream`, failing once more than `limit` bytes have come through (bombs cost no more). */
function limited(stream: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.length;
        if (seen > limit) {
          controller.error(
            new DistributionError(`no PKG-INFO in the first ${formatBytes(limit)} of the archive`),
          );
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/** The top-level `PKG-INFO` of a tar stream (read entry by entry, stopping there), or null. */
async function readTarPkgInfo(stream: ReadableStream<Uint8Array>): Promise<Uint8Array | null> {
  let found: Uint8Array | null = null;
  await readTar(limited(stream, MAX_SDIST_SCAN_BYTES), async (entry, data) => {
    if (entry.kind !== "file" || !/^[^/]+\/PKG-INFO$/.test(entry.name.replace(/^\.\//, ""))) {
      return;
    }
    // PKG-INFO is bounded like METADATA.
    if (entry.size > MAX_METADATA_BYTES) {
      throw new DistributionError(
        `PKG-INFO is larger than ${formatBytes(MAX_METADATA_BYTES)} (declared ${
          formatBytes(entry.size)
        })`,
      );
    }
    const bytes = new Uint8Array(entry.size);
    let at = 0;
    for await (const chunk of data.chunks()) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    found = bytes;
    return "stop";
  });
  return found;
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
