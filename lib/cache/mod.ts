/**
 * The package cache: artifacts stored by sha256, unpacked wheels as manifests over a
 * content-addressed file store, an index of what is held, and a cache-wide shared/exclusive lock.
 *
 * @module
 */
export type { UnpackedFile, UnpackedWheel } from "./unpacked_wheel.ts";
export {
  type ArtifactRequest,
  type FetchOptions,
  openCache,
  type PackageCache,
  type StoredArtifact,
} from "./package_cache.ts";
export { type CachedArtifactRow, CacheIndex } from "./cache_index.ts";
export {
  artifactDir,
  ARTIFACTS_BUCKET,
  CACHEDIR_TAG,
  FILES_BUCKET,
  INDEX_FILE,
  LOCK_FILE,
  WHEELS_BUCKET,
} from "./cache_layout.ts";
export { MANIFEST_FORMAT, type WheelManifest } from "./unpack_wheel.ts";
export { importVerifiedArtifacts, type VerifiedArtifact } from "./import_artifacts.ts";
