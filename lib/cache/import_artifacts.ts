/**
 * Adding artifacts that were already verified (a bundle's files, hashed against its manifest
 * while they were staged inside the cache root) by renaming them into place, instead of copying
 * and hashing them a second time as `addArtifact` does. Each is renamed into
 * `artifacts-v1/<sha[0:2]>/<sha>/<file>` read-only, then recorded in the index with its origin;
 * a failure removes every artifact added by the call, so the cache is left as it was.
 *
 * @module
 */
import { failpoint } from "../fs/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { dirname, join } from "../paths/mod.ts";
import { artifactDir } from "./cache_layout.ts";
import { CacheIndex, describeFilename } from "./cache_index.ts";
import type { PackageCache, StoredArtifact } from "./package_cache.ts";

/** A file staged inside the cache root whose sha256 and size were checked by the caller. */
export interface VerifiedArtifact {
  /** The staged file (in a `*.tmp-*` directory of the cache root; it is moved, not copied). */
  path: string;
  /** Its file name in the cache (a wheel or sdist name). */
  filename: string;
  /** sha256 of its bytes, lowercase hex (verified). */
  sha256: string;
  /** Size in bytes (verified). */
  size: number;
  /** Project name. */
  project: string;
  /** Version. */
  version: string;
  /** Where it originally came from (URL or description). */
  origin: string;
}

/**
 * Moves verified artifacts into the cache (see the module documentation); those the cache already
 * holds are left staged and reported as present. Call it holding the cache's lock exclusively
 * (`withExclusiveLock`), so no other process sees an artifact that a failure then removes.
 * Failpoint `cache.import.after_add` (after each artifact is recorded).
 * @returns The artifacts added and those already present, in the order given.
 * @throws whatever the file system or the index throws; the artifacts added by this call are
 *   removed first.
 */
export async function importVerifiedArtifacts(
  cache: PackageCache,
  artifacts: readonly VerifiedArtifact[],
): Promise<{ added: StoredArtifact[]; present: StoredArtifact[] }> {
  const added: StoredArtifact[] = [];
  const present: StoredArtifact[] = [];
  const index = await CacheIndex.open(cache.root);
  try {
    for (const a of artifacts) {
      const held = await cache.find(a.sha256);
      if (held !== undefined) {
        present.push(held);
        continue;
      }
      const dir = artifactDir(cache.root, a.sha256);
      await Deno.mkdir(dir, { recursive: true });
      const path = join(dir, a.filename);
      await Deno.chmod(a.path, 0o444);
      await Deno.rename(a.path, path);
      added.push({ path, filename: a.filename, sha256: a.sha256, size: a.size });
      const now = Date.now();
      const described = describeFilename(a.filename);
      index.put({
        sha256: a.sha256,
        filename: a.filename,
        project: a.project === "" ? described.project : normalizeName(a.project),
        version: a.version === "" ? described.version : a.version,
        tags: described.tags,
        size: a.size,
        origin: a.origin,
        added: now,
        lastUsed: now,
      });
      await failpoint("cache.import.after_add");
    }
  } catch (error) {
    for (const a of added) {
      await Deno.remove(a.path).catch(() => {});
      await Deno.remove(dirname(a.path)).catch(() => {});
      index.remove(a.sha256);
    }
    throw error;
  } finally {
    index.close();
  }
  return { added, present };
}
