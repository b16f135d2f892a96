/**
 * A package index on 127.0.0.1 serving the wheels of one directory, for benchmarks: PEP 503 HTML
 * or PEP 691 JSON (whichever the client prefers), `sha256` hashes, `requires-python` and PEP
 * 658/714 `.metadata` files read from each wheel, and PyPI's cache headers (project pages
 * `max-age=600`, files immutable, an `ETag` on everything and `304 Not Modified` for a matching
 * `If-None-Match`), so clients cache what they would cache against PyPI. Files are streamed from
 * disk. Every request is counted.
 *
 * (`tests/helpers/local_index.ts` serves in-memory test wheels; this one serves real downloads.)
 *
 * @module
 */
import { unzipSync } from "fflate";
import { join } from "node:path";

/** A running directory index. */
export interface DirectoryIndex {
  /** The simple API root, e.g. `http://127.0.0.1:41234/simple`. */
  url: string;
  /** Requests answered so far (pages, metadata and files). */
  requests(): number;
  /** Stops the server. */
  close(): Promise<void>;
}

interface Entry {
  filename: string;
  sha256: string;
  size: number;
  requiresPython?: string;
  metadata: Uint8Array;
  metadataSha256: string;
}

const PAGE_CACHE = "max-age=600, public";
const FILE_CACHE = "max-age=365000000, immutable, public";
const JSON_TYPE = "application/vnd.pypi.simple.v1+json";

/** PEP 503 normalized project name. */
export function normalize(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const escapeHtml = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll(
    '"',
    "&quot;",
  );

/** The `METADATA` file of a wheel (`*.dist-info/METADATA` at the archive's top). */
function wheelMetadata(filename: string, bytes: Uint8Array): Uint8Array {
  const files = unzipSync(bytes, {
    filter: (f) => /^[^/]+\.dist-info\/METADATA$/.test(f.name),
  });
  const found = Object.values(files);
  if (found.length !== 1) throw new Error(`${filename}: expected one .dist-info/METADATA`);
  return found[0]!;
}

function jsonPage(name: string, entries: readonly Entry[]): string {
  return JSON.stringify({
    meta: { "api-version": "1.1" },
    name,
    versions: [...new Set(entries.map((e) => e.filename.split("-")[1]!))],
    files: entries.map((e) => ({
      filename: e.filename,
      url: `/files/${e.filename}`,
      hashes: { sha256: e.sha256 },
      size: e.size,
      "core-metadata": { sha256: e.metadataSha256 },
      "data-dist-info-metadata": { sha256: e.metadataSha256 },
      ...(e.requiresPython === undefined ? {} : { "requires-python": e.requiresPython }),
    })),
  });
}

function htmlPage(name: string, entries: readonly Entry[]): string {
  const links = entries.map((e) => {
    const rp = e.requiresPython === undefined
      ? ""
      : ` data-requires-python="${escapeHtml(e.requiresPython)}"`;
    const md = ` data-core-metadata="sha256=${e.metadataSha256}"` +
      ` data-dist-info-metadata="sha256=${e.metadataSha256}"`;
    return `<a href="/files/${e.filename}#sha256=${e.sha256}"${rp}${md}>${e.filename}</a>`;
  });
  return `<!DOCTYPE html>\n<html><body>\n<h1>Links for ${name}</h1>\n${
    links.join("<br/>\n")
  }\n</body></html>\n`;
}

/**
 * Serves every `*.whl` of `dir` on a free port of 127.0.0.1, grouped by the project name of the
 * file name (binary distribution format: `{name}-{version}-...whl`).
 *
 * @throws {Error} When a wheel has no single `.dist-info/METADATA`.
 */
export async function serveDirectory(dir: string): Promise<DirectoryIndex> {
  const projects = new Map<string, Entry[]>();
  for await (const item of Deno.readDir(dir)) {
    if (!item.isFile || !item.name.endsWith(".whl")) continue;
    const bytes = await Deno.readFile(join(dir, item.name));
    const metadata = wheelMetadata(item.name, bytes);
    const requiresPython = new TextDecoder().decode(metadata).split(/\r?\n\r?\n/, 1)[0]!
      .match(/^Requires-Python:\s*(.+?)\s*$/im)?.[1];
    const entry: Entry = {
      filename: item.name,
      sha256: await sha256(bytes),
      size: bytes.length,
      metadata,
      metadataSha256: await sha256(metadata),
      ...(requiresPython === undefined ? {} : { requiresPython }),
    };
    const project = normalize(item.name.split("-")[0]!);
    projects.set(project, [...(projects.get(project) ?? []), entry]);
  }
  const byFile = new Map<string, Entry>();
  for (const entries of projects.values()) for (const e of entries) byFile.set(e.filename, e);

  /** A response, or 304 when the client already has this ETag. */
  const reply = (
    request: Request,
    etag: string,
    body: () => BodyInit,
    headers: Record<string, string>,
  ): Response => {
    const all: Record<string, string> = { ...headers, etag: `"${etag}"` };
    if (request.headers.get("if-none-match") === `"${etag}"`) {
      const { "content-length": _, ...rest } = all;
      return new Response(null, { status: 304, headers: rest });
    }
    return new Response(body(), { headers: all });
  };

  const serverId = crypto.randomUUID().slice(0, 8);
  let count = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      count++;
      const path = decodeURIComponent(new URL(request.url).pathname);
      const wantsJson = (request.headers.get("accept") ?? "").includes(JSON_TYPE);
      // Pages never change while the server runs: their ETag is the server's id and the page.
      const pageTag = (name: string) => `${serverId}-${name}-${wantsJson ? "json" : "html"}`;
      const pageHeaders = {
        "content-type": wantsJson ? JSON_TYPE : "text/html",
        "cache-control": PAGE_CACHE,
      };
      if (path === "/simple/" || path === "/simple") {
        const names = [...projects.keys()].sort();
        return reply(request, pageTag(""), () =>
          wantsJson
            ? JSON.stringify({
              meta: { "api-version": "1.1" },
              projects: names.map((name) => ({ name })),
            })
            : `<!DOCTYPE html>\n<html><body>\n${
              names.map((n) => `<a href="/simple/${n}/">${n}</a>`).join("\n")
            }\n</body></html>\n`, pageHeaders);
      }
      const page = path.match(/^\/simple\/([^/]+)\/?$/);
      if (page !== null) {
        const name = normalize(page[1]!);
        const entries = projects.get(name);
        if (entries === undefined) return new Response("not found", { status: 404 });
        if (!path.endsWith("/")) return Response.redirect(new URL(`${path}/`, request.url), 301);
        return reply(
          request,
          pageTag(name),
          () => wantsJson ? jsonPage(name, entries) : htmlPage(name, entries),
          pageHeaders,
        );
      }
      const file = path.match(/^\/files\/([^/]+?)(\.metadata)?$/);
      const entry = file === null ? undefined : byFile.get(file[1]!);
      if (file === null || entry === undefined) return new Response("not found", { status: 404 });
      if (file[2] !== undefined) {
        return reply(request, entry.metadataSha256, () => entry.metadata.slice(), {
          "content-type": "text/plain",
          "cache-control": FILE_CACHE,
        });
      }
      const handle = request.headers.get("if-none-match") === `"${entry.sha256}"`
        ? undefined
        : await Deno.open(join(dir, entry.filename));
      return reply(request, entry.sha256, () => handle!.readable, {
        "content-type": "application/octet-stream",
        "content-length": String(entry.size),
        "cache-control": FILE_CACHE,
      });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/simple`,
    requests: () => count,
    close: () => server.shutdown(),
  };
}
