/**
 * Where things live under the cache root. Every bucket carries its format version in its name,
 * so an incompatible change bumps one bucket and leaves the others (uv's rule): a gestvenv that
 * does not know a bucket never reads it.
 *
 * ```text
 * <root>/CACHEDIR.TAG                          backup tools skip the tree (bford.info/cachedir)
 * <root>/.lock                                 shared by normal work, exclusive for cleaning
 * <root>/index-v1.sqlite                       what the cache holds (rebuilt from the tree)
 * <root>/artifacts-v1/<sha[0:2]>/<sha>/<file>  wheels and sdists by the sha256 of their bytes
 * <root>/files-v1/<sha[0:2]>/<sha>             unpacked files by sha256 (0444)
 * <root>/files-v1/<sha[0:2]>/<sha>.x           the same content stored executable (0555)
 * <root>/wheels-v1/<wheel sha256>.json         unpacked-wheel manifests (path → file sha256)
 * ```
 *
 * Temp files and staging directories are named `<something>.tmp-<pid>-<n>-<random>` inside
 * their bucket; a later open removes those (and only those) when nobody else uses the cache.
 *
 * @module
 */
import { join } from "../paths/mod.ts";

/** Bucket of original artifacts (wheels, sdists) keyed by their sha256. */
export const ARTIFACTS_BUCKET = "artifacts-v1";
/** Bucket of unpacked files keyed by their sha256. */
export const FILES_BUCKET = "files-v1";
/** Bucket of unpacked-wheel manifests keyed by the wheel's sha256. */
export const WHEELS_BUCKET = "wheels-v1";
/** The cache index database. */
export const INDEX_FILE = "index-v1.sqlite";
/** The cache-wide lock file. */
export const LOCK_FILE = ".lock";

/**
 * The cache directory tag (https://bford.info/cachedir/): backup and archiving tools that honour
 * it skip the cache.
 */
export const CACHEDIR_TAG: string = "Signature: 8a477f597d28d172789f06886806bc55\n" +
  "# This file is a cache directory tag created by gestvenv.\n" +
  "# For information about cache directory tags see https://bford.info/cachedir/\n";

/** Whether `text` is a sha256 as the cache keys it: 64 lowercase hex digits. */
export function isSha256(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text);
}

/** The directory holding the artifact with this sha256. */
export function artifactDir(root: string, sha256: string): string {
  return join(root, ARTIFACTS_BUCKET, sha256.slice(0, 2), sha256);
}

/** The stored unpacked file with this sha256 (the executable copy when `executable`). */
export function storedFilePath(root: string, sha256: string, executable = false): string {
  return join(root, FILES_BUCKET, sha256.slice(0, 2), executable ? `${sha256}.x` : sha256);
}

/** The manifest of the unpacked wheel with this sha256. */
export function manifestPath(root: string, wheelSha256: string): string {
  return join(root, WHEELS_BUCKET, `${wheelSha256}.json`);
}

/** Whether a name in a bucket is one of our temp files or staging directories. */
export function isTempName(name: string): boolean {
  return /\.tmp-\d+-\d+-[a-z0-9]*$/.test(name) ||
    // atomicWriteFile's temp names (`<file>.<pid>.<n>.tmp`), used for manifests.
    /\.json\.\d+\.\d+\.tmp$/.test(name);
}
