/**
 * A PEP 503 "simple" package index served on 127.0.0.1 from in-memory wheels, for hermetic tests.
 * `/simple/` lists projects, `/simple/<name>/` lists files with `#sha256=` fragments (and
 * `data-requires-python`), `/files/<file>` serves the bytes.
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

const escape = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll(
    '"',
    "&quot;",
  );

/** Serves `wheels` as a PEP 503 index on a free port of 127.0.0.1. */
export function serveIndex(
  wheels: BuiltWheel[],
  requiresPython: Record<string, string> = {},
): LocalIndex {
  const byProject = new Map<string, BuiltWheel[]>();
  for (const wheel of wheels) {
    const key = normalizeName(wheel.name);
    byProject.set(key, [...(byProject.get(key) ?? []), wheel]);
  }
  const files = new Map(wheels.map((w) => [w.filename, w]));
  const requests: string[] = [];
  const html = (body: string) =>
    new Response(`<!DOCTYPE html><html><body>\n${body}\n</body></html>\n`, {
      headers: { "content-type": "text/html" },
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    requests.push(path);
    if (path === "/simple/" || path === "/simple") {
      return html([...byProject.keys()].map((p) => `<a href="/simple/${p}/">${p}</a>`).join("\n"));
    }
    const project = path.match(/^\/simple\/([^/]+)\/?$/);
    if (project !== null) {
      const list = byProject.get(normalizeName(project[1]!));
      if (list === undefined) return new Response("not found", { status: 404 });
      return html(
        list.map((w) => {
          const rp = requiresPython[w.filename];
          const attr = rp === undefined ? "" : ` data-requires-python="${escape(rp)}"`;
          return `<a href="/files/${w.filename}#sha256=${w.sha256}"${attr}>${w.filename}</a>`;
        }).join("\n"),
      );
    }
    const file = path.match(/^\/files\/(.+)$/);
    if (file !== null) {
      const wheel = files.get(decodeURIComponent(file[1]!));
      if (wheel !== undefined) {
        return new Response(wheel.bytes.slice(), {
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
