/**
 * `cache serve`: the package cache served over HTTP as a package index, so pip, uv and gestvenv
 * on other machines install from it.
 *
 * ```text
 * GET /simple/                        PEP 503 HTML or PEP 691 JSON list of projects
 * GET /simple/<normalized name>/      the project's files (other spellings: 301 to this one)
 * GET /files/<sha256>/<filename>      the artifact (ETag = sha256; If-None-Match → 304)
 * GET /files/<sha256>/<filename>.metadata   a wheel's METADATA (PEP 658)
 * ```
 *
 * The cache index is read on every page request, so artifacts added while the server runs (by
 * `cache add`, an install, `cache sync`) appear at once. Safety: only GET and HEAD; files are
 * found by sha256 in the cache index and their name must equal the indexed name, so no part of a
 * request ever becomes a path; requests in flight are bounded (others wait, and past a queue
 * bound get 503).
 *
 * @module
 */
import { NetworkError, UsageError } from "../errors/mod.ts";
import { join } from "../paths/mod.ts";
import { normalizeName } from "../names/mod.ts";
import {
  ARTIFACTS_BUCKET,
  type CachedArtifactRow,
  INDEX_FILE,
  type PackageCache,
} from "../cache/mod.ts";
import { MetadataMemo } from "./artifact_metadata.ts";
import { GESTVENV_SERVE_HEADER } from "./sync_from_index.ts";
import { negotiate, SIMPLE_JSON, type SimpleContentType } from "./negotiate.ts";
import { type PageFile, projectHtml, projectJson, rootHtml, rootJson } from "./simple_pages.ts";

/** One request as the server handled it (for an access log). */
export interface ServedRequest {
  /** HTTP method. */
  method: string;
  /** The request path (with the query). */
  path: string;
  /** The status answered. */
  status: number;
  /** Time to answer the headers, in ms. */
  ms: number;
}

/** Options of {@linkcode serveCache}. */
export interface ServeCacheOptions {
  /** Address to bind. @default "127.0.0.1" */
  hostname?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Requests handled at once (a file download holds its slot until sent). @default 32 */
  maxConcurrency?: number;
  /** Requests waiting for a slot at most; more get 503 with `Retry-After`. @default 512 */
  maxQueue?: number;
  /**
   * Longest time a download may stall (the client takes no data), in ms; then the connection is
   * dropped and its slot freed, so stalled clients cannot hold every slot. @default 60000
   */
  idleTimeoutMs?: number;
  /** gestvenv's version, announced in the root page's JSON. @default "unknown" */
  version?: string;
  /** Called after each request (an access log). */
  onRequest?: ((request: ServedRequest) => void) | undefined;
  /** Called when a request fails unexpectedly (it gets a 500). */
  onError?: ((error: unknown) => void) | undefined;
}

/** A running cache server. */
export interface CacheServer {
  /** The address bound. */
  hostname: string;
  /** The port bound. */
  port: number;
  /** The simple API root, e.g. `http://127.0.0.1:8080/simple/`. */
  url: string;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  /** Stops accepting, lets requests in flight finish, and resolves when stopped. */
  close(): Promise<void>;
}

/**
 * Whether `hostname` is a loopback address: `localhost`, `::1` (bracketed or not) or 127.0.0.0/8
 * (what `cache serve` and `dashboard serve` bind by default; any other address gets a warning).
 * Case does not matter.
 */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** A counting semaphore with a bounded queue. */
class Slots {
  #active = 0;
  readonly #queue: (() => void)[] = [];
  constructor(readonly limit: number, readonly maxQueue: number) {}

  /** Takes a slot (waiting if needed); false when the queue is full. */
  async acquire(): Promise<boolean> {
    if (this.#active < this.limit) {
      this.#active++;
      return true;
    }
    if (this.#queue.length >= this.maxQueue) return false;
    await new Promise<void>((resolve) => this.#queue.push(resolve));
    return true;
  }

  release(): void {
    const next = this.#queue.shift();
    if (next !== undefined) next();
    else this.#active--;
  }
}

const FILE_PATH = /^\/files\/([0-9a-f]{64})\/([^/]+)$/;

/** Per-request view of the cache index: rows by project (one read of the index). */
function byProject(rows: readonly CachedArtifactRow[]): Map<string, CachedArtifactRow[]> {
  const out = new Map<string, CachedArtifactRow[]>();
  for (const row of rows) {
    if (row.project === "") continue;
    let list = out.get(row.project);
    if (list === undefined) out.set(row.project, list = []);
    list.push(row);
  }
  return out;
}

/**
 * The cache index grouped by project, read again only when the index database (or its WAL) has
 * changed since the last read, or after `maxAgeMs` (a guard against a change within the clock's
 * resolution): two `stat` calls per request instead of a full read.
 */
class IndexView {
  #key = "";
  #at = 0;
  #projects: Map<string, CachedArtifactRow[]> | undefined;
  constructor(readonly cache: PackageCache, readonly maxAgeMs = 2000) {}

  async #fingerprint(): Promise<string> {
    const path = join(this.cache.root, INDEX_FILE);
    const parts = await Promise.all([path, `${path}-wal`].map(async (p) => {
      const info = await Deno.stat(p).catch(() => undefined);
      return info === undefined ? "-" : `${info.mtime?.getTime()}/${info.size}`;
    }));
    return parts.join(":");
  }

  async projects(): Promise<Map<string, CachedArtifactRow[]>> {
    const key = await this.#fingerprint();
    const now = Date.now();
    if (this.#projects === undefined || key !== this.#key || now - this.#at > this.maxAgeMs) {
      this.#projects = byProject(await this.cache.list());
      this.#key = key;
      this.#at = now;
    }
    return this.#projects;
  }
}

async function etagOf(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return `"${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

function matches(request: Request, etag: string): boolean {
  const header = request.headers.get("if-none-match");
  return header !== null &&
    header.split(",").some((t) => t.trim() === "*" || t.trim().replace(/^W\//, "") === etag);
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body + "\n", {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}

function redirect(location: string): Response {
  return new Response(null, { status: 301, headers: { location } });
}

/**
 * The request handler over `cache` (see the module documentation). Exposed for tests; use
 * {@linkcode serveCache} to serve.
 */
export function cacheHandler(
  cache: PackageCache,
  options: Pick<ServeCacheOptions, "version"> = {},
): (request: Request) => Promise<Response> {
  const memo = new MetadataMemo();
  const view = new IndexView(cache);
  const version = options.version ?? "unknown";
  const pathOf = (row: { sha256: string; filename: string }) =>
    join(cache.root, ARTIFACTS_BUCKET, row.sha256.slice(0, 2), row.sha256, row.filename);

  const page = async (
    request: Request,
    type: SimpleContentType,
    body: string,
    head: boolean,
  ): Promise<Response> => {
    const bytes = new TextEncoder().encode(body);
    const etag = await etagOf(bytes);
    const headers: Record<string, string> = {
      "content-type": type === SIMPLE_JSON ? SIMPLE_JSON : `${type}; charset=utf-8`,
      vary: "Accept",
      "cache-control": "max-age=0, must-revalidate",
      etag,
      [GESTVENV_SERVE_HEADER]: version,
    };
    // A client revalidating its copy (gestvenv's page cache does) gets 304 when nothing changed.
    if (matches(request, etag)) return new Response(null, { status: 304, headers });
    headers["content-length"] = String(bytes.length);
    return new Response(head ? null : bytes, { headers });
  };

  const projectFiles = async (rows: CachedArtifactRow[]): Promise<PageFile[]> => {
    // One file per name (two different builds stored under one name: the latest).
    const latest = new Map<string, CachedArtifactRow>();
    for (const row of rows) {
      const seen = latest.get(row.filename);
      if (seen === undefined || row.added > seen.added) latest.set(row.filename, row);
    }
    const files: PageFile[] = [];
    for (const row of [...latest.values()].sort((a, b) => a.filename < b.filename ? -1 : 1)) {
      const path = pathOf(row);
      const info = await Deno.stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile) continue; // removed behind the index's back
      const meta = await memo.get(row.sha256, path, row.filename, info.size);
      files.push({
        filename: row.filename,
        url: `/files/${row.sha256}/${encodeURIComponent(row.filename)}`,
        sha256: row.sha256,
        size: info.size,
        requiresPython: meta.requiresPython,
        metadataSha256: meta.metadataSha256,
        added: row.added,
        version: row.version,
      });
    }
    return files;
  };

  const serveFile = async (
    request: Request,
    sha256: string,
    name: string,
    head: boolean,
  ): Promise<Response> => {
    const wantsMetadata = name.endsWith(".metadata");
    const filename = wantsMetadata ? name.slice(0, -".metadata".length) : name;
    // Found by sha256 in the index; the name must be the stored one (no request part is a path).
    const stored = await cache.find(sha256);
    if (stored === undefined || stored.filename !== filename) return text(404, "Not Found");
    if (wantsMetadata) {
      const meta = await memo.get(sha256, stored.path, stored.filename, stored.size);
      if (meta.metadata === null) return text(404, "Not Found");
      return new Response(head ? null : meta.metadata.slice(), {
        headers: {
          "content-type": "text/plain; charset=utf-8",
          "content-length": String(meta.metadata.length),
          etag: `"${meta.metadataSha256}"`,
        },
      });
    }
    const headers: Record<string, string> = {
      "content-type": "application/octet-stream",
      etag: `"${sha256}"`,
      "cache-control": "max-age=31536000, immutable",
      "accept-ranges": "none",
    };
    if (matches(request, `"${sha256}"`)) return new Response(null, { status: 304, headers });
    headers["content-length"] = String(stored.size);
    if (head) return new Response(null, { headers });
    const file = await Deno.open(stored.path);
    return new Response(file.readable, { headers });
  };

  return async (request: Request): Promise<Response> => {
    const head = request.method === "HEAD";
    if (request.method !== "GET" && !head) {
      return text(405, "Method Not Allowed", { allow: "GET, HEAD" });
    }
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/" || path === "/simple") return redirect(`/simple/${url.search}`);
    const file = FILE_PATH.exec(path);
    if (file !== null) {
      let name: string;
      try {
        name = decodeURIComponent(file[2]!);
      } catch {
        return text(404, "Not Found");
      }
      return await serveFile(request, file[1]!, name, head);
    }
    if (!path.startsWith("/simple/")) return text(404, "Not Found");
    const type = negotiate(request.headers.get("accept"), url.searchParams.get("format"));
    if (type === null) {
      return text(
        406,
        "Not Acceptable: this index serves text/html, " +
          "application/vnd.pypi.simple.v1+html and application/vnd.pypi.simple.v1+json",
        {
          vary: "Accept",
        },
      );
    }
    const projects = await view.projects();
    if (path === "/simple/") {
      const names = [...projects.keys()].sort();
      const count = [...projects.values()].reduce((n, rows) => n + rows.length, 0);
      return await page(
        request,
        type,
        type === SIMPLE_JSON ? rootJson(names, { version, artifacts: count }) : rootHtml(names),
        head,
      );
    }
    const m = /^\/simple\/([^/]+)(\/?)$/.exec(path);
    if (m === null) return text(404, "Not Found");
    let raw: string;
    try {
      raw = decodeURIComponent(m[1]!);
    } catch {
      return text(404, "Not Found");
    }
    const name = normalizeName(raw);
    // PEP 503: other spellings redirect to the normalized URL (and the slash is added).
    if (raw !== name || m[2] === "") {
      if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) return text(404, "Not Found");
      return redirect(`/simple/${name}/${url.search}`);
    }
    const rows = projects.get(name);
    if (rows === undefined) return text(404, `Not Found: no project ${name} in this cache`);
    const files = await projectFiles(rows);
    if (files.length === 0) return text(404, `Not Found: no project ${name} in this cache`);
    return await page(
      request,
      type,
      type === SIMPLE_JSON ? projectJson(name, files) : projectHtml(name, files),
      head,
    );
  };
}

/**
 * Serves `cache` as a package index on `hostname:port` until {@linkcode CacheServer.close}.
 * Requires `--allow-net` and read access to the cache.
 * @throws {UsageError} (exit 2) when the address cannot be bound (in use, not an address here).
 */
export function serveCache(cache: PackageCache, options: ServeCacheOptions = {}): CacheServer {
  const hostname = options.hostname ?? "127.0.0.1";
  const slots = new Slots(options.maxConcurrency ?? 32, options.maxQueue ?? 512);
  const handle = cacheHandler(cache, options);
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: hostname.replace(/^\[(.*)\]$/, "$1"),
      port: options.port ?? 0,
      onListen() {},
      onError(error) {
        options.onError?.(error);
        return text(500, "Internal Server Error");
      },
    }, async (request) => {
      const started = performance.now();
      const log = (status: number) => {
        const url = new URL(request.url);
        options.onRequest?.({
          method: request.method,
          path: url.pathname + url.search,
          status,
          ms: Math.round(performance.now() - started),
        });
      };
      if (!(await slots.acquire())) {
        log(503);
        return text(503, "Service Unavailable: too many requests", { "retry-after": "1" });
      }
      let response: Response;
      try {
        response = await handle(request);
      } catch (error) {
        slots.release();
        options.onError?.(error);
        log(500);
        return text(500, "Internal Server Error");
      }
      log(response.status);
      if (response.body === null) {
        slots.release();
        return response;
      }
      // A streamed file holds its slot until it is sent, the client goes away, or it stalls.
      let released = false;
      let idle: ReturnType<typeof setTimeout> | undefined;
      const release = () => {
        clearTimeout(idle);
        if (!released) {
          released = true;
          slots.release();
        }
      };
      const reader = response.body.getReader();
      const idleMs = options.idleTimeoutMs ?? 60_000;
      const arm = (controller: ReadableStreamDefaultController<Uint8Array>) => {
        clearTimeout(idle);
        idle = setTimeout(() => {
          release();
          controller.error(new Error("the client took no data"));
          reader.cancel().catch(() => {});
        }, idleMs);
      };
      const body = new ReadableStream<Uint8Array>({
        start: arm,
        async pull(controller) {
          arm(controller);
          try {
            const { done, value } = await reader.read();
            if (done) {
              controller.close();
              release();
            } else controller.enqueue(value);
          } catch (error) {
            release();
            controller.error(error);
          }
        },
        async cancel(reason) {
          release();
          await reader.cancel(reason).catch(() => {});
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new UsageError(`Cannot serve on ${hostname}:${options.port}: the port is in use`, {
        cause: error,
        hint: "Pick another port with --port, or --port 0 for a free one",
      });
    }
    if (error instanceof Deno.errors.AddrNotAvailable || error instanceof Deno.errors.NotFound) {
      throw new UsageError(`Cannot serve on ${hostname}: not an address of this machine`, {
        cause: error,
        hint: "Use --host 127.0.0.1 (the default), or an address this machine has",
      });
    }
    throw new NetworkError(`Cannot serve on ${hostname}:${options.port ?? 0}: ${String(error)}`, {
      cause: error,
    });
  }
  const addr = server.addr;
  const shown = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    hostname: addr.hostname,
    port: addr.port,
    url: `http://${shown}:${addr.port}/simple/`,
    finished: server.finished,
    close: () => server.shutdown(),
  };
}
