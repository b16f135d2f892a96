/**
 * The index client: finds a project's files on the configured indexes and find-links locations,
 * and reads a file's core metadata with as little transfer as possible.
 *
 * - Pages: PEP 691 JSON first, PEP 503 HTML otherwise; `file://` indexes read from disk.
 * - Precedence: indexes are asked in order (primary, then extras) and the **first index that
 *   has the project wins**; later indexes are not merged in, so a public index cannot shadow a
 *   private one (dependency confusion). Find-links files are always added.
 * - Cache: pages are kept under `cache/simple-v1` with their ETag/Last-Modified and
 *   Cache-Control `max-age`; a fresh page sends no request, a stale one is revalidated
 *   (304 keeps it); `refresh` revalidates everything once per client.
 * - Metadata: PEP 658/714 `.metadata` file, else an HTTP range request of the wheel's central
 *   directory, else the download; cached under `cache/metadata-v1`, keyed by the file's sha256.
 *
 * @module
 */
import { NetworkError, PackageNotFoundError } from "../errors/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";
import { normalizeName } from "../names/mod.ts";
import {
  bytesSource,
  type CoreMetadata,
  MAX_METADATA_BYTES,
  parseCoreMetadata,
  type RangeSource,
  readWheelMetadata,
} from "../metadata/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { HttpClient, redactUrl } from "./http_client.ts";
import { type IndexFile, parseHtmlPage, parseJsonPage, SIMPLE_ACCEPT } from "./simple_page.ts";
import { readSdistPkgInfo } from "./sdist_metadata.ts";

/** Where a project's files came from. */
export interface ProjectFiles {
  /** PEP 503 normalized name. */
  name: string;
  /** The index URL that had the project (credentials removed), or null when only find-links did. */
  index: string | null;
  /** Files, index files first, then find-links files. */
  files: IndexFile[];
}

/** Options for {@linkcode IndexClient}. */
export interface IndexClientOptions {
  /** Index URLs in precedence order (primary first). Empty with `findLinks` = `--no-index`. */
  indexes: string[];
  /** Find-links directories or page URLs. @default [] */
  findLinks?: string[];
  /** gestvenv's cache directory (`<home>/cache`). */
  cacheDir: string;
  /** The HTTP client. @default new HttpClient() */
  http?: HttpClient;
  /** Revalidate cached pages even when fresh (`--refresh`). @default false */
  refresh?: boolean;
  /** Freshness when an index sends no `max-age`, in seconds. @default 0 (always revalidate) */
  defaultMaxAge?: number;
  /**
   * Builds the metadata of an sdist whose dependencies are dynamic (PEP 643), given the path of
   * the downloaded archive; without it such sdists cannot be used.
   */
  buildMetadata?: ((path: string) => Promise<string>) | undefined;
}

interface CachedPage {
  url: string;
  etag: string | null;
  lastModified: string | null;
  storedAt: number;
  maxAge: number;
  /** null = the index does not have the project (404, cached like a page). */
  files: IndexFile[] | null;
}

const encoder = new TextEncoder();

async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function maxAgeOf(headers: Headers, fallback: number): number {
  const cc = headers.get("cache-control") ?? "";
  if (/no-store|no-cache/i.test(cc)) return 0;
  const m = /max-age=(\d+)/i.exec(cc);
  return m === null ? fallback : Number(m[1]);
}

function filePath(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}

/** A package index client. Requires `--allow-net` and `--allow-read`/`--allow-write` on the cache. */
export class IndexClient {
  readonly http: HttpClient;
  readonly #indexes: string[];
  readonly #findLinks: string[];
  readonly #cacheDir: string;
  readonly #refresh: boolean;
  readonly #defaultMaxAge: number;
  readonly #buildMetadata: ((path: string) => Promise<string>) | undefined;
  readonly #projects = new Map<string, Promise<ProjectFiles | null>>();
  readonly #metadata = new Map<string, Promise<CoreMetadata>>();
  readonly #findLinksFiles = new Map<string, Promise<IndexFile[]>>();

  constructor(options: IndexClientOptions) {
    this.#indexes = options.indexes.map((u) => u.replace(/\/+$/, ""));
    this.#findLinks = options.findLinks ?? [];
    this.#cacheDir = options.cacheDir;
    this.http = options.http ?? new HttpClient();
    this.#refresh = options.refresh ?? false;
    this.#defaultMaxAge = options.defaultMaxAge ?? 0;
    this.#buildMetadata = options.buildMetadata;
  }

  /** The indexes in precedence order, credentials removed. */
  get indexes(): string[] {
    return this.#indexes.map(redactUrl);
  }

  /**
   * The files of project `name`: those of the first index that has it, plus find-links files.
   * Resolves to null when no source has the project. Concurrent calls share one lookup.
   * @throws {NetworkError} when an index cannot be reached.
   */
  projectFiles(name: string): Promise<ProjectFiles | null> {
    const key = normalizeName(name);
    let pending = this.#projects.get(key);
    if (pending === undefined) {
      pending = this.#lookup(key);
      this.#projects.set(key, pending);
    }
    return pending;
  }

  async #lookup(name: string): Promise<ProjectFiles | null> {
    const linked = (await Promise.all(this.#findLinks.map((l) => this.#findLinksListing(l))))
      .flat()
      .filter((f) => fileProject(f.filename, name));
    for (const index of this.#indexes) {
      const files = await this.#indexPage(index, name);
      if (files !== null) return { name, index: redactUrl(index), files: [...files, ...linked] };
    }
    return linked.length > 0 ? { name, index: null, files: linked } : null;
  }

  #findLinksListing(location: string): Promise<IndexFile[]> {
    let pending = this.#findLinksFiles.get(location);
    if (pending === undefined) {
      pending = this.#readFindLinks(location);
      this.#findLinksFiles.set(location, pending);
    }
    return pending;
  }

  async #readFindLinks(location: string): Promise<IndexFile[]> {
    const isDir = !/^[a-z]+:\/\//i.test(location) || location.startsWith("file://");
    if (isDir) {
      const dir = location.startsWith("file://") ? filePath(location) : location;
      const files: IndexFile[] = [];
      try {
        for await (const entry of Deno.readDir(dir)) {
          if (!entry.isFile) continue;
          files.push({
            filename: entry.name,
            url: "file://" + join(dir, entry.name).split("/").map(encodeURIComponent).join("/"),
            sha256: null,
            requiresPython: null,
            yanked: null,
            coreMetadata: false,
            size: null,
            uploadTime: null,
          });
        }
      } catch {
        // A missing find-links directory contributes nothing, as with pip.
      }
      return files;
    }
    const response = await this.http.request(location, { headers: { accept: "text/html" } });
    return parseHtmlPage(new TextDecoder().decode(response.body), response.url);
  }

  async #indexPage(index: string, name: string): Promise<IndexFile[] | null> {
    const pageUrl = `${index}/${name}/`;
    if (pageUrl.startsWith("file://")) {
      const dir = filePath(pageUrl);
      for (const file of ["index.json", "index.html"]) {
        try {
          const text = await Deno.readTextFile(join(dir, file));
          return file.endsWith(".json")
            ? parseJsonPage(text, pageUrl)
            : parseHtmlPage(text, pageUrl);
        } catch {
          // Try the next form; a missing directory means "not on this index".
        }
      }
      return null;
    }
    const cachePath = join(
      this.#cacheDir,
      "simple-v1",
      (await sha256Hex(redactUrl(index))).slice(0, 16),
      `${name}.json`,
    );
    let cached: CachedPage | undefined;
    try {
      cached = JSON.parse(await Deno.readTextFile(cachePath)) as CachedPage;
    } catch {
      cached = undefined;
    }
    const now = Date.now();
    if (cached !== undefined) {
      const fresh = now - cached.storedAt < cached.maxAge * 1000;
      if ((fresh && !this.#refresh) || this.http.offline) return cached.files;
    }
    const headers: Record<string, string> = { accept: SIMPLE_ACCEPT };
    if (cached?.etag) headers["if-none-match"] = cached.etag;
    if (cached?.lastModified) headers["if-modified-since"] = cached.lastModified;
    let response;
    try {
      response = await this.http.request(pageUrl, { headers, accept: [404, 410] });
    } catch (error) {
      if (error instanceof PackageNotFoundError) return null;
      throw error;
    }
    let files: IndexFile[] | null;
    if (response.status === 304 && cached !== undefined) files = cached.files;
    else if (response.status === 404 || response.status === 410) files = null;
    else {
      const text = new TextDecoder().decode(response.body);
      const type = response.headers.get("content-type") ?? "";
      files = type.includes("json")
        ? parseJsonPage(text, response.url)
        : parseHtmlPage(text, response.url);
    }
    const entry: CachedPage = {
      url: redactUrl(pageUrl),
      etag: response.headers.get("etag") ?? cached?.etag ?? null,
      lastModified: response.headers.get("last-modified") ?? cached?.lastModified ?? null,
      storedAt: now,
      maxAge: maxAgeOf(response.headers, this.#defaultMaxAge),
      files,
    };
    await atomicWriteFile(cachePath, JSON.stringify(entry));
    return files;
  }

  /**
   * The core metadata of one file (PEP 658 `.metadata`, else a range request, else the
   * download; sdists only when their metadata is static, PEP 643).
   * @throws {NetworkError} on transfer failures or a metadata hash mismatch.
   * @throws {PackageNotFoundError} when an sdist's dependencies are dynamic.
   */
  metadata(file: IndexFile): Promise<CoreMetadata> {
    let pending = this.#metadata.get(file.url);
    if (pending === undefined) {
      pending = this.#readMetadata(file);
      this.#metadata.set(file.url, pending);
    }
    return pending;
  }

  async #readMetadata(file: IndexFile): Promise<CoreMetadata> {
    const key = file.sha256 ?? await sha256Hex(redactUrl(file.url));
    const cachePath = join(this.#cacheDir, "metadata-v1", key.slice(0, 2), `${key}.METADATA`);
    const source = `${file.filename} METADATA`;
    try {
      return parseCoreMetadata(await Deno.readTextFile(cachePath), source);
    } catch {
      // Not cached yet.
    }
    const text = await this.#fetchMetadata(file);
    const metadata = parseCoreMetadata(text, source);
    await atomicWriteFile(cachePath, text);
    return metadata;
  }

  async #fetchMetadata(file: IndexFile): Promise<string> {
    const decoder = new TextDecoder();
    const isWheel = file.filename.endsWith(".whl");
    if (file.url.startsWith("file://")) {
      const bytes = await Deno.readFile(filePath(file.url));
      return await this.#metadataFromBytes(file, bytes);
    }
    if (isWheel && file.coreMetadata !== false) {
      const response = await this.http.request(`${file.url}.metadata`, {
        maxBytes: MAX_METADATA_BYTES,
      });
      if (
        typeof file.coreMetadata === "string" &&
        await sha256Hex(response.body) !== file.coreMetadata
      ) {
        throw new NetworkError(
          `The metadata of ${file.filename} does not match its sha256 from the index`,
        );
      }
      return decoder.decode(response.body);
    }
    if (isWheel) {
      // Range request for the last 16 KiB: the central directory, usually all we need.
      const tail = await this.http.request(file.url, {
        headers: { range: "bytes=-16384", "accept-encoding": "identity" },
      });
      if (tail.status === 206) {
        const total = Number(/\/(\d+)$/.exec(tail.headers.get("content-range") ?? "")?.[1]);
        if (total > 0) {
          const tailStart = total - tail.body.length;
          const remote: RangeSource = {
            size: total,
            read: async (offset, length) => {
              if (offset >= tailStart) {
                return tail.body.subarray(offset - tailStart, offset - tailStart + length);
              }
              const r = await this.http.request(file.url, {
                headers: {
                  range: `bytes=${offset}-${offset + length - 1}`,
                  "accept-encoding": "identity",
                },
              });
              return r.status === 206 ? r.body : r.body.subarray(offset, offset + length);
            },
          };
          return await readWheelMetadata(remote, file.filename, 16384);
        }
      }
      return await this.#metadataFromBytes(
        file,
        tail.status === 200 ? tail.body : (await this.http.request(file.url)).body,
      );
    }
    return await this.#metadataFromBytes(file, (await this.http.request(file.url)).body);
  }

  async #metadataFromBytes(file: IndexFile, bytes: Uint8Array): Promise<string> {
    if (file.sha256 !== null && await sha256Hex(bytes) !== file.sha256) {
      throw new NetworkError(`${file.filename} does not match its sha256 from the index`, {
        hint: "The download was corrupted or the index changed the file; try again with --refresh",
      });
    }
    if (file.filename.endsWith(".whl")) {
      return await readWheelMetadata(bytesSource(bytes), file.filename);
    }
    const pkgInfo = await readSdistPkgInfo(file.filename, bytes);
    if (pkgInfo !== null) {
      const metadata = parseCoreMetadata(pkgInfo, `${file.filename} PKG-INFO`);
      const version = Number(metadata.metadataVersion);
      if (version >= 2.2 && !metadata.dynamic.includes("requires-dist")) return pkgInfo;
    }
    if (this.#buildMetadata !== undefined) {
      const dir = await Deno.makeTempDir({ prefix: "gestvenv-sdist-" });
      try {
        const path = join(dir, file.filename);
        await Deno.writeFile(path, bytes);
        return await this.#buildMetadata(path);
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    }
    throw new PackageNotFoundError(
      `${file.filename} is a source distribution whose dependencies are only known after a build`,
      { hint: "Its metadata is dynamic (PEP 643); use a version that has a wheel" },
    );
  }
}

/** Whether a file name belongs to project `name` (a wheel or sdist of it). */
export function fileProject(filename: string, name: string): boolean {
  const wheel = tryParseWheelFilename(filename);
  if (wheel !== null) return wheel.name === name;
  return tryParseSdistFilename(filename, name) !== null;
}
