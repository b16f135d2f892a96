/**
 * A "simple" package index served on 127.0.0.1 from in-memory wheels, for hermetic tests.
 * `/simple/` lists projects; `/simple/<name>/` lists files as PEP 503 HTML, or PEP 691 JSON when
 * asked for it (`json: true` and a JSON `Accept`), with sha256 hashes, `requires-python`,
 * yanked marks (PEP 592) and, with `metadata: true`, PEP 658 `.metadata` files. `/files/<file>`
 * serves the bytes and honours HTTP range requests (so range-based metadata reads can be
 * tested). Every request path is recorded.
 *
 * @module
 */
import type { BuiltWheel } from "./build_wheel.ts";
import { normalizeName } from "../../lib/names/mod.ts";

/** A running local index. */
export interface LocalIndex {
  /** The simple API root, e.g. `http://127.0.0.1:41234/simple`. */
  url: string;
  /** Paths requested so far (for assertions). */
  requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** How the index presents its files. */
export interface ServeOptions {
  /** `requires-python` per file name. @default {} */
  requiresPython?: Record<string, string>;
  /** Yank reason per file name (`""` for no reason). @default {} */
  yanked?: Record<string, string>;
  /** Answer PEP 691 JSON when the client accepts it. @default false */
  json?: boolean;
  /** Serve PEP 658 `.metadata` files and announce them. @default false */
  metadata?: boolean;
  /** `Cache-Control` header of project pages, if any. */
  cacheControl?: string;
  /** Other files (sdists) by name. @default {} */
  extraFiles?: Record<string, Uint8Array>;
  /**
   * PEP 740 provenance objects by file name: announced (JSON `provenance`, HTML
   * `data-provenance`) and served at `/provenance/<file>`. @default {}
   */
  provenance?: Record<string, unknown>;
}

const escape = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll(
    '"',
    "&quot;",
  );

function metadataOf(wheel: BuiltWheel): Uint8Array | undefined {
  return wheel.metadata === undefined ? undefined : new TextEncoder().encode(wheel.metadata);
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Serves `wheels` as a package index on a free port of 127.0.0.1. */
export function serveIndex(
  wheels: BuiltWheel[],
  options: ServeOptions | Record<string, string> = {},
): LocalIndex {
  const opts: ServeOptions = "json" in options || "metadata" in options || "yanked" in options ||
      "requiresPython" in options || "cacheControl" in options || "extraFiles" in options ||
      "provenance" in options
    ? options as ServeOptions
    : { requiresPython: options as Record<string, string> };
  const requiresPython = opts.requiresPython ?? {};
  const yanked = opts.yanked ?? {};
  const provenance = opts.provenance ?? {};
  const entries: {
    name: string;
    filename: string;
    bytes: Uint8Array;
    sha256: string;
    wheel?: BuiltWheel;
  }[] = [
    ...wheels.map((w) => ({
      name: normalizeName(w.name),
      filename: w.filename,
      bytes: w.bytes,
      sha256: w.sha256,
      wheel: w,
    })),
  ];
  const extra = Object.entries(opts.extraFiles ?? {});
  const ready = Promise.all(extra.map(async ([filename, bytes]) => {
    const name = normalizeName(filename.replace(/-[^-]+\.(tar\.gz|zip)$/, ""));
    entries.push({ name, filename, bytes, sha256: await sha256(bytes) });
  }));
  const requests: string[] = [];
  const html = (body: string, headers: Record<string, string> = {}) =>
    new Response(`<!DOCTYPE html><html><body>\n${body}\n</body></html>\n`, {
      headers: { "content-type": "text/html", ...headers },
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await ready;
    const path = new URL(req.url).pathname;
    requests.push(path);
    const projects = [...new Set(entries.map((e) => e.name))];
    if (path === "/simple/" || path === "/simple") {
      return html(projects.map((p) => `<a href="/simple/${p}/">${p}</a>`).join("\n"));
    }
    const project = path.match(/^\/simple\/([^/]+)\/?$/);
    if (project !== null) {
      const list = entries.filter((e) => e.name === normalizeName(project[1]!));
      if (list.length === 0) return new Response("not found", { status: 404 });
      const headers: Record<string, string> = opts.cacheControl === undefined
        ? {}
        : { "cache-control": opts.cacheControl };
      const meta = (e: (typeof list)[number]) =>
        opts.metadata === true && e.wheel !== undefined && e.wheel.metadata !== undefined;
      if (
        opts.json === true &&
        (req.headers.get("accept") ?? "").includes("application/vnd.pypi.simple.v1+json")
      ) {
        const files = await Promise.all(list.map(async (e) => ({
          filename: e.filename,
          url: `/files/${e.filename}`,
          hashes: { sha256: e.sha256 },
          "requires-python": requiresPython[e.filename] ?? null,
          yanked: e.filename in yanked ? (yanked[e.filename] || true) : false,
          "core-metadata": meta(e) ? { sha256: await sha256(metadataOf(e.wheel!)!) } : false,
          size: e.bytes.length,
          ...(e.filename in provenance ? { provenance: `/provenance/${e.filename}` } : {}),
        })));
        return new Response(
          JSON.stringify({ meta: { "api-version": "1.1" }, name: project[1], files }),
          {
            headers: { "content-type": "application/vnd.pypi.simple.v1+json", ...headers },
          },
        );
      }
      return html(
        list.map((e) => {
          const rp = requiresPython[e.filename];
          let attrs = rp === undefined ? "" : ` data-requires-python="${escape(rp)}"`;
          if (e.filename in yanked) attrs += ` data-yanked="${escape(yanked[e.filename]!)}"`;
          if (meta(e)) attrs += ` data-core-metadata="true"`;
          if (e.filename in provenance) attrs += ` data-provenance="/provenance/${e.filename}"`;
          return `<a href="/files/${e.filename}#sha256=${e.sha256}"${attrs}>${e.filename}</a>`;
        }).join("\n"),
        headers,
      );
    }
    const attested = path.match(/^\/provenance\/(.+)$/);
    if (attested !== null) {
      const wanted = decodeURIComponent(attested[1]!);
      if (!(wanted in provenance)) return new Response("not found", { status: 404 });
      return new Response(JSON.stringify(provenance[wanted]), {
        headers: { "content-type": "application/json" },
      });
    }
    const file = path.match(/^\/files\/(.+)$/);
    if (file !== null) {
      const wanted = decodeURIComponent(file[1]!);
      if (wanted.endsWith(".metadata")) {
        const e = entries.find((x) => x.filename === wanted.slice(0, -".metadata".length));
        const bytes = e?.wheel === undefined ? undefined : metadataOf(e.wheel);
        if (bytes !== undefined && opts.metadata === true) return new Response(bytes.slice());
        return new Response("not found", { status: 404 });
      }
      const e = entries.find((x) => x.filename === wanted);
      if (e !== undefined) {
        const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.get("range") ?? "");
        if (range !== null) {
          const size = e.bytes.length;
          const start = range[1] === "" ? Math.max(0, size - Number(range[2])) : Number(range[1]);
          const end = range[1] === "" || range[2] === ""
            ? size - 1
            : Math.min(size - 1, Number(range[2]));
          return new Response(e.bytes.slice(start, end + 1), {
            status: 206,
            headers: {
              "content-range": `bytes ${start}-${end}/${size}`,
              "content-type": "application/octet-stream",
            },
          });
        }
        return new Response(e.bytes.slice(), {
          headers: { "content-type": "application/octet-stream" },
        });
      }
    }
    return new Response("not found", { status: 404 });
  });
  const addr = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${addr.port}/simple`,
    requests,
    close: () => server.shutdown(),
  };
}
