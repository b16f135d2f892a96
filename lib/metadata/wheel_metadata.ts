/**
 * Reading a wheel's core metadata (`{name}-{version}.dist-info/METADATA`, PEP 427) with a bound on
 * its size, from any byte-range source (a file, bytes in memory, HTTP range requests).
 *
 * @module
 */
import { DistributionError } from "../errors/mod.ts";
import {
  findWheelMetadata,
  formatBytes,
  type RangeSource,
  readZipDirectory,
  readZipEntry,
} from "../zip/mod.ts";

/**
 * Largest METADATA or PKG-INFO gestvenv reads, in bytes (uncompressed). Real ones are a few KB to
 * a few hundred KB (the long description is the bulk); a larger one is refused, whatever the
 * archive declares, so a hostile wheel cannot make a resolve allocate gigabytes.
 */
export const MAX_METADATA_BYTES = 8 * 1024 * 1024;

/**
 * The METADATA text of the wheel behind `source`, read from its central directory (the last
 * `tail` bytes first; see `readZipDirectory`), never more than {@linkcode MAX_METADATA_BYTES}.
 * @param filename Names the wheel in errors.
 * @throws {DistributionError} when the archive is corrupt, has no METADATA, or its METADATA is
 *   larger than the bound.
 */
export async function readWheelMetadata(
  source: RangeSource,
  filename: string,
  tail?: number,
): Promise<string> {
  try {
    const entry = findWheelMetadata(await readZipDirectory(source, tail));
    if (entry === undefined) throw new DistributionError("the wheel has no .dist-info/METADATA");
    const bytes = await readZipEntry(source, entry, { maxBytes: MAX_METADATA_BYTES });
    return decodeMetadata(bytes, filename);
  } catch (error) {
    if (error instanceof DistributionError && error.source === undefined) {
      throw new DistributionError(error.message, filename, {
        cause: error,
        hint: "The file is corrupt or hostile; use another version, or tell the index's owners",
      });
    }
    throw error;
  }
}

/**
 * Decodes METADATA bytes (UTF-8, core metadata 2.1+; invalid bytes become U+FFFD as in pip).
 * @throws {DistributionError} when there are more than {@linkcode MAX_METADATA_BYTES}.
 */
export function decodeMetadata(bytes: Uint8Array, filename: string): string {
  if (bytes.length > MAX_METADATA_BYTES) {
    throw new DistributionError(
      `its metadata is larger than ${formatBytes(MAX_METADATA_BYTES)} (${
        formatBytes(bytes.length)
      })`,
      filename,
    );
  }
  return new TextDecoder().decode(bytes);
}
