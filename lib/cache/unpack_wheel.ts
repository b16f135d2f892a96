/**
 * Unpacking a wheel into the content-addressed file store (binary distribution format spec,
 * "The .dist-info directory": RECORD lists every file with its hash and size).
 *
 * The archive is checked whole before anything is inflated (`checkArchiveEntries`: traversal,
 * absolute paths, symlinks, duplicates, bombs), then every file is inflated as a stream, its
 * CRC-32, size and hash checked against the central directory and RECORD, and written into a
 * private staging directory. Only when every file of the wheel is verified are the files moved
 * to `files-v1/<sha[0:2]>/<sha>` (skipping content already there) and the manifest written: a
 * wheel that fails leaves nothing visible.
 *
 * @module
 */
import { DistributionError } from "../errors/mod.ts";
import { atomicWriteFile, failpoint, type HashAlgorithm, hasherFactory } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";
import { parseRecord } from "../distribution/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import {
  bytesSource,
  checkArchiveEntries,
  fileSource,
  inflateZipEntry,
  isDirectoryEntry,
  isExecutableEntry,
  readZipDirectory,
  readZipEntry,
  type ZipEntry,
} from "../zip/mod.ts";
import { tempNameFor } from "../index/mod.ts";
import { FILES_BUCKET, manifestPath, storedFilePath } from "./cache_layout.ts";
import type { UnpackedFile } from "./unpacked_wheel.ts";

/** Format version of the manifests in `wheels-v1/`. */
export const MANIFEST_FORMAT = 1;

/** Largest RECORD read, in bytes (real ones: a few KB to a few MB). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Wheels up to this size (bytes) are read into memory whole to be unpacked. */
const WHOLE_READ_BYTES = 64 * 1024 * 1024;

async function readAll(file: Deno.FsFile, size: number): Promise<Uint8Array> {
  const buf = new Uint8Array(size);
  let filled = 0;
  while (filled < size) {
    const n = await file.read(buf.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buf.subarray(0, filled);
}

/** Files inflated at once while unpacking. */
const CONCURRENCY = 8;

/** A manifest as stored in `wheels-v1/<sha256>.json`. */
export interface WheelManifest {
  /** {@linkcode MANIFEST_FORMAT}; a manifest in another format is ignored and remade. */
  format: number;
  /** The wheel's file name. */
  filename: string;
  /** The wheel's sha256, lowercase hex (the manifest's key). */
  sha256: string;
  /** Every file of the wheel, in archive order. */
  files: UnpackedFile[];
}

const HINT = "The wheel is corrupt or hostile and was not unpacked; use another version, or " +
  "tell the index's owners";

function reject(filename: string, message: string, cause?: unknown): DistributionError {
  return new DistributionError(message, filename, { hint: HINT, cause });
}

/** Reads a stored manifest; undefined when absent or not in this format (it is then remade). */
export async function readManifest(
  root: string,
  wheelSha256: string,
): Promise<WheelManifest | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(manifestPath(root, wheelSha256));
  } catch {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as WheelManifest;
    if (
      data.format !== MANIFEST_FORMAT || data.sha256 !== wheelSha256 || !Array.isArray(data.files)
    ) return undefined;
    return data;
  } catch {
    return undefined;
  }
}

interface RecordHash {
  algorithm: HashAlgorithm;
  digest: string;
  size: number | null;
}

/** The `.dist-info/RECORD` entry of the wheel (the one dist-info directory named for it). */
function findRecord(entries: readonly ZipEntry[], filename: string): ZipEntry {
  const records = entries.filter((e) => /^[^/]+\.dist-info\/RECORD$/.test(e.name));
  if (records.length === 1) return records[0]!;
  const parsed = tryParseWheelFilename(filename);
  if (records.length > 1 && parsed !== null) {
    const mine = records.filter((e) => {
      const dir = e.name.slice(0, -"/RECORD".length - ".dist-info".length);
      const dash = dir.lastIndexOf("-");
      return dash > 0 && normalizeName(dir.slice(0, dash)) === parsed.name;
    });
    if (mine.length === 1) return mine[0]!;
  }
  throw reject(
    filename,
    records.length === 0
      ? "the wheel has no .dist-info/RECORD, so its files cannot be verified"
      : "the wheel has several .dist-info/RECORD files",
  );
}

/** RECORD's rows by path, with their hashes; refuses a RECORD that cannot be trusted. */
function readRecordHashes(
  text: string,
  recordName: string,
  filename: string,
): Map<string, RecordHash | null> {
  const hashes = new Map<string, RecordHash | null>();
  for (const row of parseRecord(text)) {
    if (hashes.has(row.path)) throw reject(filename, `RECORD lists ${row.path} twice`);
    if (row.hash === "") {
      hashes.set(row.path, null);
      continue;
    }
    const match = /^(sha256|sha384|sha512)=([A-Za-z0-9_-]+)$/.exec(row.hash);
    if (match === null) {
      throw reject(
        filename,
        `RECORD gives ${row.path} the hash ${JSON.stringify(row.hash)}; ` +
          "only sha256, sha384 and sha512 are accepted",
      );
    }
    hashes.set(row.path, {
      algorithm: match[1] as HashAlgorithm,
      digest: match[2]!,
      size: row.size,
    });
  }
  if (!hashes.has(recordName)) throw reject(filename, "RECORD does not list itself");
  return hashes;
}

/** Files RECORD may list without a hash: itself and its signatures. */
function mayLackHash(path: string, recordName: string): boolean {
  return path === recordName || path === `${recordName}.jws` || path === `${recordName}.p7s`;
}

// Per-file filesystem calls are synchronous: each is a few µs of kernel work, where an async op
// costs tens of µs more on the main thread, and a wheel has thousands of files.

/** Whether a regular file is at `path`. */
function isStoredFile(path: string): boolean {
  try {
    return Deno.lstatSync(path).isFile;
  } catch {
    return false;
  }
}

const shardsMade = new Set<string>();

/**
 * Makes the file store's 256 shard directories (`files-v1/00` … `ff`) once per cache root and
 * process: a wheel's files land in most of them, and a `mkdir` per shard per wheel adds up.
 */
function ensureShards(root: string): void {
  if (shardsMade.has(root)) return;
  for (let i = 0; i < 256; i++) {
    Deno.mkdirSync(join(root, FILES_BUCKET, i.toString(16).padStart(2, "0")), { recursive: true });
  }
  shardsMade.add(root);
}

/** Hard-links each staged file to its place in the store; content already stored stays. */
function publishNow(pairs: ReadonlyArray<readonly [string, string]>): void {
  for (const [staged, stored] of pairs) {
    try {
      Deno.linkSync(staged, stored);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
}

/** One verified file, waiting in the staging directory (or already in the store). */
interface Staged {
  file: UnpackedFile;
  staged: string | undefined;
}

/**
 * Unpacks the wheel at `path` into the file store of the cache at `root` and writes its manifest
 * (see the module documentation). Callers hold the cache's shared lock.
 * @param filename The wheel's file name, named in errors.
 * @param sha256 The wheel's sha256 (the manifest's key).
 * @throws {DistributionError} (exit 1) naming the wheel when it is unsafe, corrupt, or its
 *   RECORD is missing or lies; nothing of it is then visible in the store.
 */
export async function unpackWheelFile(
  root: string,
  path: string,
  filename: string,
  sha256: string,
): Promise<WheelManifest> {
  const makeHasher = await hasherFactory();
  using file = await Deno.open(path, { read: true });
  // A wheel of reasonable size is read whole: its entries are then sliced from memory instead of
  // a seek and a read each, one at a time; a larger one is read piece by piece.
  const size = (await file.stat()).size;
  const source = size <= WHOLE_READ_BYTES
    ? bytesSource(await readAll(file, size), filename)
    : await fileSource(file, filename);
  const entries = await readZipDirectory(source);
  checkArchiveEntries(entries, filename, source.size);
  const recordEntry = findRecord(entries, filename);
  const recordName = recordEntry.name;
  const recordText = new TextDecoder().decode(
    await readZipEntry(source, recordEntry, { maxBytes: MAX_RECORD_BYTES }),
  );
  const hashes = readRecordHashes(recordText, recordName, filename);
  const files = entries.filter((e) => !isDirectoryEntry(e));
  const inArchive = new Set(files.map((e) => e.name));
  for (const listed of hashes.keys()) {
    if (!inArchive.has(listed)) {
      throw reject(filename, `RECORD lists ${listed}, which the wheel does not contain`);
    }
  }
  for (const entry of files) {
    if (!hashes.has(entry.name)) {
      throw reject(filename, `RECORD does not list ${entry.name}`);
    }
    if (hashes.get(entry.name) === null && !mayLackHash(entry.name, recordName)) {
      throw reject(filename, `RECORD gives no hash for ${entry.name}`);
    }
  }

  const staging = tempNameFor(join(root, FILES_BUCKET, "unpack"));
  await Deno.mkdir(staging, { recursive: true });
  try {
    const results: Staged[] = new Array(files.length);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        results[i] = await stageEntry(i, files[i]!, hashes.get(files[i]!.name) ?? null);
      }
    };
    const stageEntry = async (
      index: number,
      entry: ZipEntry,
      expected: RecordHash | null,
    ): Promise<Staged> => {
      if (expected !== null && expected.size !== null && expected.size !== entry.size) {
        throw reject(
          filename,
          `RECORD says ${entry.name} has ${expected.size} bytes; the archive holds ${entry.size}`,
        );
      }
      const executable = isExecutableEntry(entry);
      // When RECORD's sha256 is already stored, only verify (the bytes are not written again).
      let known = false;
      if (expected?.algorithm === "sha256") {
        const claimed = base64urlToHex(expected.digest);
        known = claimed !== undefined && isStoredFile(storedFilePath(root, claimed, executable));
      }
      const sha = makeHasher("sha256");
      const other = expected !== null && expected.algorithm !== "sha256"
        ? makeHasher(expected.algorithm)
        : undefined;
      const target = known ? undefined : join(staging, String(index));
      // Created read-only at once (the open handle may still write): no chmod per file. Opened
      // only for an entry that arrives in several chunks; a one-chunk entry (most of them) is
      // written with one call.
      let out: Deno.FsFile | undefined;
      let first: Uint8Array | undefined;
      let size = 0;
      const writeChunk = async (chunk: Uint8Array) => {
        out ??= await Deno.open(target!, {
          write: true,
          createNew: true,
          mode: executable ? 0o555 : 0o444,
        });
        let written = 0;
        while (written < chunk.length) written += await out.write(chunk.subarray(written));
      };
      try {
        for await (const chunk of inflateZipEntry(source, entry)) {
          sha.update(chunk);
          other?.update(chunk);
          size += chunk.length;
          if (target === undefined) continue;
          if (first === undefined && out === undefined) {
            first = chunk;
            continue;
          }
          if (first !== undefined) {
            await writeChunk(first);
            first = undefined;
          }
          await writeChunk(chunk);
        }
        if (target !== undefined && out === undefined) {
          // Asynchronous: creating a file is real kernel work, done in parallel off the main thread.
          await Deno.writeFile(target, first ?? new Uint8Array(), {
            createNew: true,
            mode: executable ? 0o555 : 0o444,
          });
        }
      } catch (error) {
        if (error instanceof DistributionError) {
          throw reject(filename, error.message, error);
        }
        throw error;
      } finally {
        out?.close();
      }
      const hex = sha.hex();
      if (expected !== null) {
        const actual = expected.algorithm === "sha256" ? hexToBase64url(hex) : other!.base64url();
        if (actual !== expected.digest) {
          throw reject(
            filename,
            `RECORD lies about ${entry.name}: it says ${expected.algorithm}=${expected.digest}, ` +
              `the file has ${expected.algorithm}=${actual}`,
          );
        }
      }
      return { file: { path: entry.name, sha256: hex, size, executable }, staged: target };
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(CONCURRENCY, files.length)) }, worker),
    );
    await failpoint("cache.unpack.before_publish");
    // Every file is verified: publish them. Content already stored is left as it is (it may be
    // hard-linked into environments).
    ensureShards(root);
    // link, not rename: content already stored keeps its inode (environments may share it).
    publishNow(
      results.filter((r) => r.staged !== undefined)
        .map((r) => [r.staged!, storedFilePath(root, r.file.sha256, r.file.executable)]),
    );
    const manifest: WheelManifest = {
      format: MANIFEST_FORMAT,
      filename,
      sha256,
      files: results.map((r) => r.file),
    };
    await failpoint("cache.unpack.before_manifest");
    await atomicWriteFile(manifestPath(root, sha256), JSON.stringify(manifest));
    return manifest;
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

function hexToBase64url(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function base64urlToHex(digest: string): string | undefined {
  try {
    const bin = atob(digest.replace(/-/g, "+").replace(/_/g, "/"));
    if (bin.length !== 32) return undefined;
    return Array.from(bin, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  } catch {
    return undefined;
  }
}
