/**
 * The index client: finds a project's files on the configured indexes and find-links locations,
 * and reads a file's core metadata with as little transfer as possible.
 *
 * - Pages: PEP 691 JSON first, PEP 503 HTML otherwise; `file://` indexes read from disk. An
 *   answer that is neither (garbage, a proxy's error page served as 200) is a `NetworkError`
 *   naming the URL, never "no such project".
 * - Precedence: indexes are asked in order (primary, then extras) and the **first index that
 *   has the project wins**; later indexes are not merged in, so a public index cannot shadow a
 *   private one (dependency confusion). Find-links files are always added.
 * - Page cache (`cache/simple-v1`): each project page is a sealed entry (`cache_entry.ts`: format
 *   version and sha256 of its content) holding its ETag/Last-Modified, Cache-Control `max-age`
 *   and the files in compact lines (`project_page.ts`). A fresh page sends no request, a stale one
 *   is revalidated (304 keeps it). An entry that fails its checksum is absent: never trusted,
 *   never the base of a conditional request. `refresh` fetches every page once per client
 *   **unconditionally** (no If-None-Match/If-Modified-Since), so a 304 can never keep a bad
 *   page; a 304 to an unconditional request is an error.
 * - Memory: the client keeps no page once it has been handed out; a page asked for again in the
 *   same run is read back from the cache without a request.
 * - Metadata: PEP 658/714 `.metadata` file (at most `MAX_METADATA_BYTES`), else an HTTP range
 *   request of the wheel's central directory, else the download; cached as sealed entries under
 *   `cache/metadata-v1` (the header part only, not the long description), keyed by the file's
 *   sha256. sdists: static `PKG-INFO` (PEP 643), else a build (at most one per core at a time);
 *   a failed build is remembered per sdist sha256 and build interpreter
 *   (`cache/sdist-build-failures-v1`) and not retried before `refresh`.
 *
 * @module
 */
import {
  BackendError,
  BuildError,
  DistributionError,
  NetworkError,
  PackageNotFoundError,
} from "../errors/mod.ts";
import { join } from "../paths/mod.ts";
import { withSpan } from "../events/mod.ts";
import { normalizeName } from "../names/mod.ts";
import {
  type CoreMetadata,
  decodeMetadata,
  MAX_METADATA_BYTES,
  metadataHeader,
  parseCoreMetadata,
  readWheelMetadata,
} from "../metadata/mod.ts";
import { bytesSource, fileSource, type RangeSource } from "../zip/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { HttpClient, redactUrl } from "./http_client.ts";
import { type IndexFile, parseHtmlPage, parseJsonPage, SIMPLE_ACCEPT } from "./simple_page.ts";
import { SimplePageParser } from "./page_parser.ts";
import { readSdistPkgInfo } from "./sdist_metadata.ts";
import {
  entryIntact,
  type EntryKind,
  entryPlaceholder,
  readEntry,
  readEntryStart,
  readUncheckedEntry,
  sealInPlace,
  sha256Hex,
  writeEntry,
} from "./cache_entry.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { ByteBuilder, decodeFiles, encodeFiles, LinesWriter, ProjectPage } from "./project_page.ts";

/** Where a project's files came from. */
export interface ProjectFiles {
  /** PEP 503 normalized name. */
  name: string;
  /** The index URL that had the project (credentials removed), or null when only find-links did. */
  index: string | null;
  /** Files, index files first, then find-links files. */
  files: IndexFile[];
}

/**
 * Builds the metadata of sdists whose dependencies are dynamic (PEP 643).
 */
export interface SdistMetadataBuilder {
  /**
   * Builds METADATA text from the sdist archive at `path` whose sha256 (hex) is `sha256`.
   * @throws {BackendError | BuildError | DistributionError} on failure (remembered per sdist).
   */
  build(path: string, sha256: string): Promise<string>;
  /**
   * Identifies the build environment (e.g. the interpreter's path and version): a failed build
   * is remembered per sdist sha256 and this key.
   */
  id: string;
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
  /**
   * Fetch every page again, unconditionally, and retry failed sdist builds (`--refresh`).
   * @default false
   */
  refresh?: boolean;
  /** Freshness when an index sends no `max-age`, in seconds. @default 0 (always revalidate) */
  defaultMaxAge?: number;
  /** Builds the metadata of sdists with dynamic dependencies; without it they cannot be used. */
  buildMetadata?: SdistMetadataBuilder | undefined;
  /** sdist metadata builds at a time (they are CPU-bound processes). @default the core count */
  buildConcurrency?: number;
  /**
   * Project pages fetched at a time. Pages are the large answers (a few MB for projects with
   * thousands of files): a bound keeps the bodies waiting to be parsed from piling up in memory.
   * @default 12
   */
  pageConcurrency?: number;
  /**
   * Offline mode's files (`--offline`): the distribution files of a project the package cache
   * holds (each with `sha256` and `localPath`). When given, no page is fetched: a project's files
   * are these, the files of `file://` indexes and local find-links, and cached pages of the other
   * indexes (stale or not) add only what they say about the same files (`requires-python`, yanks).
   * The HTTP client should be offline too.
   */
  localFiles?: ((name: string) => Promise<IndexFile[]>) | undefined;
  /**
   * Hybrid mode (`cache.fallback_to_online`): a cached page is used whatever its age, and only a
   * project with no cached page is fetched. @default false
   */
  preferCachedPages?: boolean;
}

/** The page cache entry's first payload line (JSON); the file lines follow. */
interface PageMeta {
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** ms since the epoch. */
  storedAt: number;
  /** seconds. */
  maxAge: number;
  /** The index does not have the project (404, cached like a page). */
  missing: boolean;
}

const PAGE_ENTRY: EntryKind = { name: "gestvenv-simple-page", version: 2 };
const METADATA_ENTRY: EntryKind = { name: "gestvenv-metadata", version: 2 };
const BUILD_FAILURE_ENTRY: EntryKind = { name: "gestvenv-sdist-build-failure", version: 1 };

/** A page cache entry whose meta line was read; its files are checked only when needed. */
interface CachedPage {
  /** Not trusted before `lines()` answered non-null (see below). */
  meta: PageMeta;
  /** The file lines once the whole entry matched its sha256, else null (treat as absent). */
  lines(): Promise<Uint8Array | null>;
}

async function readCachedPage(path: string): Promise<CachedPage | undefined> {
  // The meta line first: a stale entry without validators is never read whole.
  const start = await readEntryStart(PAGE_ENTRY, path);
  const newline = start?.indexOf(10) ?? -1;
  if (start === null || newline < 0) return undefined;
  let meta: PageMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(start.subarray(0, newline))) as PageMeta;
  } catch {
    return undefined;
  }
  if (typeof meta.storedAt !== "number" || typeof meta.maxAge !== "number") return undefined;
  return {
    meta,
    async lines() {
      const entry = await readUncheckedEntry(PAGE_ENTRY, path);
      if (entry === null || !(await entryIntact(entry))) return null;
      const nl = entry.payload.indexOf(10);
      if (nl !== newline) return null; // Changed since the meta line was read.
      return entry.payload.subarray(nl + 1);
    },
  };
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
  /** The HTTP client every request of this index client goes through (its `requestCount` counts them). */
  readonly http: HttpClient;
  readonly #indexes: string[];
  readonly #findLinks: string[];
  readonly #cacheDir: string;
  readonly #refresh: boolean;
  readonly #defaultMaxAge: number;
  readonly #builder: SdistMetadataBuilder | undefined;
  readonly #buildSlots: number;
  #builds = 0;
  readonly #buildQueue: (() => void)[] = [];
  readonly #pageSlots: number;
  #pages = 0;
  readonly #pageQueue: (() => void)[] = [];
  /** Lookups in flight (dropped once settled, so pages are not kept alive). */
  readonly #pending = new Map<string, Promise<ProjectPage | null>>();
  /** Page cache entries fetched or revalidated by this client: read back without a request. */
  readonly #validated = new Set<string>();
  readonly #metadata = new Map<string, Promise<CoreMetadata>>();
  readonly #findLinksFiles = new Map<string, Promise<IndexFile[]>>();
  readonly #localFiles: ((name: string) => Promise<IndexFile[]>) | undefined;
  readonly #preferCachedPages: boolean;

  /**
   * Creates a client over the given indexes; nothing is fetched before the first lookup.
   *
   * @param options Index URLs, find-links, cache directory and freshness rules.
   */
  constructor(options: IndexClientOptions) {
    this.#indexes = options.indexes.map((u) => u.replace(/\/+$/, ""));
    this.#findLinks = options.findLinks ?? [];
    this.#cacheDir = options.cacheDir;
    this.http = options.http ?? new HttpClient();
    this.#refresh = options.refresh ?? false;
    this.#defaultMaxAge = options.defaultMaxAge ?? 0;
    this.#builder = options.buildMetadata;
    this.#localFiles = options.localFiles;
    this.#preferCachedPages = options.preferCachedPages ?? false;
    this.#pageSlots = Math.max(1, options.pageConcurrency ?? 12);
    this.#buildSlots = Math.max(
      1,
      options.buildConcurrency ?? navigator.hardwareConcurrency ?? 2,
    );
  }

  /** The indexes in precedence order, credentials removed. */
  get indexes(): string[] {
    return this.#indexes.map(redactUrl);
  }

  /** The find-links locations, credentials removed. */
  get findLinks(): string[] {
    return this.#findLinks.map(redactUrl);
  }

  /**
   * The files of project `name`: those of the first index that has it, plus find-links files,
   * decoded lazily (see {@linkcode ProjectPage}). Resolves to null when no source has the
   * project. Concurrent calls share one lookup; a later call in the same run reads the page
   * back from the cache, without a request.
   * @throws {NetworkError} when an index cannot be reached, times out, or answers garbage.
   */
  projectPage(name: string): Promise<ProjectPage | null> {
    const key = normalizeName(name);
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#lookup(key).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /**
   * The files of project `name` as one array (see {@linkcode projectPage}).
   * @throws {NetworkError} when an index cannot be reached, times out, or answers garbage.
   */
  async projectFiles(name: string): Promise<ProjectFiles | null> {
    const page = await this.projectPage(name);
    return page === null ? null : { name: page.name, index: page.index, files: [...page.files()] };
  }

  async #lookup(name: string): Promise<ProjectPage | null> {
    // Offline, find-links pages on the network are not read (directories and file:// are).
    const locations = this.#localFiles === undefined
      ? this.#findLinks
      : this.#findLinks.filter((l) => !/^https?:\/\//i.test(l));
    const linked = (await Promise.all(locations.map((l) => this.#findLinksListing(l))))
      .flat()
      .filter((f) => fileProject(f.filename, name));
    if (this.#localFiles !== undefined) return await this.#offlineLookup(name, linked);
    for (const index of this.#indexes) {
      const lines = await this.#indexPage(index, name);
      if (lines !== null) return new ProjectPage(name, redactUrl(index), lines, linked);
    }
    return linked.length > 0 ? new ProjectPage(name, null, new Uint8Array(), linked) : null;
  }

  /**
   * Offline: the cache's files of `name`, described by the cached pages of the indexes where
   * they have them, then `file://` indexes' and find-links' files. Nothing is fetched.
   */
  async #offlineLookup(name: string, linked: IndexFile[]): Promise<ProjectPage | null> {
    const cached = new Map<string, IndexFile>();
    for (const file of await this.#localFiles!(name)) {
      if (file.sha256 !== null) cached.set(file.sha256, file);
    }
    const files: IndexFile[] = [];
    let from: string | null = null;
    for (const index of this.#indexes) {
      let lines: Uint8Array | null = null;
      if (index.startsWith("file://")) lines = await this.#indexPage(index, name);
      else {
        const page = await readCachedPage(await this.#pageCachePath(index, name));
        if (page !== undefined && !page.meta.missing) lines = await page.lines();
      }
      if (lines === null) continue;
      from ??= redactUrl(index);
      for (const file of decodeFiles(lines)) {
        if (index.startsWith("file://")) files.push(file);
        else if (file.sha256 !== null && cached.has(file.sha256)) {
          files.push({ ...file, localPath: cached.get(file.sha256)!.localPath! });
          cached.delete(file.sha256);
        }
      }
    }
    files.push(...cached.values(), ...linked);
    return files.length > 0 ? new ProjectPage(name, from, new Uint8Array(), files) : null;
  }

  /** Where the page of `name` on `index` is cached. */
  async #pageCachePath(index: string, name: string): Promise<string> {
    return join(
      this.#cacheDir,
      "simple-v1",
      (await sha256Hex(redactUrl(index))).slice(0, 16),
      `${name}.json`,
    );
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
          // A local file's sha256 is known before it is "fetched": it is read here, so the lock
          // carries it and the installer verifies the file against it (as for an index's files).
          const distribution = /\.(whl|tar\.gz|zip)$/i.test(entry.name);
          const bytes = distribution
            ? await Deno.readFile(join(dir, entry.name)).catch(() => null)
            : null;
          files.push({
            filename: entry.name,
            url: "file://" + join(dir, entry.name).split("/").map(encodeURIComponent).join("/"),
            sha256: bytes === null ? null : await sha256Hex(bytes),
            requiresPython: null,
            yanked: null,
            coreMetadata: false,
            size: bytes === null ? null : bytes.length,
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

  /** The file lines (UTF-8) of `name` on `index`, or null when the index does not have it. */
  async #indexPage(index: string, name: string): Promise<Uint8Array | null> {
    const pageUrl = `${index}/${name}/`;
    if (pageUrl.startsWith("file://")) {
      const dir = filePath(pageUrl);
      for (const file of ["index.json", "index.html"]) {
        let text: string;
        try {
          text = await Deno.readTextFile(join(dir, file));
        } catch {
          continue; // Try the next form; a missing directory means "not on this index".
        }
        return encodeFiles(
          file.endsWith(".json") ? parseJsonPage(text, pageUrl) : parseHtmlPage(text, pageUrl),
        );
      }
      return null;
    }
    const cachePath = await this.#pageCachePath(index, name);
    const cached = await readCachedPage(cachePath);
    // The entry is used, or trusted as a conditional request's base, only once it is checked.
    let base: { meta: PageMeta; lines: Uint8Array } | undefined;
    if (cached !== undefined) {
      const fresh = Date.now() - cached.meta.storedAt < cached.meta.maxAge * 1000;
      const use = this.#validated.has(cachePath) || this.http.offline ||
        this.#preferCachedPages || (fresh && !this.#refresh);
      const revalidate = !this.#refresh &&
        (cached.meta.etag !== null || cached.meta.lastModified !== null);
      if (use || revalidate) {
        const lines = await cached.lines();
        if (lines !== null) {
          if (use) return cached.meta.missing ? null : lines;
          base = { meta: cached.meta, lines };
        }
      }
    }
    const headers: Record<string, string> = { accept: SIMPLE_ACCEPT };
    if (base?.meta.etag) headers["if-none-match"] = base.meta.etag;
    if (base?.meta.lastModified) headers["if-modified-since"] = base.meta.lastModified;
    const conditional = headers["if-none-match"] !== undefined ||
      headers["if-modified-since"] !== undefined;
    const metaOf = (headers: Headers, missing: boolean): PageMeta => ({
      url: redactUrl(pageUrl),
      etag: headers.get("etag") ?? base?.meta.etag ?? null,
      lastModified: headers.get("last-modified") ?? base?.meta.lastModified ?? null,
      storedAt: Date.now(),
      maxAge: maxAgeOf(headers, this.#defaultMaxAge),
      missing,
    });
    // The entry is built in one byte buffer as the body arrives: placeholder first line, meta
    // line, then one line per file as soon as the parser has it.
    const start = (meta: PageMeta) => {
      const builder = new ByteBuilder();
      builder.text(entryPlaceholder(PAGE_ENTRY));
      builder.text(`${JSON.stringify(meta)}\n`);
      return builder;
    };
    let out: ByteBuilder | undefined;
    let parser: SimplePageParser | undefined;
    let response;
    try {
      response = await this.#pageSlot(() =>
        this.http.request(pageUrl, {
          headers,
          accept: [404, 410],
          sink: (answer) => {
            const builder = out = start(metaOf(answer.headers, false));
            const lines = new LinesWriter(builder);
            parser = new SimplePageParser(
              answer.headers.get("content-type"),
              redactUrl(answer.url || pageUrl),
              (file) => lines.add(file),
            );
            return parser;
          },
        })
      );
    } catch (error) {
      if (error instanceof PackageNotFoundError) return null;
      throw error;
    }
    let missing = false;
    if (response.status === 304) {
      if (!conditional || base === undefined) {
        throw new NetworkError(
          `${redactUrl(pageUrl)} answered 304 Not Modified to a request that was not conditional`,
          { hint: "The index (or a proxy in front of it) is misbehaving; try again later" },
        );
      }
      missing = base.meta.missing;
      out = start(metaOf(response.headers, missing));
      out.bytes(base.lines);
    } else if (response.status === 404 || response.status === 410) {
      missing = true;
      out = start(metaOf(response.headers, true));
    } else parser!.end();
    const entry = out!.view();
    await sealInPlace(PAGE_ENTRY, entry);
    await atomicWriteFile(cachePath, entry);
    this.#validated.add(cachePath);
    if (missing) return null;
    const head = entryPlaceholder(PAGE_ENTRY).length;
    return entry.subarray(entry.indexOf(10, head) + 1);
  }

  /** Runs one page request when fewer than `pageConcurrency` are in flight. */
  async #pageSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#pages >= this.#pageSlots) await new Promise<void>((r) => this.#pageQueue.push(r));
    else this.#pages++;
    try {
      return await fn();
    } finally {
      const next = this.#pageQueue.shift();
      if (next !== undefined) next();
      else this.#pages--;
    }
  }

  /**
   * The core metadata of one file (PEP 658 `.metadata`, else a range request, else the
   * download; sdists from a static PKG-INFO (PEP 643), else built).
   * @throws {NetworkError} on transfer failures or a metadata hash mismatch.
   * @throws {DistributionError} when the file or its METADATA is corrupt or too large.
   * @throws {PackageNotFoundError} when an sdist's dependencies are dynamic and nothing builds.
   * @throws {BackendError} when building an sdist's metadata fails (now or, cached, before).
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
    const cached = await readEntry(METADATA_ENTRY, cachePath);
    if (cached !== null) {
      try {
        return parseCoreMetadata(cached, source);
      } catch {
        // An entry that passes its checksum but does not parse was written wrong: fetch again.
      }
    }
    // Only the header is kept: the long description is often most of the file and never used.
    const text = metadataHeader(
      await withSpan(this.http.events, "metadata", file.filename, () => this.#fetchMetadata(file)),
    );
    const metadata = parseCoreMetadata(text, source);
    await writeEntry(METADATA_ENTRY, cachePath, text);
    return metadata;
  }

  async #fetchMetadata(file: IndexFile): Promise<string> {
    const isWheel = file.filename.endsWith(".whl");
    if (file.localPath !== undefined && isWheel) {
      // A cached wheel: only its central directory and METADATA are read.
      using handle = await Deno.open(file.localPath);
      return await readWheelMetadata(await fileSource(handle, file.filename), file.filename);
    }
    if (file.localPath !== undefined) {
      return await this.#metadataFromBytes(file, await Deno.readFile(file.localPath));
    }
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
          { hint: "The index serves inconsistent files; try again with --refresh" },
        );
      }
      return decodeMetadata(response.body, file.filename);
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
    const sha256 = await sha256Hex(bytes);
    if (file.sha256 !== null && sha256 !== file.sha256) {
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
    if (this.#builder !== undefined) return await this.#build(file, bytes, sha256);
    throw new PackageNotFoundError(
      `${file.filename} is a source distribution whose dependencies are only known after a build`,
      { hint: "Its metadata is dynamic (PEP 643); use a version that has a wheel" },
    );
  }

  /** Builds an sdist's metadata, one per core at a time; failures are remembered. */
  async #build(file: IndexFile, bytes: Uint8Array, sha256: string): Promise<string> {
    const builder = this.#builder!;
    const failurePath = join(
      this.#cacheDir,
      "sdist-build-failures-v1",
      sha256.slice(0, 2),
      `${sha256}-${(await sha256Hex(builder.id)).slice(0, 16)}.json`,
    );
    if (!this.#refresh) {
      const failure = await readEntry(BUILD_FAILURE_ENTRY, failurePath);
      if (failure !== null) {
        const { message, details, at } = JSON.parse(failure) as {
          message: string;
          details?: string;
          at: string;
        };
        throw new BackendError(`${message} (remembered from ${at})`, {
          details,
          hint: "Fix what made the build fail, then run again with --refresh to retry it",
        });
      }
    }
    if (this.#builds >= this.#buildSlots) await new Promise<void>((r) => this.#buildQueue.push(r));
    else this.#builds++;
    const dir = await Deno.makeTempDir({ prefix: "gestvenv-sdist-" });
    try {
      const path = join(dir, file.filename);
      await Deno.writeFile(path, bytes);
      return await builder.build(path, sha256);
    } catch (error) {
      if (
        error instanceof BackendError || error instanceof BuildError ||
        error instanceof DistributionError
      ) {
        const record = {
          message: error.message,
          details: error.details,
          at: new Date().toISOString(),
          interpreter: builder.id,
        };
        await writeEntry(BUILD_FAILURE_ENTRY, failurePath, JSON.stringify(record)).catch(() => {});
      }
      throw error;
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      const next = this.#buildQueue.shift();
      if (next !== undefined) next();
      else this.#builds--;
    }
  }
}

/** Whether a file name belongs to project `name` (a wheel or sdist of it). */
export function fileProject(filename: string, name: string): boolean {
  const wheel = tryParseWheelFilename(filename);
  if (wheel !== null) return wheel.name === name;
  return tryParseSdistFilename(filename, name) !== null;
}
