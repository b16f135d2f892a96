/**
 * The package cache: original artifacts stored by their sha256 (verified while they stream in),
 * wheels unpacked into a store of files keyed by the sha256 RECORD gives them, manifests that say
 * which file goes where, an index of what is held, and a cache-wide shared/exclusive lock. See
 * `cache_layout.ts` for the tree.
 *
 * Concurrency: every method that reads or writes the tree takes a shared flock on `<root>/.lock`
 * for its duration (cleaning takes it exclusively, so it never removes what another process is
 * using); every write goes to a temp name and is renamed into place, so a process killed at any
 * point leaves at worst a `*.tmp-*` file that a later open removes while nobody else holds the
 * lock. Content-addressed paths make concurrent writers agree: two processes fetching the same
 * artifact both succeed and one copy stays.
 *
 * @module
 */
import { CacheError, GestvenvError, UsageError } from "../errors/mod.ts";
import { atomicWriteFile, failpoint, tryWithFileLock, withFileLock } from "../fs/mod.ts";
import { absolute, join } from "../paths/mod.ts";
import {
  ArtifactMismatchError,
  type ArtifactSpec,
  artifactUrlProblem,
  copyToFileHashing,
  downloadToFile,
  fileUrlToPath,
  type HttpClient,
  redactUrl,
  tempNameFor,
  type WrittenFile,
} from "../index/mod.ts";
import { countEvent, type SpanEvents, startSpan } from "../events/mod.ts";
import { normalizeName } from "../names/mod.ts";
import {
  artifactDir,
  ARTIFACTS_BUCKET,
  CACHEDIR_TAG,
  FILES_BUCKET,
  isSha256,
  isTempName,
  LOCK_FILE,
  storedFilePath,
  WHEELS_BUCKET,
} from "./cache_layout.ts";
import { type CachedArtifactRow, CacheIndex, describeFilename } from "./cache_index.ts";
import { readManifest, unpackWheelFile, type WheelManifest } from "./unpack_wheel.ts";
import type { UnpackedWheel } from "./unpacked_wheel.ts";

/** An artifact to fetch into the cache (a file of a lock or of a resolution). */
export interface ArtifactRequest {
  /** Where it is: `http(s)://`, `file://`, or a local path (credentials never shown). */
  url: string;
  /** Its file name (PEP 427 wheel or sdist name): a plain name, no separators. */
  filename: string;
  /** The expected sha256, 64 hex digits (the index's or the lock's hash). */
  sha256: string;
  /** The expected size in bytes, when known. */
  size?: number | undefined;
  /** Project name (normalized in the index). */
  project: string;
  /** Version, as the lock or index gives it. */
  version: string;
}

/** An artifact held by the cache. */
export interface StoredArtifact {
  /** Absolute path of the stored file (read-only: never modify it). */
  path: string;
  /** Its file name. */
  filename: string;
  /** sha256 of its bytes, lowercase hex. */
  sha256: string;
  /** Size in bytes. */
  size: number;
}

/** Options of {@linkcode PackageCache.fetchArtifact}. */
export interface FetchOptions {
  /** Stops the download between chunks (Ctrl-C: `InterruptedError`); nothing is stored. */
  signal?: AbortSignal;
  /** Bytes received so far, as they arrive (restarts at 0 if the download is retried). */
  onProgress?: (bytes: number) => void;
  /**
   * Receives a `download` span per fetched artifact and the counters `cache_hits`/`bytes_saved`
   * (served from the cache) or `cache_misses`/`bytes_downloaded` (fetched; bytes only for
   * network downloads), once per artifact per opened cache, as `cache stats` counts them.
   */
  events?: SpanEvents | undefined;
}

/** The package cache of one root; see the module documentation. */
export interface PackageCache {
  /** The cache root, absolute. */
  readonly root: string;
  /**
   * The cache's index (for the maintenance functions of this area: listing, verifying,
   * cleaning); callers hold the cache's lock around their use of it.
   */
  readonly index: CacheIndex;
  /**
   * The stored artifact with this sha256, or undefined (index lookup, no tree walk). Marks it used
   * unless `options.touch` is false (a check that installs nothing, such as `cache check-offline`).
   */
  find(sha256: string, options?: { touch?: boolean }): Promise<StoredArtifact | undefined>;
  /**
   * The artifact, downloaded when absent: streamed to a temp file while hashing, rejected
   * (nothing stored) on sha256/size mismatch, then renamed into place and recorded in the index.
   * `file://` URLs and local paths are read, not downloaded.
   * @throws {ArtifactMismatchError} (exit 5) when the bytes are not the ones promised.
   * @throws {NetworkError | PackageNotFoundError} when it cannot be fetched.
   * @throws {UsageError} for a URL, file name or sha256 that is not usable.
   */
  fetchArtifact(
    request: ArtifactRequest,
    client: HttpClient,
    options?: FetchOptions,
  ): Promise<StoredArtifact>;
  /** Adds a local file (e.g. a wheel we built) under its sha256. */
  addArtifact(
    path: string,
    meta: { filename: string; project: string; version: string; origin: string },
  ): Promise<StoredArtifact>;
  /**
   * The wheel unpacked into the file store (each file verified against the wheel's RECORD; a
   * missing/lying RECORD rejects the wheel); the manifest is cached by the wheel's sha256, so the
   * second call does no zip work.
   * @throws {DistributionError} (exit 1) naming the wheel when it is unsafe, corrupt, or its
   *   RECORD is missing or lies; nothing of it is stored.
   */
  unpackWheel(artifact: StoredArtifact): Promise<UnpackedWheel>;
  /** Every artifact the index holds (no tree walk). */
  list(): Promise<CachedArtifactRow[]>;
  /** Runs `fn` holding the cache's lock shared (normal work; many holders at once). */
  withSharedLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` holding the cache's lock exclusively (cleaning): waits until no other process works
   * in the cache. Methods of this cache called inside `fn` do not take the lock again.
   * `onWait` is called once when the lock is still busy after a second.
   */
  withExclusiveLock<T>(
    fn: () => Promise<T>,
    options?: { onWait?: (() => void) | undefined },
  ): Promise<T>;
  /**
   * Runs `fn` holding the cache's lock exclusively if it can be had at once; when another
   * process (or this one) holds it, returns `{ acquired: false }` without waiting.
   */
  tryWithExclusiveLock<T>(
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
  /**
   * Removes every stored file that no manifest references (left by a wheel whose manifest was
   * removed) and leftover temp files, holding the lock exclusively.
   * @returns What was removed: file count and bytes.
   */
  prune(): Promise<{ files: number; bytes: number }>;
  /**
   * Empties the cache (artifacts, unpacked files, manifests, index rows), holding the lock
   * exclusively; `CACHEDIR.TAG` and the other buckets stay.
   * @returns What was removed: file count and bytes.
   */
  clean(): Promise<{ files: number; bytes: number }>;
  /** Closes the index database. */
  close(): void;
}

const LABEL = "the package cache";

/** Whether `url` is a local path rather than a URL (`/x`, `./x`, `C:\x`, `x.whl`). */
function isLocalPath(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(url) || /^[a-z]:[\\/]/i.test(url);
}

// C0/C1 controls, DEL and whitespace.
// deno-lint-ignore no-control-regex
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f-\u009f]/;

function checkFilename(filename: string, label: string): void {
  if (
    filename === "" || filename.startsWith(".") || filename.startsWith("-") ||
    /[/\\]/.test(filename) || CONTROL_OR_SPACE.test(filename) || isTempName(filename)
  ) {
    throw new UsageError(`${label}: ${JSON.stringify(filename)} is not a file name`);
  }
}

class Cache implements PackageCache {
  readonly root: string;
  readonly #index: CacheIndex;
  get index(): CacheIndex {
    return this.#index;
  }
  #exclusive = 0;
  readonly #fetching = new Map<string, Promise<StoredArtifact>>();
  readonly #unpacking = new Map<string, Promise<UnpackedWheel>>();
  /** Artifacts whose lookup this opened cache has recorded (`cache stats`). */
  readonly #looked = new Set<string>();

  constructor(root: string, index: CacheIndex) {
    this.root = root;
    this.#index = index;
  }

  withSharedLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#exclusive > 0) return fn();
    return withFileLock(join(this.root, LOCK_FILE), fn, { exclusive: false, label: LABEL });
  }

  async withExclusiveLock<T>(
    fn: () => Promise<T>,
    options: { onWait?: (() => void) | undefined } = {},
  ): Promise<T> {
    return await withFileLock(join(this.root, LOCK_FILE), async () => {
      this.#exclusive++;
      try {
        return await fn();
      } finally {
        this.#exclusive--;
      }
    }, {
      exclusive: true,
      label: LABEL,
      holder: { command: `gestvenv (pid ${Deno.pid})` },
      onWait: options.onWait === undefined ? undefined : () => options.onWait!(),
    });
  }

  async tryWithExclusiveLock<T>(
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }> {
    const holder = { command: `gestvenv (pid ${Deno.pid})` };
    const result = await tryWithFileLock(join(this.root, LOCK_FILE), async () => {
      this.#exclusive++;
      try {
        return await fn();
      } finally {
        this.#exclusive--;
      }
    }, { holder });
    return result.acquired ? { acquired: true, value: result.value } : { acquired: false };
  }

  async #stored(sha256: string, row: CachedArtifactRow): Promise<StoredArtifact | undefined> {
    const path = join(artifactDir(this.root, sha256), row.filename);
    const info = await Deno.lstat(path).catch(() => undefined);
    if (info === undefined || !info.isFile) {
      // The tree is the truth: an artifact removed behind the index's back is forgotten.
      this.#index.remove(sha256);
      return undefined;
    }
    return { path, filename: row.filename, sha256, size: info.size };
  }

  /**
   * The stored artifact with this sha256: the index's row checked against the tree; without a
   * row, one look at the artifact's directory (an artifact whose recording was lost, e.g. a
   * process killed between the rename and the index write, is recorded again).
   */
  async #lookup(sha256: string): Promise<StoredArtifact | undefined> {
    const row = this.#index.get(sha256);
    if (row !== undefined) return await this.#stored(sha256, row);
    const dir = artifactDir(this.root, sha256);
    const filename = await firstFile(dir).catch(() => undefined);
    if (filename === undefined) return undefined;
    const info = await Deno.lstat(join(dir, filename));
    const now = Date.now();
    this.#index.put({
      sha256,
      ...describeFilename(filename),
      size: info.size,
      origin: null,
      added: info.mtime?.getTime() ?? now,
      lastUsed: now,
    });
    return { path: join(dir, filename), filename, sha256, size: info.size };
  }

  find(sha256: string, options: { touch?: boolean } = {}): Promise<StoredArtifact | undefined> {
    const sha = sha256.toLowerCase();
    if (!isSha256(sha)) return Promise.resolve(undefined);
    return this.withSharedLock(async () => {
      const stored = await this.#lookup(sha);
      if (stored !== undefined && (options.touch ?? true)) this.#index.touch(sha);
      return stored;
    });
  }

  list(): Promise<CachedArtifactRow[]> {
    return Promise.resolve(this.#index.list());
  }

  async fetchArtifact(
    request: ArtifactRequest,
    client: HttpClient,
    options: FetchOptions = {},
  ): Promise<StoredArtifact> {
    const label = `${request.project} ${request.version}`;
    const sha256 = request.sha256.toLowerCase();
    if (!isSha256(sha256)) {
      throw new UsageError(`${label}: the expected sha256 is not 64 hex digits`);
    }
    checkFilename(request.filename, label);
    const local = isLocalPath(request.url);
    if (!local) {
      const problem = artifactUrlProblem(request.url);
      if (problem !== null) {
        throw new UsageError(`${label}: ${redactUrl(request.url)} ${problem}`);
      }
    }
    const spec: ArtifactSpec = {
      label,
      url: request.url,
      filename: request.filename,
      sha256,
      size: request.size,
    };
    // The same artifact asked for twice at once in this process is fetched once.
    const pending = this.#fetching.get(sha256);
    if (pending !== undefined) return await pending;
    const fetching = this.withSharedLock(async () => {
      const stored = await this.#lookup(sha256);
      if (stored !== undefined) {
        if (request.size !== undefined && request.size !== stored.size) {
          throw new ArtifactMismatchError([{
            spec,
            actualSha256: sha256,
            actualSize: stored.size,
          }]);
        }
        // One lookup per artifact per opened cache (a command fetches, then installs, the same
        // file): the first one says whether it was there.
        if (this.#looked.has(sha256)) this.#index.touch(sha256);
        else {
          this.#index.recordLookup({
            sha256,
            project: normalizeName(request.project),
            hit: true,
            bytes: stored.size,
          });
          countEvent(options.events, "cache_hits");
          countEvent(options.events, "bytes_saved", stored.size);
        }
        this.#looked.add(sha256);
        return stored;
      }
      const tmp = tempNameFor(join(this.root, ARTIFACTS_BUCKET, "download"));
      const streamOptions = { signal: options.signal, onProgress: options.onProgress };
      let written: WrittenFile;
      const endSpan = startSpan(options.events, "download", request.filename);
      try {
        if (local) {
          written = await copyToFileHashing(absolute(request.url), tmp, label, streamOptions);
        } else if (request.url.toLowerCase().startsWith("file:")) {
          written = await copyToFileHashing(fileUrlToPath(request.url), tmp, label, streamOptions);
        } else {
          written = await downloadToFile(client, request.url, tmp, streamOptions);
          countEvent(options.events, "bytes_downloaded", written.size);
        }
      } finally {
        endSpan();
      }
      const published = await this.#publish(tmp, written, {
        filename: request.filename,
        project: request.project,
        version: request.version,
        origin: local ? absolute(request.url) : redactUrl(request.url),
      }, spec);
      this.#index.recordLookup({
        sha256,
        project: normalizeName(request.project),
        hit: false,
        bytes: written.size,
      });
      countEvent(options.events, "cache_misses");
      this.#looked.add(sha256);
      return published;
    });
    this.#fetching.set(sha256, fetching);
    try {
      return await fetching;
    } finally {
      this.#fetching.delete(sha256);
    }
  }

  /** Verifies a temp file against `spec` (when given), then moves it into place and records it. */
  async #publish(
    tmp: string,
    written: WrittenFile,
    meta: { filename: string; project: string; version: string; origin: string },
    spec: ArtifactSpec | undefined,
  ): Promise<StoredArtifact> {
    try {
      await failpoint("cache.download.after_write");
      if (
        spec !== undefined &&
        (written.sha256 !== spec.sha256 || (spec.size !== undefined && written.size !== spec.size))
      ) {
        throw new ArtifactMismatchError([
          { spec, actualSha256: written.sha256, actualSize: written.size },
        ]);
      }
      const dir = artifactDir(this.root, written.sha256);
      await Deno.mkdir(dir, { recursive: true });
      // Another process may have stored the same bytes meanwhile: keep the first copy.
      let filename = meta.filename;
      const existing = await firstFile(dir);
      if (existing !== undefined) {
        filename = existing;
      } else {
        await Deno.chmod(tmp, 0o444);
        await failpoint("cache.artifact.before_rename");
        await Deno.rename(tmp, join(dir, filename));
      }
      const now = Date.now();
      const described = describeFilename(filename);
      this.#index.put({
        sha256: written.sha256,
        filename,
        project: meta.project === "" ? described.project : normalizeName(meta.project),
        version: meta.version === "" ? described.version : meta.version,
        tags: described.tags,
        size: written.size,
        origin: meta.origin,
        added: now,
        lastUsed: now,
      });
      return {
        path: join(dir, filename),
        filename,
        sha256: written.sha256,
        size: written.size,
      };
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
  }

  async addArtifact(
    path: string,
    meta: { filename: string; project: string; version: string; origin: string },
  ): Promise<StoredArtifact> {
    const label = meta.project === "" ? meta.filename : `${meta.project} ${meta.version}`;
    checkFilename(meta.filename, label);
    return await this.withSharedLock(async () => {
      const tmp = tempNameFor(join(this.root, ARTIFACTS_BUCKET, "add"));
      const written = await copyToFileHashing(absolute(path), tmp, label);
      return await this.#publish(tmp, written, meta, undefined);
    });
  }

  unpackWheel(artifact: StoredArtifact): Promise<UnpackedWheel> {
    const sha256 = artifact.sha256.toLowerCase();
    if (!isSha256(sha256)) {
      return Promise.reject(
        new UsageError(`${artifact.filename}: the sha256 is not 64 hex digits`),
      );
    }
    const pending = this.#unpacking.get(sha256);
    if (pending !== undefined) return pending;
    const unpacking = this.withSharedLock(async () => {
      const manifest = await readManifest(this.root, sha256) ??
        await unpackWheelFile(this.root, artifact.path, artifact.filename, sha256);
      return toUnpacked(this.root, manifest);
    });
    this.#unpacking.set(sha256, unpacking);
    const forget = () => void this.#unpacking.delete(sha256);
    unpacking.then(forget, forget);
    return unpacking;
  }

  prune(): Promise<{ files: number; bytes: number }> {
    return this.withExclusiveLock(async () => {
      const referenced = new Set<string>();
      for await (const entry of Deno.readDir(join(this.root, WHEELS_BUCKET))) {
        const sha = entry.name.replace(/\.json$/, "");
        if (!entry.isFile || !isSha256(sha)) continue;
        const manifest = await readManifest(this.root, sha);
        if (manifest === undefined) {
          await Deno.remove(join(this.root, WHEELS_BUCKET, entry.name)).catch(() => {});
          continue;
        }
        for (const f of manifest.files) {
          referenced.add(storedFilePath(this.root, f.sha256, f.executable));
        }
      }
      await removeTemps(this.root);
      return await removeTree(join(this.root, FILES_BUCKET), (path) => !referenced.has(path));
    });
  }

  clean(): Promise<{ files: number; bytes: number }> {
    return this.withExclusiveLock(async () => {
      const removed = { files: 0, bytes: 0 };
      for (const bucket of [ARTIFACTS_BUCKET, FILES_BUCKET, WHEELS_BUCKET]) {
        const r = await removeTree(join(this.root, bucket), () => true);
        removed.files += r.files;
        removed.bytes += r.bytes;
      }
      for (const row of this.#index.list()) this.#index.remove(row.sha256);
      return removed;
    });
  }

  close(): void {
    this.#index.close();
  }
}

/**
 * Removes the files under `dir` that `doomed` selects, and the directories left empty (not
 * `dir` itself).
 */
async function removeTree(
  dir: string,
  doomed: (path: string) => boolean,
): Promise<{ files: number; bytes: number }> {
  const removed = { files: 0, bytes: 0 };
  const walk = async (path: string): Promise<boolean> => {
    let empty = true;
    for await (const entry of Deno.readDir(path)) {
      const child = join(path, entry.name);
      if (entry.isDirectory) {
        if (await walk(child)) await Deno.remove(child);
        else empty = false;
      } else if (doomed(child)) {
        removed.bytes += (await Deno.lstat(child)).size;
        await Deno.remove(child);
        removed.files++;
      } else empty = false;
    }
    return empty;
  };
  try {
    await walk(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed;
}

async function firstFile(dir: string): Promise<string | undefined> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && !isTempName(entry.name)) return entry.name;
  }
  return undefined;
}

function toUnpacked(root: string, manifest: WheelManifest): UnpackedWheel {
  return {
    filename: manifest.filename,
    sha256: manifest.sha256,
    files: manifest.files,
    storedFile: (sha256: string, executable = false) => storedFilePath(root, sha256, executable),
  };
}

/** Removes our leftover temp files and staging directories (only `*.tmp-*` names). */
async function removeTemps(root: string): Promise<number> {
  let removed = 0;
  for (const bucket of [ARTIFACTS_BUCKET, FILES_BUCKET, WHEELS_BUCKET]) {
    try {
      for await (const entry of Deno.readDir(join(root, bucket))) {
        if (!isTempName(entry.name)) continue;
        await Deno.remove(join(root, bucket, entry.name), { recursive: true }).catch(() => {});
        removed++;
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return removed;
}

/**
 * Opens the package cache at `root` (created when missing, with `CACHEDIR.TAG`): opens its index
 * (rebuilt from the tree when missing or corrupt) and, when no other process uses the cache,
 * removes temp files that killed processes left. Call {@linkcode PackageCache.close} when done.
 * Requires `--allow-read`, `--allow-write` (and `--allow-net` to fetch).
 * @param root Usually `resolveHome().cacheDir` (`GESTVENV_CACHE_DIR` or `<home>/cache`).
 * @throws {CacheError} (exit 30) when the cache cannot be created or its index opened.
 */
export async function openCache(root: string): Promise<PackageCache> {
  const abs = absolute(root);
  try {
    for (const bucket of [ARTIFACTS_BUCKET, FILES_BUCKET, WHEELS_BUCKET]) {
      await Deno.mkdir(join(abs, bucket), { recursive: true });
    }
    const tag = join(abs, "CACHEDIR.TAG");
    if (!(await Deno.lstat(tag).then(() => true, () => false))) {
      await atomicWriteFile(tag, CACHEDIR_TAG);
      await atomicWriteFile(join(abs, ".gitignore"), "*\n");
    }
  } catch (error) {
    if (error instanceof GestvenvError) throw error;
    throw new CacheError(`Cannot create the package cache at ${abs}: ${String(error)}`, {
      cause: error,
      hint: "Check the directory's permissions, or point GESTVENV_CACHE_DIR elsewhere",
    });
  }
  await tryWithFileLock(join(abs, LOCK_FILE), () => removeTemps(abs));
  const index = await CacheIndex.open(abs);
  return new Cache(abs, index);
}
