/**
 * A local OSV API on 127.0.0.1 for hermetic audit tests: `POST /v1/querybatch` answers, for each
 * query, the ids and `modified` times of the records that name the queried PyPI package (by PEP
 * 503 name; version matching is left to the client, which must match again anyway), `pageSize`
 * at a time with `next_page_token`s; `GET /v1/vulns/{id}` serves the record. It can misbehave on
 * demand: `error` answers 500 to everything, `hang` accepts and never answers (until closed),
 * `garbage` answers 200 with a body that is not JSON. Every request is recorded.
 *
 * @module
 */
import { normalizeName } from "../../lib/names/mod.ts";

/** How the server behaves. */
export type OsvMode = "ok" | "error" | "hang" | "garbage";

/** A running local OSV API. */
export interface OsvServer {
  /** The base URL (`http://127.0.0.1:PORT`), for `audit.osv_url`. */
  url: string;
  /** `METHOD path` of each request so far. */
  requests: string[];
  /** The records served (the test may change them). */
  records: Array<Record<string, unknown>>;
  /** Changes how it behaves from now on. */
  setMode(mode: OsvMode): void;
  /** Stops the server (hanging requests are released). */
  close(): Promise<void>;
}

/** Options of {@linkcode serveOsv}. */
export interface OsvServerOptions {
  /** Ids per querybatch result before a `next_page_token`. @default 1000 */
  pageSize?: number;
  /** The starting mode. @default "ok" */
  mode?: OsvMode;
}

function namesOf(record: Record<string, unknown>): string[] {
  const affected = Array.isArray(record.affected) ? record.affected : [];
  return affected.flatMap((a: { package?: { ecosystem?: string; name?: string } }) =>
    a.package?.ecosystem === "PyPI" && typeof a.package.name === "string"
      ? [normalizeName(a.package.name)]
      : []
  );
}

/** Serves `records` as an OSV API on a free port of 127.0.0.1. */
export function serveOsv(
  records: Array<Record<string, unknown>>,
  options: OsvServerOptions = {},
): OsvServer {
  const pageSize = options.pageSize ?? 1000;
  let mode: OsvMode = options.mode ?? "ok";
  const requests: string[] = [];
  const state = { records };
  const hanging = new AbortController();
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    requests.push(`${req.method} ${url.pathname}`);
    if (mode === "hang") {
      await new Promise((resolve) => hanging.signal.addEventListener("abort", resolve));
      return new Response("closed", { status: 503 });
    }
    if (mode === "error") return new Response("internal error", { status: 500 });
    if (mode === "garbage") return new Response("<html>not an API</html>", { status: 200 });
    if (req.method === "POST" && url.pathname === "/v1/querybatch") {
      const body = await req.json() as {
        queries: Array<{ package: { name: string; ecosystem: string }; page_token?: string }>;
      };
      const results = body.queries.map((q) => {
        if (q.package.ecosystem !== "PyPI") return {};
        const key = normalizeName(q.package.name);
        const matching = state.records.filter((r) => namesOf(r).includes(key));
        const start = q.page_token === undefined ? 0 : Number(q.page_token);
        const page = matching.slice(start, start + pageSize);
        if (page.length === 0) return {};
        return {
          vulns: page.map((r) => ({ id: r.id, modified: r.modified ?? "2024-01-01T00:00:00Z" })),
          ...(start + pageSize < matching.length
            ? { next_page_token: String(start + pageSize) }
            : {}),
        };
      });
      return json({ results });
    }
    const vuln = /^\/v1\/vulns\/(.+)$/.exec(url.pathname);
    if (req.method === "GET" && vuln !== null) {
      const id = decodeURIComponent(vuln[1]!);
      const record = state.records.find((r) => r.id === id);
      if (record === undefined) return json({ code: 5, message: "Bug not found." }, 404);
      return json({ modified: "2024-01-01T00:00:00Z", ...record });
    }
    return json({ code: 5, message: "Not Found" }, 404);
  });
  const { port } = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get records() {
      return state.records;
    },
    set records(value) {
      state.records = value;
    },
    setMode(next) {
      mode = next;
    },
    async close() {
      hanging.abort();
      await server.shutdown();
    },
  };
}
