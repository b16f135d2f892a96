/**
 * Reading and importing a bundle. The archive is read as a stream (plain tar, gzip or zstd,
 * recognised by its first bytes, not its name). Its first entry must be the manifest; every
 * later entry must be one the manifest implies (`files/<file>` it lists, the `simple/` pages made
 * from them, their directories), a regular file, at a relative path without `..`, of exactly the
 * size the manifest gives: absolute paths, traversal, symlinks, hard links, devices, duplicates
 * and unexpected entries reject the bundle before their data is read. Each file is hashed while
 * it is staged in a temp directory inside the cache root; a bundle with any mismatch, or that
 * ends before every listed file was read (truncated), is rejected and nothing enters the cache.
 *
 * Only then are the artifacts moved into the cache (`importVerifiedArtifacts`: renamed, not copied
 * again), holding the cache's lock exclusively; a failure while adding removes what this import
 * added, so a failed import leaves the cache as it was. A process killed before that step leaves
 * only its staging directory, which the next open of the cache removes; killed while adding, it
 * leaves verified artifacts. Failpoints: `bundle.import.staged`, `cache.import.after_add` (after
 * each artifact is added).
 *
 * @module
 */
import { ARTIFACTS_BUCKET, importVerifiedArtifacts, type PackageCache } from "../cache/mod.ts";
import {
  CacheError,
  DistributionError,
  GestvenvError,
  InvalidSyntaxError,
  OperationError,
  throwIfInterrupted,
} from "../errors/mod.ts";
import { createHasher, failpoint } from "../fs/mod.ts";
import { installAuditDbFile, readAuditDbFile } from "../audit/mod.ts";
import { tempNameFor } from "../index/mod.ts";
import { absolute, basename, dirname, join } from "../paths/mod.ts";
import { readTar, type TarEntry, type TarEntryData } from "../tar/mod.ts";
import {
  BUNDLE_AUDIT_DB_PATH,
  BUNDLE_MANIFEST,
  type BundleFile,
  type BundleManifest,
  MAX_MANIFEST_BYTES,
  parseBundleManifest,
} from "./bundle_manifest.ts";
import { type BundleCompression, decompressStream, detectCompression } from "./compression.ts";
import { simplePages } from "./simple_tree.ts";

/** Largest `simple/` page accepted, in bytes. */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

const HINT_REJECTED = "Nothing was imported and the cache is unchanged. The bundle is damaged or " +
  "was altered: copy it again, or export it again on the machine it came from";

/** A bundle that fails a check: what is wrong, and the bundle's path. */
function rejected(path: string, problem: string, cause?: unknown): CacheError {
  return new CacheError(`Rejected bundle ${path}: ${problem}`, { hint: HINT_REJECTED, cause });
}

/** The bundle's byte stream, decompressed, and its compression. */
async function openBundle(
  path: string,
): Promise<{ compression: BundleCompression; stream: ReadableStream<Uint8Array> }> {
  let file: Deno.FsFile;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new Error("not a regular file");
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw new OperationError(`Cannot read ${path}: ${String(error)}`, "file_not_found", {
      cause: error,
      hint: "Check the bundle's path",
    });
  }
  const head = new Uint8Array(512);
  let filled = 0;
  while (filled < head.length) {
    const n = await file.read(head.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  const compression = detectCompression(head.subarray(0, filled));
  if (compression === undefined) {
    file.close();
    throw new InvalidSyntaxError(
      "not a gestvenv bundle (neither a tar archive nor gzip or zstd)",
      path,
      {
        hint:
          "Bundles are written by `gestvenv cache export FILE` or `gestvenv export ENV FILE --bundle`",
      },
    );
  }
  await file.seek(0, Deno.SeekMode.Start);
  return { compression, stream: await decompressStream(compression, file.readable) };
}

/** Reads up to `max` bytes of an entry, or throws when it has more. */
async function readAll(data: TarEntryData, size: number, max: number): Promise<Uint8Array> {
  if (size > max) throw new Error(`larger than ${max} bytes`);
  const out = new Uint8Array(size);
  let at = 0;
  for await (const chunk of data.chunks()) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The problem with an entry's path, or null: it must be relative, `/`-separated, without `.`/`..`
 * segments, empty segments, backslashes or control characters.
 */
export function entryPathProblem(name: string): string | null {
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return "has a backslash or a control character";
  if (name.startsWith("/")) return "is an absolute path";
  if (/^[a-zA-Z]:/.test(name)) return "is an absolute path";
  const segments = name.replace(/\/$/, "").split("/");
  if (segments.includes("..")) return "goes up the tree (`..`)";
  if (segments.some((s) => s === "" || s === ".")) return "has an empty or `.` segment";
  return null;
}

/**
 * Reads only the manifest of a bundle (its first entry), or null when the file is not a bundle
 * (another archive, or an archive whose first entry is not the manifest).
 * @throws {InvalidSyntaxError} when it is a bundle whose manifest is invalid.
 * @throws {OperationError} when it cannot be read.
 */
export async function readBundleManifest(file: string): Promise<BundleManifest | null> {
  const path = absolute(file);
  let opened;
  try {
    opened = await openBundle(path);
  } catch (error) {
    if (error instanceof InvalidSyntaxError) return null;
    throw error;
  }
  let manifest: BundleManifest | null = null;
  try {
    await readTar(opened.stream, async (entry, data) => {
      const name = entry.name.replace(/^(\.\/)+/, "");
      if (entry.kind === "file" && name === BUNDLE_MANIFEST) {
        const bytes = await readAll(data, entry.size, MAX_MANIFEST_BYTES);
        manifest = parseBundleManifest(new TextDecoder().decode(bytes), path);
      }
      return "stop";
    });
  } catch (error) {
    if (error instanceof InvalidSyntaxError) throw error;
    return null;
  }
  return manifest;
}

/**
 * Reads a manifest written by `cache export --format json` (the same document a bundle starts
 * with).
 * @throws {InvalidSyntaxError} when it is not one.
 * @throws {OperationError} when it cannot be read.
 */
export async function readManifestFile(file: string): Promise<BundleManifest> {
  const path = absolute(file);
  let text: string;
  try {
    const info = await Deno.stat(path);
    if (info.size > MAX_MANIFEST_BYTES) throw new Error(`larger than ${MAX_MANIFEST_BYTES} bytes`);
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new OperationError(`Cannot read ${path}: ${String(error)}`, "file_not_found", {
      cause: error,
      hint: "Check the manifest's path",
    });
  }
  return parseBundleManifest(text, path);
}

/** Progress of an import: artifact bytes read so far, of the total the manifest lists. */
export interface ImportProgress {
  /** The file being read. */
  filename: string;
  /** Bytes read so far. */
  bytes: number;
  /** Bytes in all. */
  total: number;
}

/** Options of {@linkcode importBundle}. */
export interface ImportBundleOptions {
  /** Stops the import between chunks (Ctrl-C); the cache stays as it was. */
  signal?: AbortSignal | undefined;
  /** Called as artifact bytes are read. */
  onProgress?: ((progress: ImportProgress) => void) | undefined;
}

/** What {@linkcode importBundle} did. */
export interface ImportBundleResult {
  /** The bundle, absolute. */
  path: string;
  /** Its compression. */
  compression: BundleCompression;
  /** Its manifest. */
  manifest: BundleManifest;
  /** Artifacts added to the cache. */
  added: BundleFile[];
  /** Artifacts the cache already held (verified in the bundle, not copied). */
  present: BundleFile[];
  /**
   * The offline vulnerability database the bundle carried: `installed`, or `kept` when the
   * cache's own was imported at the same time or later; absent when the bundle had none.
   */
  auditDb?: "installed" | "kept";
}

interface Staged {
  file: BundleFile;
  /** The staged copy, or null when the cache already holds it. */
  path: string | null;
}

/**
 * Imports a bundle into the cache: verifies everything, then adds what the cache lacks (see the
 * module documentation).
 * @throws {CacheError} (exit 30) naming the bundle and its first problem when it is rejected
 *   (unsafe or unexpected entry, a hash or size mismatch, truncated, corrupt); the cache is then
 *   unchanged.
 * @throws {InvalidSyntaxError} (exit 2) when the file is not a bundle, or its manifest is invalid.
 * @throws {InterruptedError} on Ctrl-C; the cache is unchanged.
 */
export async function importBundle(
  cache: PackageCache,
  file: string,
  options: ImportBundleOptions = {},
): Promise<ImportBundleResult> {
  const path = absolute(file);
  return await cache.withExclusiveLock(async () => {
    const opened = await openBundle(path);
    const staging = tempNameFor(join(cache.root, ARTIFACTS_BUCKET, "bundle-import"));
    try {
      await Deno.mkdir(staging, { recursive: true });
      const staged = await stageBundle(cache, path, opened.stream, staging, options);
      if (staged.auditDb !== null && await readAuditDbFile(staged.auditDb) === undefined) {
        throw rejected(path, `its vulnerability database (${BUNDLE_AUDIT_DB_PATH}) is damaged`);
      }
      await failpoint("bundle.import.staged");
      const { added, present } = await commit(cache, staged, path);
      const result: ImportBundleResult = {
        path,
        compression: opened.compression,
        manifest: staged.manifest,
        added,
        present,
      };
      if (staged.auditDb !== null) {
        const done = await installAuditDbFile(cache.root, staged.auditDb);
        if (done !== "invalid") result.auditDb = done;
      }
      return result;
    } finally {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    }
  });
}

/** Reads and verifies every entry into `staging`. */
async function stageBundle(
  cache: PackageCache,
  path: string,
  stream: ReadableStream<Uint8Array>,
  staging: string,
  options: ImportBundleOptions,
): Promise<{ manifest: BundleManifest; staged: Staged[]; auditDb: string | null }> {
  let manifest: BundleManifest | undefined;
  let auditDb: string | null = null;
  let expected = new Map<string, BundleFile>();
  let pages = new Set<string>();
  let directories = new Set<string>();
  const seen = new Set<string>();
  const staged: Staged[] = [];
  let total = 0;
  let read = 0;
  const onEntry = async (entry: TarEntry, data: TarEntryData): Promise<void> => {
    throwIfInterrupted(options.signal);
    const name = entry.name.replace(/^(\.\/)+/, "");
    if (name === "" || name === "./") return;
    const problem = entryPathProblem(name);
    if (problem !== null) throw rejected(path, `entry ${JSON.stringify(entry.name)} ${problem}`);
    if (entry.kind !== "file" && entry.kind !== "directory") {
      const what = entry.kind === "symlink" || entry.kind === "hardlink"
        ? `is a ${entry.kind === "symlink" ? "symbolic" : "hard"} link (to ${
          JSON.stringify(entry.linkName)
        })`
        : `is a ${entry.kind} (type ${JSON.stringify(entry.typeflag)})`;
      throw rejected(path, `entry ${name} ${what}; a bundle holds only regular files`);
    }
    if (manifest === undefined) {
      if (entry.kind !== "file" || name !== BUNDLE_MANIFEST) {
        throw new InvalidSyntaxError(
          `not a gestvenv bundle: its first entry is ${name}, not ${BUNDLE_MANIFEST}`,
          path,
          { hint: "Bundles are written by `gestvenv cache export FILE`" },
        );
      }
      let bytes: Uint8Array;
      try {
        bytes = await readAll(data, entry.size, MAX_MANIFEST_BYTES);
      } catch (error) {
        if (error instanceof GestvenvError) throw error;
        throw rejected(path, `${BUNDLE_MANIFEST} is ${(error as Error).message}`);
      }
      manifest = parseBundleManifest(new TextDecoder().decode(bytes), path);
      expected = new Map(manifest.files.map((f) => [f.path, f]));
      pages = new Set(simplePages(manifest.files).keys());
      directories = new Set(["files", "simple"]);
      if (manifest.audit_db !== undefined && manifest.audit_db !== null) directories.add("audit");
      for (const page of pages) directories.add(dirname(page));
      total = manifest.files.reduce((sum, f) => sum + (f.kind === "metadata" ? 0 : f.size), 0);
      return;
    }
    if (seen.has(name)) throw rejected(path, `entry ${name} appears twice`);
    seen.add(name);
    if (entry.kind === "directory") {
      if (!directories.has(name.replace(/\/$/, ""))) {
        throw rejected(path, `unexpected directory ${name}`);
      }
      return;
    }
    if (pages.has(name)) {
      if (entry.size > MAX_PAGE_BYTES) throw rejected(path, `${name} is oversized`);
      return; // the pages are made again from the manifest wherever they are needed
    }
    const db = manifest.audit_db;
    if (db !== undefined && db !== null && name === db.path) {
      if (entry.size !== db.size) {
        throw rejected(
          path,
          `${name} holds ${entry.size} bytes where the manifest says ${db.size}`,
        );
      }
      const target = join(staging, "audit-db");
      const hasher = await createHasher();
      let size = 0;
      {
        using output = await Deno.open(target, { write: true, createNew: true, mode: 0o600 });
        for await (const chunk of data.chunks()) {
          throwIfInterrupted(options.signal);
          hasher.update(chunk);
          size += chunk.length;
          let at = 0;
          while (at < chunk.length) at += await output.write(chunk.subarray(at));
        }
      }
      if (hasher.hex() !== db.sha256 || size !== db.size) {
        throw rejected(path, `${name} does not match the manifest's sha256 and size`);
      }
      auditDb = target;
      return;
    }
    const file = expected.get(name);
    if (file === undefined) {
      throw rejected(path, `unexpected entry ${name} (the manifest does not list it)`);
    }
    if (entry.size !== file.size) {
      throw rejected(
        path,
        `${name} holds ${entry.size} bytes where the manifest says ${file.size}`,
      );
    }
    const present = file.kind !== "metadata" && (await cache.find(file.sha256)) !== undefined;
    const keep = file.kind !== "metadata" && !present;
    const target = join(staging, `${staged.length}`);
    const hasher = await createHasher();
    let size = 0;
    const output = keep
      ? await Deno.open(target, { write: true, createNew: true, mode: 0o600 })
      : undefined;
    try {
      for await (const chunk of data.chunks()) {
        throwIfInterrupted(options.signal);
        hasher.update(chunk);
        size += chunk.length;
        if (output !== undefined) {
          let at = 0;
          while (at < chunk.length) at += await output.write(chunk.subarray(at));
        }
        if (file.kind !== "metadata") {
          read += chunk.length;
          options.onProgress?.({ filename: file.filename, bytes: read, total });
        }
      }
      if (output !== undefined) await output.syncData();
    } finally {
      output?.close();
    }
    const sha256 = hasher.hex();
    if (sha256 !== file.sha256 || size !== file.size) {
      throw rejected(
        path,
        `${name} does not match the manifest: sha256 ${sha256} (${size} bytes), expected ${file.sha256} (${file.size} bytes)`,
      );
    }
    if (file.kind !== "metadata") staged.push({ file, path: keep ? target : null });
  };
  try {
    await readTar(stream, onEntry);
  } catch (error) {
    if (error instanceof GestvenvError && !(error instanceof DistributionError)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw rejected(path, `the archive is corrupt or truncated (${message})`, error);
  }
  if (manifest === undefined) {
    throw new InvalidSyntaxError(`not a gestvenv bundle: it has no ${BUNDLE_MANIFEST}`, path, {
      hint: "Bundles are written by `gestvenv cache export FILE`",
    });
  }
  const missing = [...expected.keys()].filter((p) => !seen.has(p));
  if (manifest.audit_db !== undefined && manifest.audit_db !== null && auditDb === null) {
    missing.push(manifest.audit_db.path);
  }
  if (missing.length > 0) {
    throw rejected(
      path,
      `it is truncated or incomplete: ${missing.length} file${
        missing.length > 1 ? "s" : ""
      } the manifest lists ${missing.length > 1 ? "are" : "is"} missing (${
        missing.slice(0, 3).join(", ")
      }${missing.length > 3 ? ", …" : ""})`,
    );
  }
  return { manifest, staged, auditDb };
}

/**
 * Adds the staged artifacts by renaming them into the cache (`importVerifiedArtifacts`: a failure
 * removes what this import added, and rethrows).
 */
async function commit(
  cache: PackageCache,
  { staged }: { staged: Staged[] },
  path: string,
): Promise<{ added: BundleFile[]; present: BundleFile[] }> {
  const present = staged.filter((s) => s.path === null).map((s) => s.file);
  const toAdd = staged.filter((s) => s.path !== null);
  const result = await importVerifiedArtifacts(
    cache,
    toAdd.map((s) => ({
      path: s.path!,
      filename: s.file.filename,
      sha256: s.file.sha256,
      size: s.file.size,
      project: s.file.project,
      version: s.file.version,
      origin: s.file.origin ?? `bundle:${basename(path)}`,
    })),
  );
  const addedSha = new Set(result.added.map((a) => a.sha256));
  return {
    added: toAdd.filter((s) => addedSha.has(s.file.sha256)).map((s) => s.file),
    present: [...present, ...toAdd.filter((s) => !addedSha.has(s.file.sha256)).map((s) => s.file)],
  };
}
