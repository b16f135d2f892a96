/**
 * What the server tells about each artifact besides its hash: the wheel's METADATA bytes (served
 * as the PEP 658 `.metadata` file, byte for byte as in the wheel) with their sha256, and
 * `Requires-Python` (from the wheel's METADATA or the sdist's PKG-INFO). Read once per artifact
 * and kept in memory, bounded.
 *
 * @module
 */
import { parseMetadataFields } from "../metadata/mod.ts";
import { fileSource, findWheelMetadata, readZipDirectory, readZipEntry } from "../zip/mod.ts";
import { MAX_METADATA_BYTES } from "../metadata/mod.ts";
import { readSdistPkgInfo } from "../index/mod.ts";
import { createHasher } from "../fs/mod.ts";

/** What is known about one artifact's metadata. */
export interface ArtifactMetadata {
  /** The wheel's METADATA bytes as stored in it, or null (an sdist, or unreadable). */
  metadata: Uint8Array | null;
  /** sha256 (hex) of {@linkcode metadata}, or null. */
  metadataSha256: string | null;
  /** `Requires-Python` specifier text, or null. */
  requiresPython: string | null;
}

/** sdists larger than this (bytes) are not opened for their PKG-INFO (it means reading them whole). */
export const MAX_SDIST_READ_BYTES = 64 * 1024 * 1024;

const NOTHING: ArtifactMetadata = { metadata: null, metadataSha256: null, requiresPython: null };

/** `Requires-Python` of core-metadata text, or null. */
export function requiresPythonOf(text: string): string | null {
  const field = parseMetadataFields(text).find(([k]) => k === "requires-python");
  return field === undefined || field[1] === "" ? null : field[1];
}

/**
 * Reads an artifact's metadata from the file at `path`. A wheel whose archive is corrupt or has
 * no METADATA, or an sdist without PKG-INFO, gives nulls (the server then announces no metadata
 * rather than failing the whole page).
 */
export async function readArtifactMetadata(
  path: string,
  filename: string,
  size: number,
): Promise<ArtifactMetadata> {
  try {
    if (filename.endsWith(".whl")) {
      using file = await Deno.open(path);
      const source = await fileSource(file, filename);
      const entry = findWheelMetadata(await readZipDirectory(source));
      if (entry === undefined) return NOTHING;
      const bytes = await readZipEntry(source, entry, { maxBytes: MAX_METADATA_BYTES });
      const hasher = await createHasher();
      hasher.update(bytes);
      return {
        metadata: bytes,
        metadataSha256: hasher.hex(),
        requiresPython: requiresPythonOf(new TextDecoder().decode(bytes)),
      };
    }
    if (size > MAX_SDIST_READ_BYTES) return NOTHING;
    const pkgInfo = await readSdistPkgInfo(filename, await Deno.readFile(path));
    return pkgInfo === null ? NOTHING : { ...NOTHING, requiresPython: requiresPythonOf(pkgInfo) };
  } catch {
    return NOTHING;
  }
}

/**
 * A bounded in-memory cache of {@linkcode ArtifactMetadata} by artifact sha256 (least recently
 * used first out). Content-addressed: an entry never goes stale.
 */
export class MetadataMemo {
  readonly #entries = new Map<string, Promise<ArtifactMetadata>>();
  readonly #sizes = new Map<string, number>();
  readonly #maxBytes: number;
  #bytes = 0;

  /** @param maxBytes Metadata bytes kept at most. @default 32 MiB */
  constructor(maxBytes = 32 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  /** The metadata of the artifact `sha256` at `path`, read on first use. */
  get(sha256: string, path: string, filename: string, size: number): Promise<ArtifactMetadata> {
    const hit = this.#entries.get(sha256);
    if (hit !== undefined) {
      this.#entries.delete(sha256);
      this.#entries.set(sha256, hit);
      return hit;
    }
    const pending = readArtifactMetadata(path, filename, size);
    this.#entries.set(sha256, pending);
    pending.then((m) => {
      if (this.#entries.get(sha256) !== pending) return;
      const bytes = (m.metadata?.length ?? 0) + 256;
      this.#sizes.set(sha256, bytes);
      this.#bytes += bytes;
      this.#evict();
    });
    return pending;
  }

  #evict(): void {
    for (const key of this.#entries.keys()) {
      if (this.#bytes <= this.#maxBytes) return;
      const bytes = this.#sizes.get(key);
      if (bytes === undefined) continue; // still being read
      this.#entries.delete(key);
      this.#sizes.delete(key);
      this.#bytes -= bytes;
    }
  }
}
