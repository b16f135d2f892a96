/**
 * Fetching the artifacts a lock names (wheels and sdists) into a private directory and checking
 * them against the lock before anything is installed: `http(s)` through {@linkcode HttpClient}
 * (retries, netrc, credentials never printed), `file:` from disk. The body streams to a temp file
 * while it is hashed (memory stays flat whatever the size); the size is checked when the lock
 * gives one and the sha256 always, on the very bytes that are written, and only a verified file
 * gets its final name, so the file a backend installs is the file that was verified (PEP 751
 * "Installation": "verify the hashes"). {@linkcode downloadToFile} and
 * {@linkcode copyToFileHashing} are the streaming steps the package cache uses too.
 *
 * @module
 */
import {
  EXIT_CODE,
  GestvenvError,
  OperationError,
  PackageNotFoundError,
  throwIfInterrupted,
  UsageError,
} from "../errors/mod.ts";
import { createHasher, failpoint, type Hasher, hasherFactory } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";
import { type HttpClient, redactUrl } from "./http_client.ts";

/** One artifact to fetch and verify. */
export interface ArtifactSpec {
  /** What the artifact is, for messages (`demo-pkg 1.0.0`). */
  label: string;
  /** Where it is: an `http`, `https` or `file` URL (credentials, if any, are used, never shown). */
  url: string;
  /** The file name to store it under: a plain name, no separators or control characters. */
  filename: string;
  /** The expected sha256, 64 hex digits. */
  sha256: string;
  /** The expected size in bytes, when known. */
  size?: number | undefined;
}

/** An artifact fetched and verified. */
export interface FetchedArtifact {
  /** What was asked for. */
  spec: ArtifactSpec;
  /** Absolute path of the verified file (inside the directory given to the fetch). */
  path: string;
  /** Its size in bytes. */
  size: number;
}

/** An artifact whose bytes are not the ones the lock promises. */
export interface ArtifactMismatch {
  /** What was asked for. */
  spec: ArtifactSpec;
  /** The sha256 of what was received. */
  actualSha256: string;
  /** The size of what was received, in bytes. */
  actualSize: number;
}

/** Options for {@linkcode fetchArtifacts}. */
export interface FetchArtifactsOptions {
  /** Artifacts fetched at once (each streams to disk while it is hashed). @default 4 */
  concurrency?: number;
}

const INTEGRITY_HINT =
  "The file changed at its source, the transfer was altered, or the lock was edited. Nothing was " +
  "installed. Check where the lock came from; if the new file is trusted, lock again " +
  "(`gestvenv lock`)";

/**
 * Artifacts do not match the sha256 (or size) recorded in the lock (exit 5, code
 * `hash_mismatch`). A network/integrity failure: the bytes fetched are not the ones promised; no
 * backend ran. `mismatches` lists every one.
 */
export class ArtifactMismatchError extends GestvenvError {
  /** Every artifact that failed verification. */
  readonly mismatches: ArtifactMismatch[];
  /**
   * Creates the error.
   *
   * @param mismatches Every artifact that failed verification (at least one).
   * @param others Other failures met while fetching the rest, for the message.
   */
  constructor(mismatches: ArtifactMismatch[], others: string[] = []) {
    const first = mismatches[0]!;
    const message = mismatches.length === 1
      ? `sha256 mismatch for ${first.spec.label} (${redactUrl(first.spec.url)})`
      : `${mismatches.length} artifacts do not match the sha256 in the lock`;
    const lines: string[] = [];
    for (const m of mismatches) {
      if (mismatches.length > 1) lines.push(`${m.spec.label} (${redactUrl(m.spec.url)})`);
      lines.push(`expected sha256 ${m.spec.sha256}`, `     got sha256 ${m.actualSha256}`);
      if (m.spec.size !== undefined && m.spec.size !== m.actualSize) {
        lines.push(`expected ${m.spec.size} bytes, got ${m.actualSize}`);
      }
    }
    for (const other of others) lines.push(other);
    super(message, EXIT_CODE.NETWORK, "hash_mismatch", {
      details: lines.join("\n"),
      hint: INTEGRITY_HINT,
    });
    this.mismatches = mismatches;
  }
}

// C0 and C1 controls, DEL, and whitespace: never valid in a URL or a file name we use.
// deno-lint-ignore no-control-regex
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `text` is not a URL gestvenv fetches artifacts from, or null when it is one: only `http`,
 * `https` and `file`; no whitespace or control characters; a `file:` URL names a local absolute
 * path (host empty or `localhost`) without `.`/`..` segments, encoded separators or NUL, query.
 */
export function artifactUrlProblem(text: string): string | null {
  if (CONTROL_OR_SPACE.test(text)) return "contains whitespace or control characters";
  if (!/^(https?|file):/i.test(text)) return "is not an http, https or file URL";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a valid URL";
  }
  if (url.protocol === "file:") {
    if (url.host !== "" && url.host !== "localhost") return "is a file URL on another host";
    if (url.search !== "") return "is a file URL with a query";
    // Dot segments are resolved by the URL parser (`/a/../etc`): refuse them in the raw text so
    // the path read is the path written. Backslashes are separators in file URLs too.
    const raw = text.replace(/^file:(\/\/[^/\\]*)?/i, "").replace(/[?#].*$/, "");
    for (const segment of raw.split(/[/\\]/)) {
      const decoded = segment.replace(/%2e/gi, ".");
      if (decoded === "." || decoded === "..") return "is a file URL with `.` or `..` segments";
    }
    if (/%(2f|5c|00)/i.test(url.pathname)) {
      return "is a file URL with an encoded separator or NUL";
    }
    try {
      decodeURIComponent(url.pathname);
    } catch {
      return "is a file URL with invalid percent-encoding";
    }
  } else if (url.hostname === "") return "has no host";
  return null;
}

/**
 * The local path of a `file:` URL accepted by {@linkcode artifactUrlProblem}.
 * @throws {UsageError} when the URL is not one.
 */
export function fileUrlToPath(url: string): string {
  const problem = url.toLowerCase().startsWith("file:")
    ? artifactUrlProblem(url)
    : "is not a file URL";
  if (problem !== null) throw new UsageError(`${redactUrl(url)} ${problem}`);
  const path = decodeURIComponent(new URL(url).pathname);
  return Deno.build.os === "windows"
    ? path.replace(/^\/([A-Za-z]:)/, "$1").replaceAll("/", "\\")
    : path;
}

/** Whether `name` can be used as a file name inside a directory we own. */
function safeFilename(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !name.startsWith("-") &&
    !/[/\\]/.test(name) && !CONTROL_OR_SPACE.test(name);
}

/** What was written by {@linkcode downloadToFile} or {@linkcode copyToFileHashing}. */
export interface WrittenFile {
  /** sha256 of the bytes written, lowercase hex. */
  sha256: string;
  /** Bytes written. */
  size: number;
}

/** Options for {@linkcode downloadToFile} and {@linkcode copyToFileHashing}. */
export interface StreamToFileOptions {
  /** Stops the transfer (between chunks); an abort by SIGINT/SIGTERM is an `InterruptedError`. */
  signal?: AbortSignal | undefined;
  /** Called with the bytes received so far (cumulative; restarts at 0 when a retry restarts). */
  onProgress?: ((bytes: number) => void) | undefined;
  /** Mode of the new file (POSIX). @default 0o600 */
  mode?: number;
}

function checkSignal(signal: AbortSignal | undefined): void {
  try {
    throwIfInterrupted(signal);
  } catch (error) {
    if (error instanceof GestvenvError) throw error;
    // Any other abort ends the transfer at once too (a GestvenvError is never retried).
    throw new OperationError("the transfer was cancelled", "cancelled", { cause: error });
  }
}

/**
 * Downloads `url` into a new file at `path` (which must not exist: it is created, never
 * followed or overwritten), hashing the bytes as they are written; nothing is held in memory but
 * the chunk in flight. A retry of {@linkcode HttpClient.request} restarts the file and the hash.
 * On any failure the partial file is removed. Failpoint `download.after_write` runs once the
 * body is written, before the file is synced and closed.
 * @throws {NetworkError | PackageNotFoundError} when it cannot be fetched (URL redacted).
 * @throws {InterruptedError} when `signal` is aborted by SIGINT/SIGTERM.
 */
export async function downloadToFile(
  http: HttpClient,
  url: string,
  path: string,
  options: StreamToFileOptions = {},
): Promise<WrittenFile> {
  const { signal, onProgress, mode = 0o600 } = options;
  checkSignal(signal);
  const makeHasher = await hasherFactory();
  const file = await Deno.open(path, { write: true, createNew: true, mode });
  let hasher: Hasher = makeHasher();
  let size = 0;
  try {
    try {
      await http.request(url, {
        sink: () => {
          // A new attempt: start the file and the hash again.
          file.truncateSync(0);
          file.seekSync(0, Deno.SeekMode.Start);
          hasher = makeHasher();
          size = 0;
          onProgress?.(0);
          return {
            write(chunk: Uint8Array) {
              checkSignal(signal);
              let written = 0;
              while (written < chunk.length) written += file.writeSync(chunk.subarray(written));
              hasher.update(chunk);
              size += chunk.length;
              onProgress?.(size);
            },
          };
        },
      });
      await failpoint("download.after_write");
      await file.syncData();
    } finally {
      file.close();
    }
  } catch (error) {
    await Deno.remove(path).catch(() => {});
    throw error;
  }
  return { sha256: hasher.hex(), size };
}

/**
 * Copies the regular file `from` into a new file at `path` (created, never followed or
 * overwritten), hashing the bytes as they are written. On any failure the partial file is
 * removed.
 * @param label Names what is copied in errors (`demo-pkg 1.0.0`).
 * @throws {PackageNotFoundError} when `from` is missing or not a regular file.
 * @throws {OperationError} when `from` changes while it is read.
 */
export async function copyToFileHashing(
  from: string,
  path: string,
  label: string,
  options: StreamToFileOptions = {},
): Promise<WrittenFile> {
  const { signal, onProgress, mode = 0o600 } = options;
  checkSignal(signal);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(from);
  } catch (error) {
    throw new PackageNotFoundError(`${label}: ${from} does not exist`, {
      cause: error,
      hint: "The lock names a local file that is not there; lock again where the files are",
    });
  }
  // Opening a FIFO or a device could block or never end: only regular files are read.
  if (!info.isFile) {
    throw new PackageNotFoundError(`${label}: ${from} is not a regular file`, {
      hint: "A lock's file: URL must name a wheel or sdist file",
    });
  }
  using input = await Deno.open(from, { read: true });
  const now = await input.stat();
  if (!now.isFile || (info.ino !== null && now.ino !== info.ino)) {
    throw new OperationError(`${from} changed while it was being read`, "file_changed", {
      hint: "Try again",
    });
  }
  const hasher = await createHasher();
  const output = await Deno.open(path, { write: true, createNew: true, mode });
  let size = 0;
  try {
    try {
      const buffer = new Uint8Array(1024 * 1024);
      for (;;) {
        checkSignal(signal);
        const n = await input.read(buffer);
        if (n === null) break;
        const chunk = buffer.subarray(0, n);
        let written = 0;
        while (written < n) written += await output.write(chunk.subarray(written));
        hasher.update(chunk);
        size += n;
        onProgress?.(size);
      }
      await output.syncData();
    } finally {
      output.close();
    }
  } catch (error) {
    await Deno.remove(path).catch(() => {});
    throw error;
  }
  return { sha256: hasher.hex(), size };
}

let tempCounter = 0;

/** A temp name beside `path` that gestvenv's cleaners recognise as its own: `<path>.tmp-<pid>-<n>`. */
export function tempNameFor(path: string): string {
  return `${path}.tmp-${Deno.pid}-${++tempCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Checks that a URL, file name and sha256 are usable for fetching an artifact.
 * @throws {UsageError} for a URL or file name that is not safe to use, or a malformed sha256.
 */
export function checkArtifactSpec(spec: ArtifactSpec): void {
  const problem = artifactUrlProblem(spec.url);
  if (problem !== null) throw new UsageError(`${spec.label}: ${redactUrl(spec.url)} ${problem}`);
  if (!safeFilename(spec.filename)) {
    throw new UsageError(`${spec.label}: ${JSON.stringify(spec.filename)} is not a file name`);
  }
  if (!/^[0-9a-f]{64}$/.test(spec.sha256)) {
    throw new UsageError(`${spec.label}: the expected sha256 is not 64 hex digits`);
  }
}

/**
 * Fetches one artifact into `dir` under its file name and verifies it: the size when the spec has
 * one, the sha256 always. The bytes stream into a temp file in `dir`; the file gets its name only
 * after it is verified (a mismatch leaves nothing behind).
 * @param dir A directory only this process writes into (e.g. from `Deno.makeTempDir`).
 * @throws {ArtifactMismatchError} when the bytes differ from the spec.
 * @throws {UsageError} for a URL or file name that is not safe to use.
 * @throws {NetworkError | PackageNotFoundError} when it cannot be fetched.
 */
export async function fetchArtifact(
  http: HttpClient,
  spec: ArtifactSpec,
  dir: string,
  options: StreamToFileOptions = {},
): Promise<FetchedArtifact> {
  checkArtifactSpec(spec);
  const path = join(dir, spec.filename);
  const tmp = tempNameFor(path);
  const written = spec.url.toLowerCase().startsWith("file:")
    ? await copyToFileHashing(fileUrlToPath(spec.url), tmp, spec.label, options)
    : await downloadToFile(http, spec.url, tmp, options);
  try {
    if (
      written.sha256 !== spec.sha256 || (spec.size !== undefined && written.size !== spec.size)
    ) {
      throw new ArtifactMismatchError([
        { spec, actualSha256: written.sha256, actualSize: written.size },
      ]);
    }
    // link, not rename: never replace something already there.
    await Deno.link(tmp, path);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
  return { spec, path, size: written.size };
}

/**
 * Fetches and verifies every artifact (a few at a time) before returning any: either all are in
 * `dir`, verified, or it throws. When some do not match, the error lists all of them.
 * @throws {ArtifactMismatchError} when any artifact does not match (others' failures in details).
 * @throws {NetworkError | PackageNotFoundError | UsageError} the first other failure otherwise.
 */
export async function fetchArtifacts(
  http: HttpClient,
  specs: ArtifactSpec[],
  dir: string,
  options: FetchArtifactsOptions = {},
): Promise<FetchedArtifact[]> {
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.filename)) {
      throw new UsageError(`Two artifacts have the same file name ${spec.filename}`);
    }
    names.add(spec.filename);
  }
  const results: PromiseSettledResult<FetchedArtifact>[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await fetchArtifact(http, specs[i]!, dir) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, specs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  const mismatches: ArtifactMismatch[] = [];
  const others: unknown[] = [];
  for (const r of results) {
    if (r.status === "fulfilled") continue;
    if (r.reason instanceof ArtifactMismatchError) mismatches.push(...r.reason.mismatches);
    else others.push(r.reason);
  }
  if (mismatches.length > 0) {
    throw new ArtifactMismatchError(
      mismatches,
      others.map((e) => `also failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
  if (others.length > 0) throw others[0];
  return results.map((r) => (r as PromiseFulfilledResult<FetchedArtifact>).value);
}
