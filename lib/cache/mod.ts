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
export { type LookupTotals, MAX_LOOKUPS } from "./cache_index.ts";
export {
  BUILD_ENVS_BUCKET,
  BUILT_WHEELS_BUCKET,
  type CacheKind,
  type CacheScan,
  METADATA_BUCKET,
  PAGES_BUCKET,
  scanCache,
  type ScannedFile,
  type ScannedManifest,
  type ScanOptions,
} from "./cache_scan.ts";
export {
  type AgeBand,
  type CachedFile,
  type CachedProject,
  type CacheStats,
  cacheStats,
  type CacheSummary,
  listCachedProjects,
  type ListOptions,
  platformsOf,
  summarizeCache,
} from "./cache_contents.ts";
export {
  verifyCache,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
} from "./verify_cache.ts";
export {
  autoCleanup,
  type AutoCleanupOptions,
  type CacheReferences,
  cleanCache,
  type CleanEntry,
  type CleanOptions,
  type CleanPolicy,
  type CleanReason,
  type CleanReport,
  NO_REFERENCES,
  referencedArtifacts,
  removeFromCache,
  type RemoveTarget,
} from "./clean_cache.ts";
export { importVerifiedArtifacts, type VerifiedArtifact } from "./import_artifacts.ts";
