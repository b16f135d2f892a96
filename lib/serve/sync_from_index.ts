/**
 * `cache sync --from URL`: pulls another index's files into the cache, each verified against the
 * sha256 the index gives (a file without one is refused, never stored unverified).
 *
 * - Against a gestvenv `cache serve` (recognized by the `x-gestvenv-serve` header and the
 *   private `_gestvenv` key of its PEP 691 root page), every project it lists can be mirrored.
 * - Against any PEP 691/503 index, the caller resolves requirements with that index and hands the
 *   chosen files to {@linkcode syncFiles}.
 *
 * @module
 */
import { GestvenvError, InterruptedError, NetworkError } from "../errors/mod.ts";
import { type HttpClient, type IndexClient, type IndexFile, redactUrl } from "../index/mod.ts";
import type { PackageCache, StoredArtifact } from "../cache/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { SIMPLE_JSON } from "./negotiate.ts";
import { fileFitsPlatforms } from "../platforms/mod.ts";

/** The header a gestvenv cache server sends with its pages (value: gestvenv's version). */
export const GESTVENV_SERVE_HEADER = "x-gestvenv-serve";

/** What an index said about itself. */
export interface RemoteIndex {
  /** The simple API root, without a trailing slash. */
  url: string;
  /** Whether it is a gestvenv `cache serve` (it lists every project it has). */
  gestvenv: boolean;
  /** The gestvenv version serving it, when it is one. */
  version: string | null;
  /** Every project it lists (normalized names), when it is a gestvenv index; else null. */
  projects: string[] | null;
}

/** One file to bring into the cache. */
export interface SyncFile {
  /** Absolute URL of the file. */
  url: string;
  /** Its file name. */
  filename: string;
  /** The sha256 the index gives (hex), or null (such a file is refused). */
  sha256: string | null;
  /** Size in bytes, when the index says. */
  size: number | null;
  /** Normalized project name. */
  project: string;
  /** Version (from the file name when not known). */
  version: string;
}

/** What happened to one file. */
export interface SyncOutcome {
  /** The file. */
  file: SyncFile;
  /** `new`: stored now; `present`: already in the cache; `rejected`: not stored (see reason). */
  status: "new" | "present" | "rejected";
  /** Why it was rejected. */
  reason?: string;
  /** The stored artifact (new or present). */
  stored?: StoredArtifact;
}

/** The summary of a sync. */
export interface SyncResult {
  /** One outcome per file, in the order given. */
  outcomes: SyncOutcome[];
  /** Files stored now. */
  added: number;
  /** Bytes stored now. */
  addedBytes: number;
  /** Files already in the cache. */
  present: number;
  /** Files refused or failed. */
  rejected: number;
}

/**
 * Asks `url` whether it is a gestvenv cache server, and if so for its project list. Requires
 * `--allow-net`.
 * @throws {NetworkError} (exit 5) when the index cannot be reached.
 */
export async function probeIndex(url: string, http: HttpClient): Promise<RemoteIndex> {
  const base = url.replace(/\/+$/, "");
  const root = `${base}/`;
  const head = await http.request(root, {
    method: "HEAD",
    headers: { accept: SIMPLE_JSON },
    accept: [401, 403, 404, 405, 406, 410, 501],
  });
  const version = head.status < 300 ? head.headers.get(GESTVENV_SERVE_HEADER) : null;
  if (version === null) return { url: base, gestvenv: false, version: null, projects: null };
  // `http://host:8080` redirects to `/simple/`: the pages live under the final path.
  const final = new URL(head.url), at = new URL(root);
  if (final.pathname !== at.pathname) {
    at.pathname = final.pathname;
    return await probeIndex(at.toString(), http);
  }
  const response = await http.request(root, { headers: { accept: SIMPLE_JSON } });
  let projects: string[];
  try {
    const doc = JSON.parse(new TextDecoder().decode(response.body)) as {
      projects?: { name?: unknown }[];
    };
    if (!Array.isArray(doc.projects)) throw new Error("no projects");
    projects = doc.projects.map((p) => String(p.name)).filter((n) =>
      /^[a-z0-9][a-z0-9-]*$/.test(n)
    );
  } catch (error) {
    throw new NetworkError(`${redactUrl(root)} did not answer with a PEP 691 project list`, {
      cause: error,
      hint: "Check that the URL is the /simple/ root of a `gestvenv cache serve`",
    });
  }
  return { url: base, gestvenv: true, version, projects };
}

/** A {@linkcode SyncFile} of an index file. */
export function syncFileOf(file: IndexFile, project: string): SyncFile {
  const wheel = tryParseWheelFilename(file.filename);
  const sdist = wheel === null ? tryParseSdistFilename(file.filename) : null;
  return {
    url: file.url,
    filename: file.filename,
    sha256: file.sha256,
    size: file.size,
    project,
    version: wheel?.version.text ?? sdist?.version.text ?? "",
  };
}

/**
 * Every file of `projects` on the index `client` reads, the yanked ones left out and, when
 * `platforms` are given, only files that fit one of them (sdists always).
 * @throws {NetworkError} when the index cannot be read.
 */
export async function listIndexFiles(
  client: IndexClient,
  projects: readonly string[],
  platforms: readonly string[] = [],
): Promise<SyncFile[]> {
  const out: SyncFile[] = [];
  for (const project of projects) {
    const page = await client.projectFiles(project);
    if (page === null) continue;
    for (const file of page.files) {
      if (file.yanked !== null || !fileFitsPlatforms(file.filename, platforms)) continue;
      out.push(syncFileOf(file, page.name));
    }
  }
  return out;
}

/** Options of {@linkcode syncFiles}. */
export interface SyncFilesOptions {
  /** Downloads at once. @default 8 */
  concurrency?: number;
  /** Stops between files (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Called as each file is settled. */
  onOutcome?: (outcome: SyncOutcome) => void;
}

/**
 * Brings `files` into `cache`: each one already present (by sha256) is counted as such, each
 * missing one is downloaded and stored only when its bytes match the index's sha256 (and size).
 * A file the index gives no sha256 for, or whose bytes do not match, is rejected and the others
 * go on. Requires `--allow-net` and write access to the cache.
 * @throws {InterruptedError} when `signal` is aborted (files stored so far stay).
 */
export async function syncFiles(
  cache: PackageCache,
  files: readonly SyncFile[],
  http: HttpClient,
  options: SyncFilesOptions = {},
): Promise<SyncResult> {
  const outcomes = new Array<SyncOutcome>(files.length);
  let next = 0;
  const one = async (file: SyncFile): Promise<SyncOutcome> => {
    if (file.sha256 === null) {
      return { file, status: "rejected", reason: "the index gives no sha256 to verify it" };
    }
    const present = await cache.find(file.sha256);
    if (present !== undefined) return { file, status: "present", stored: present };
    try {
      const stored = await cache.fetchArtifact(
        {
          url: file.url,
          filename: file.filename,
          sha256: file.sha256,
          size: file.size ?? undefined,
          project: file.project,
          version: file.version,
        },
        http,
        options.signal === undefined ? {} : { signal: options.signal },
      );
      return { file, status: "new", stored };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // A file that cannot be had is reported; the others go on.
      if (error instanceof GestvenvError) {
        return { file, status: "rejected", reason: error.message };
      }
      throw error;
    }
  };
  const worker = async () => {
    while (next < files.length) {
      if (options.signal?.aborted) return;
      const index = next++;
      const outcome = await one(files[index]!);
      outcomes[index] = outcome;
      options.onOutcome?.(outcome);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 8, files.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (options.signal?.aborted) {
    throw new InterruptedError(options.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT");
  }
  const settled = outcomes.filter((o) => o !== undefined);
  return {
    outcomes: settled,
    added: settled.filter((o) => o.status === "new").length,
    addedBytes: settled.reduce((n, o) => n + (o.status === "new" ? o.stored?.size ?? 0 : 0), 0),
    present: settled.filter((o) => o.status === "present").length,
    rejected: settled.filter((o) => o.status === "rejected").length,
  };
}
