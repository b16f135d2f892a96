/**
 * Writing a bundle: the manifest first, then the `simple/` pages, then every artifact (and each
 * wheel's core metadata, PEP 658) under `files/`, streamed from the cache into a tar archive,
 * optionally gzip or zstd compressed. Each artifact is hashed as it is read, and a file whose
 * bytes no longer match the sha256 the cache holds it under aborts the export. The archive is
 * written to a temp name beside the destination and renamed into place when complete, so an
 * interrupted export leaves no half bundle.
 *
 * @module
 */
import { artifactDir, type CachedArtifactRow, type PackageCache } from "../cache/mod.ts";
import { CacheError, GestvenvError, OperationError, throwIfInterrupted } from "../errors/mod.ts";
import { createHasher, failpoint } from "../fs/mod.ts";
import { tempNameFor } from "../index/mod.ts";
import { parseCoreMetadata } from "../metadata/mod.ts";
import { absolute, dirname, join } from "../paths/mod.ts";
import { fileSource, findWheelMetadata, readZipDirectory, readZipEntry } from "../zip/mod.ts";
import {
  artifactKind,
  BUNDLE_AUDIT_DB_PATH,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_MANIFEST,
  type BundleAuditDb,
  type BundleEnvironment,
  type BundleFile,
  type BundleManifest,
  MAX_BUNDLE_AUDIT_DB_BYTES,
} from "./bundle_manifest.ts";
import { type BundleCompression, compressStream } from "./compression.ts";
import { simplePages } from "./simple_tree.ts";
import { TarWriter } from "./tar_writer.ts";

const encoder = new TextEncoder();

/** Largest wheel METADATA put in a bundle as a `.metadata` file, in bytes. */
const MAX_METADATA_BYTES = 8 * 1024 * 1024;

/** Options of {@linkcode planBundle}. */
export interface PlanBundleOptions {
  /** The gestvenv version recorded in the manifest. */
  gestvenvVersion: string;
  /** Platform tags the artifacts were chosen for (recorded), or undefined. */
  platforms?: readonly string[] | undefined;
  /** For an environment bundle: the environment's export and lock. */
  environment?: BundleEnvironment | undefined;
  /** Put each wheel's METADATA beside it (PEP 658). @default true */
  metadata?: boolean;
  /**
   * The offline vulnerability database file to carry (`<cache>/audit/osv-pypi-v1.json`), when
   * there is one; a missing file is skipped.
   */
  auditDb?: string | undefined;
}

/** An artifact to put in a bundle: a cached artifact's key and description. */
export type BundleArtifact = Pick<
  CachedArtifactRow,
  "sha256" | "filename" | "project" | "version" | "origin"
>;

/** A bundle's manifest, planned from the cache; {@linkcode writeBundle} writes it. */
export interface PlannedBundle {
  /** The manifest. */
  manifest: BundleManifest;
  /** Absolute path in the cache of each artifact, by sha256. */
  sources: Map<string, string>;
}

async function wheelMetadataBytes(path: string, filename: string): Promise<Uint8Array | null> {
  try {
    using file = await Deno.open(path, { read: true });
    const source = await fileSource(file, filename);
    const entry = findWheelMetadata(await readZipDirectory(source));
    if (entry === undefined) return null;
    return await readZipEntry(source, entry, { maxBytes: MAX_METADATA_BYTES });
  } catch (error) {
    if (error instanceof GestvenvError) return null;
    throw error;
  }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hasher = await createHasher();
  hasher.update(bytes);
  return hasher.hex();
}

/**
 * Plans a bundle of `rows` (cached artifacts): each artifact with its sha256, size, project,
 * version and origin, and each wheel's METADATA as a `.metadata` file with its `Requires-Python`.
 * @throws {CacheError} (exit 30) when an artifact the cache lists is gone from its tree.
 */
export async function planBundle(
  cache: PackageCache,
  rows: readonly BundleArtifact[],
  options: PlanBundleOptions,
): Promise<PlannedBundle> {
  const files: BundleFile[] = [];
  const sources = new Map<string, string>();
  const gone: string[] = [];
  for (const row of rows) {
    // Looked up without `find`: exporting is not a use, so last-used times stay as they are.
    const storedPath = join(artifactDir(cache.root, row.sha256), row.filename);
    const info = await Deno.lstat(storedPath).catch(() => undefined);
    if (info === undefined || !info.isFile) {
      gone.push(row.filename);
      continue;
    }
    const stored = { path: storedPath, filename: row.filename, size: info.size };
    const kind = artifactKind(stored.filename, row.project);
    if (kind === undefined) continue;
    sources.set(row.sha256, stored.path);
    let requiresPython: string | null = null;
    let metadataFile: BundleFile | undefined;
    if (kind === "wheel" && options.metadata !== false) {
      const bytes = await wheelMetadataBytes(stored.path, stored.filename);
      if (bytes !== null) {
        try {
          requiresPython = parseCoreMetadata(new TextDecoder().decode(bytes)).requiresPython;
        } catch { /* metadata without Name/Version: no Requires-Python */ }
        metadataFile = {
          path: `files/${stored.filename}.metadata`,
          filename: `${stored.filename}.metadata`,
          kind: "metadata",
          sha256: await sha256Hex(bytes),
          size: bytes.length,
          project: row.project,
          version: row.version,
          origin: null,
          requires_python: null,
          metadata_of: stored.filename,
        };
      }
    }
    files.push({
      path: `files/${stored.filename}`,
      filename: stored.filename,
      kind,
      sha256: row.sha256,
      size: stored.size,
      project: row.project,
      version: row.version,
      origin: row.origin,
      requires_python: requiresPython,
      metadata_of: null,
    });
    if (metadataFile !== undefined) files.push(metadataFile);
  }
  if (gone.length > 0) {
    throw new CacheError(
      `The cache lists ${gone.length} file${gone.length > 1 ? "s" : ""} it no longer holds: ${
        gone.slice(0, 5).join(", ")
      }${gone.length > 5 ? ", …" : ""}`,
      { hint: "Run `gestvenv cache verify --fix`, then export again" },
    );
  }
  let auditDb: BundleAuditDb | undefined;
  if (options.auditDb !== undefined) {
    const bytes = await Deno.readFile(options.auditDb).catch(() => undefined);
    if (bytes !== undefined && bytes.length <= MAX_BUNDLE_AUDIT_DB_BYTES) {
      auditDb = { path: BUNDLE_AUDIT_DB_PATH, sha256: await sha256Hex(bytes), size: bytes.length };
      sources.set(`audit-db:${auditDb.sha256}`, options.auditDb);
    }
  }
  return {
    manifest: {
      ...(auditDb === undefined ? {} : { audit_db: auditDb }),
      gestvenv_bundle_version: BUNDLE_FORMAT_VERSION,
      created: new Date().toISOString(),
      gestvenv_version: options.gestvenvVersion,
      platforms: options.platforms === undefined || options.platforms.length === 0
        ? null
        : [...options.platforms],
      files,
      environment: options.environment ?? null,
    },
    sources,
  };
}

/** Progress of {@linkcode writeBundle}: bytes of artifacts written so far, of the total. */
export interface BundleProgress {
  /** The file being written. */
  filename: string;
  /** Artifact bytes written so far. */
  bytes: number;
  /** Artifact bytes in all. */
  total: number;
}

/** Options of {@linkcode writeBundle}. */
export interface WriteBundleOptions {
  /** How the archive is compressed. */
  compression: BundleCompression;
  /** Stops the export between chunks (Ctrl-C); nothing is left at the destination. */
  signal?: AbortSignal | undefined;
  /** Called as artifact bytes are written. */
  onProgress?: ((progress: BundleProgress) => void) | undefined;
}

/** What {@linkcode writeBundle} wrote. */
export interface WrittenBundle {
  /** The bundle, absolute. */
  path: string;
  /** Its compression. */
  compression: BundleCompression;
  /** Artifacts in it (wheels and sdists). */
  artifacts: number;
  /** Their bytes, uncompressed. */
  artifactBytes: number;
  /** Size of the bundle file, in bytes. */
  size: number;
}

/** The bytes of `path`, checked against `sha256` and `size` as they are read. */
async function* verifiedChunks(
  path: string,
  file: Pick<BundleFile, "filename" | "sha256" | "size">,
  onBytes: (n: number) => void,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const hasher = await createHasher();
  let size = 0;
  using input = await Deno.open(path, { read: true });
  for (;;) {
    throwIfInterrupted(signal);
    const buffer = new Uint8Array(1024 * 1024);
    const n = await input.read(buffer);
    if (n === null) break;
    const chunk = buffer.subarray(0, n);
    hasher.update(chunk);
    size += n;
    onBytes(n);
    yield chunk;
  }
  const actual = hasher.hex();
  if (actual !== file.sha256 || size !== file.size) {
    throw new CacheError(
      `${file.filename} in the cache is corrupt: sha256 ${actual} (${size} bytes), ` +
        `stored under ${file.sha256} (${file.size} bytes)`,
      { hint: "Run `gestvenv cache verify --fix` to remove it, fetch it again, then export" },
    );
  }
}

/**
 * Writes the planned bundle to `dest` (replacing it when it exists): a temp file beside it,
 * renamed into place once complete and synced. Failpoint `bundle.export.before_rename`.
 * @throws {CacheError} (exit 30) when an artifact's bytes do not match its sha256 (the cache is
 *   corrupt); nothing is left at `dest`.
 * @throws {OperationError} when the destination cannot be written.
 * @throws {InterruptedError} when `signal` aborts.
 */
export async function writeBundle(
  plan: PlannedBundle,
  dest: string,
  options: WriteBundleOptions,
): Promise<WrittenBundle> {
  const path = absolute(dest);
  const tmp = tempNameFor(path);
  let output: Deno.FsFile;
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    output = await Deno.open(tmp, { write: true, createNew: true, mode: 0o644 });
  } catch (error) {
    throw new OperationError(`Cannot write ${path}: ${String(error)}`, "file_not_writable", {
      cause: error,
      hint: "Choose a directory you can write to",
    });
  }
  const { manifest } = plan;
  const artifacts = manifest.files.filter((f) => f.kind !== "metadata");
  const total = artifacts.reduce((sum, f) => sum + f.size, 0);
  let written = 0;
  try {
    const tarStream = new TransformStream<Uint8Array, Uint8Array>();
    const piped = (await compressStream(options.compression, tarStream.readable))
      .pipeTo(output.writable);
    const writer = tarStream.writable.getWriter();
    const tar = new TarWriter(writer, Date.parse(manifest.created) / 1000);
    try {
      await tar.addBytes(BUNDLE_MANIFEST, encoder.encode(JSON.stringify(manifest, null, 2) + "\n"));
      for (const [page, html] of simplePages(manifest.files)) {
        await tar.addBytes(page, encoder.encode(html));
      }
      for (const file of manifest.files) {
        if (file.kind === "metadata") {
          const wheel = manifest.files.find((f) => f.filename === file.metadata_of)!;
          const bytes = await wheelMetadataBytes(plan.sources.get(wheel.sha256)!, wheel.filename);
          if (bytes === null || await sha256Hex(bytes) !== file.sha256) {
            throw new CacheError(`${wheel.filename} in the cache changed during the export`, {
              hint: "Run `gestvenv cache verify --fix`, then export again",
            });
          }
          await tar.addBytes(file.path, bytes);
          continue;
        }
        const source = plan.sources.get(file.sha256)!;
        await tar.addFile(
          file.path,
          file.size,
          verifiedChunks(source, file, (n) => {
            written += n;
            options.onProgress?.({ filename: file.filename, bytes: written, total });
          }, options.signal),
        );
      }
      const db = manifest.audit_db;
      if (db !== undefined && db !== null) {
        const source = plan.sources.get(`audit-db:${db.sha256}`)!;
        const file = { filename: "the vulnerability database", sha256: db.sha256, size: db.size };
        await tar.addFile(db.path, db.size, verifiedChunks(source, file, () => {}, options.signal));
      }
      await tar.finish();
    } catch (error) {
      await writer.abort(error).catch(() => {});
      await piped.catch(() => {});
      throw error;
    }
    await piped;
    {
      using synced = await Deno.open(tmp, { read: true, write: true });
      await synced.syncData();
    }
    await failpoint("bundle.export.before_rename");
    await Deno.rename(tmp, path);
  } catch (error) {
    try {
      output.close();
    } catch { /* closed by its stream */ }
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  const size = (await Deno.stat(path)).size;
  return {
    path,
    compression: options.compression,
    artifacts: artifacts.length,
    artifactBytes: total,
    size,
  };
}
