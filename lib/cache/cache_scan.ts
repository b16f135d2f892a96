/**
 * One walk of a cache's tree for the maintenance commands: the artifacts (index rows, reconciled
 * with `artifacts-v1/` first), every unpacked-wheel manifest, every stored file with its size and
 * link count, and the sizes of the other buckets (index pages, metadata, builds). Listing, stats,
 * cleaning and removal all plan from one scan.
 *
 * @module
 */
import { join } from "../paths/mod.ts";
import {
  ARTIFACTS_BUCKET,
  FILES_BUCKET,
  INDEX_FILE,
  isSha256,
  isTempName,
  storedFilePath,
  WHEELS_BUCKET,
} from "./cache_layout.ts";
import type { CachedArtifactRow } from "./cache_index.ts";
import type { PackageCache } from "./package_cache.ts";
import { readManifest, type WheelManifest } from "./unpack_wheel.ts";

/** Bucket of cached index pages (`lib/index`). */
export const PAGES_BUCKET = "simple-v1";
/** Bucket of cached core metadata (`lib/index`). */
export const METADATA_BUCKET = "metadata-v1";
/** Bucket of wheels built from sdists and trees (`lib/build`). */
export const BUILT_WHEELS_BUCKET = "built-wheels-v1";
/** Bucket of build environments (`lib/build`). */
export const BUILD_ENVS_BUCKET = "build-envs-v1";
/** Bucket of remembered sdist metadata build failures (`lib/index`). */
export const BUILD_FAILURES_BUCKET = "sdist-build-failures-v1";

/** The buckets other than artifacts, files and manifests, with the kind `cache info` shows. */
export const OTHER_BUCKETS: ReadonlyArray<readonly [string, CacheKind]> = [
  [PAGES_BUCKET, "index-pages"],
  [METADATA_BUCKET, "metadata"],
  [BUILT_WHEELS_BUCKET, "built-wheels"],
  [BUILD_ENVS_BUCKET, "build-envs"],
  [BUILD_FAILURES_BUCKET, "other"],
];

/**
 * What the cache holds, by kind: `wheels` and `sdists` (artifacts), `unpacked-wheels`
 * (manifests), `stored-files` (the unpacked file store), `index-pages` (`simple-v1`), `metadata`
 * (`metadata-v1`), `built-wheels` and `build-envs` (`lib/build`), `other` (the lock, the tag,
 * build failures, anything else).
 */
export type CacheKind =
  | "wheels"
  | "sdists"
  | "unpacked-wheels"
  | "stored-files"
  | "index-pages"
  | "metadata"
  | "built-wheels"
  | "build-envs"
  | "other";

/** A manifest in `wheels-v1/`. */
export interface ScannedManifest {
  /** The wheel's sha256 (the manifest's key). */
  sha256: string;
  /** Absolute path of the manifest. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Parsed, or undefined when unreadable, in another format, or not asked for. */
  manifest: WheelManifest | undefined;
}

/** A file of the unpacked file store. */
export interface ScannedFile {
  /** Absolute path. */
  path: string;
  /** sha256 its name claims. */
  sha256: string;
  /** Size in bytes. */
  bytes: number;
  /** Hard links to it (more than 1: an environment or build environment links to it). */
  nlink: number;
}

/** One scan of the cache tree (see the module documentation). */
export interface CacheScan {
  /** The cache root. */
  root: string;
  /** Artifacts, by project then version. */
  rows: CachedArtifactRow[];
  /** Manifests by wheel sha256. */
  manifests: Map<string, ScannedManifest>;
  /** Stored files by absolute path. */
  files: Map<string, ScannedFile>;
  /** The other buckets: file count and bytes (build environments: count of environments). */
  buckets: Map<CacheKind, { count: number; bytes: number }>;
  /**
   * Everything under the root but the index database, in bytes (apparent sizes; hard links
   * counted once each): the size `maxBytes` limits.
   */
  totalBytes: number;
  /** The index database (`index-v1.sqlite` and its WAL files), in bytes. */
  indexBytes: number;
}

/** Entries of a directory, none when it does not exist. */
export async function entriesOf(dir: string): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) out.push(entry);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

/** Count and bytes of the regular files under `path` (a file or a directory), links not followed. */
export async function treeSize(path: string): Promise<{ count: number; bytes: number }> {
  const info = await Deno.lstat(path).catch(() => undefined);
  if (info === undefined) return { count: 0, bytes: 0 };
  if (!info.isDirectory) return { count: 1, bytes: info.size };
  const total = { count: 0, bytes: 0 };
  for (const entry of await entriesOf(path)) {
    const sub = await treeSize(join(path, entry.name));
    total.count += sub.count;
    total.bytes += sub.bytes;
  }
  return total;
}

/** The manifests in `wheels-v1/` (temp files skipped), parsed unless `parse` is false. */
export async function scanManifests(
  root: string,
  parse = true,
): Promise<Map<string, ScannedManifest>> {
  const manifests = new Map<string, ScannedManifest>();
  const bucket = join(root, WHEELS_BUCKET);
  for (const entry of await entriesOf(bucket)) {
    const sha = entry.name.replace(/\.json$/, "");
    if (
      !entry.isFile || isTempName(entry.name) || !entry.name.endsWith(".json") || !isSha256(sha)
    ) {
      continue;
    }
    const path = join(bucket, entry.name);
    const info = await Deno.lstat(path).catch(() => undefined);
    if (info === undefined) continue;
    manifests.set(sha, {
      sha256: sha,
      path,
      bytes: info.size,
      manifest: parse ? await readManifest(root, sha) : undefined,
    });
  }
  return manifests;
}

/** The stored files of `files-v1/` (staging directories and temp files skipped). */
export async function scanStoredFiles(root: string): Promise<Map<string, ScannedFile>> {
  const files = new Map<string, ScannedFile>();
  const bucket = join(root, FILES_BUCKET);
  for (const shard of await entriesOf(bucket)) {
    if (!shard.isDirectory || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
    for (const entry of await entriesOf(join(bucket, shard.name))) {
      const sha = entry.name.replace(/\.x$/, "");
      if (!entry.isFile || !isSha256(sha) || !sha.startsWith(shard.name)) continue;
      const path = join(bucket, shard.name, entry.name);
      const info = await Deno.lstat(path).catch(() => undefined);
      if (info === undefined) continue;
      files.set(path, { path, sha256: sha, bytes: info.size, nlink: info.nlink ?? 1 });
    }
  }
  return files;
}

/** The stored-file paths a manifest names. */
export function manifestFiles(root: string, manifest: WheelManifest): string[] {
  return manifest.files.map((f) => storedFilePath(root, f.sha256, f.executable));
}

/** What {@linkcode scanCache} reads beyond the artifacts (both by default). */
export interface ScanOptions {
  /** Walk the stored files (`files-v1/`): their count, sizes and links. @default true */
  storedFiles?: boolean;
  /** Parse every manifest (else only their names and sizes are read). @default true */
  parseManifests?: boolean;
}

/**
 * Scans the cache (see the module documentation). Reconciles the index with `artifacts-v1/`
 * first (rows for artifacts found on disk are added, rows of removed ones dropped), so a cache
 * killed in the middle of a clean is described as it is. Callers hold the cache's lock.
 */
export async function scanCache(
  cache: PackageCache,
  options: ScanOptions = {},
): Promise<CacheScan> {
  const root = cache.root;
  await cache.index.rebuild(root);
  const rows = cache.index.list();
  const manifests = await scanManifests(root, options.parseManifests ?? true);
  const files = options.storedFiles ?? true ? await scanStoredFiles(root) : new Map();
  const buckets = new Map<CacheKind, { count: number; bytes: number }>();
  const add = (kind: CacheKind, count: number, bytes: number) => {
    const b = buckets.get(kind) ?? { count: 0, bytes: 0 };
    b.count += count;
    b.bytes += bytes;
    buckets.set(kind, b);
  };
  let totalBytes = 0;
  let indexBytes = 0;
  const known = new Set<string>([ARTIFACTS_BUCKET, FILES_BUCKET, WHEELS_BUCKET]);
  for (const [bucket, kind] of OTHER_BUCKETS) {
    known.add(bucket);
    if (kind === "build-envs") {
      for (const entry of await entriesOf(join(root, bucket))) {
        const size = await treeSize(join(root, bucket, entry.name));
        add(kind, entry.isDirectory && !isTempName(entry.name) ? 1 : 0, size.bytes);
        totalBytes += size.bytes;
      }
      continue;
    }
    const size = await treeSize(join(root, bucket));
    add(kind, size.count, size.bytes);
    totalBytes += size.bytes;
  }
  for (const entry of await entriesOf(root)) {
    if (known.has(entry.name)) continue;
    const size = await treeSize(join(root, entry.name));
    if (entry.name.startsWith(INDEX_FILE)) {
      indexBytes += size.bytes;
      continue;
    }
    add("other", size.count, size.bytes);
    totalBytes += size.bytes;
  }
  totalBytes += (await treeSize(join(root, ARTIFACTS_BUCKET))).bytes;
  for (const m of manifests.values()) totalBytes += m.bytes;
  for (const f of files.values()) totalBytes += f.bytes;
  return { root, rows, manifests, files, buckets, totalBytes, indexBytes };
}
