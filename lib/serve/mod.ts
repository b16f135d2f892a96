/**
 * The package cache as a package index, and moving its files between indexes: `cache serve`
 * (PEP 503 HTML, PEP 691 JSON and PEP 658 metadata over the cache), `cache sync --from URL`
 * (another index's files into the cache, verified by sha256), and `cache publish --to URL` (the
 * cache's files to an index server through the legacy upload API twine uses).
 *
 * @module
 */
export {
  cacheHandler,
  type CacheServer,
  isLoopback,
  serveCache,
  type ServeCacheOptions,
  type ServedRequest,
} from "./cache_server.ts";
export {
  negotiate,
  SIMPLE_HTML,
  SIMPLE_JSON,
  type SimpleContentType,
  TEXT_HTML,
} from "./negotiate.ts";
export {
  type ArtifactMetadata,
  MAX_SDIST_READ_BYTES,
  MetadataMemo,
  readArtifactMetadata,
  requiresPythonOf,
} from "./artifact_metadata.ts";
export { API_VERSION, type PageFile, type ServerInfo } from "./simple_pages.ts";
export {
  GESTVENV_SERVE_HEADER,
  listIndexFiles,
  probeIndex,
  type RemoteIndex,
  type SyncFile,
  syncFileOf,
  syncFiles,
  type SyncFilesOptions,
  type SyncOutcome,
  type SyncResult,
} from "./sync_from_index.ts";
export { type MultipartBody, multipartBody, uploadFields } from "./upload_form.ts";
export {
  publishArtifacts,
  type PublishOptions,
  type PublishOutcome,
  type PublishResult,
  selectArtifacts,
  type UploadCredentials,
  uploadCredentials,
} from "./publish.ts";
