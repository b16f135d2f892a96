/**
 * A package index on 127.0.0.1 that misbehaves on demand, for testing what users meet when an
 * index is down, broken or hostile. It speaks raw HTTP/1.1 over TCP (one request per connection,
 * `Connection: close`), so it can do what a well-behaved server library cannot: reset a
 * connection, stop a body halfway, accept and never answer.
 *
 * Behind it runs a normal local index (`tests/helpers/local_index.ts`, same wheels and options):
 * requests that are not told to misbehave are passed through to it unchanged.
 *
 * ```ts
 * await using index = serveBadIndex([buildWheel({ name: "demo", version: "1.0" })]);
 * index.misbehave({ status: 503 }, { times: 2 });            // two 503s, then normal answers
 * index.misbehave("hang", { path: /\.whl$/ });                // wheel downloads never answer
 * index.misbehave({ status: 429, retryAfter: 1 }, { path: "/simple/demo/" });
 * // ... run the client on index.url ...
 * assertEquals(index.count("/simple/demo/"), 3);
 * ```
 *
 * Behaviours ({@linkcode Misbehavior}):
 * - `"ok"`: pass through to the normal index.
 * - `{ status, retryAfter?, body? }`: answer that status (e.g. 500, 503, 429 with `Retry-After`).
 * - `"reset"`: read the request, then close the connection without a byte of answer.
 * - `"hang"`: accept and read the request, then never answer; the connection is closed after
 *   `hangMs` (default 10 s) or when the index is closed, whichever comes first.
 * - `"truncate"`: the normal answer's headers (with the full `Content-Length`), half of its body,
 *   then close: a body that stops halfway.
 * - `"stall"`: the normal answer's headers and half of its body, then silence (as `"hang"`):
 *   a read timeout must fire.
 * - `{ garbage: contentType }` or `"garbage"`: 200 with 2 KiB of random bytes (not UTF-8, not
 *   HTML, not JSON) under that `Content-Type` (default `text/html`).
 * - `{ contentType }`: the normal answer under another `Content-Type`.
 * - `"wrong-hashes"`: the normal answer with every sha256 in it replaced by another one: a page
 *   whose hashes do not match its files (and PEP 658 hashes that do not match `.metadata`).
 * - `"no-range"`: the normal answer as a server without range requests gives it (the whole file,
 *   200, whatever `Range` asked).
 *
 * Rules are tried newest first; a rule applies to requests whose path matches its `path` and
 * that pass its `when` test; with `times` it stops after that many requests; a request no rule
 * matches is passed through. With `etags: true`, passed-through 200 answers carry an `ETag`. `requests` lists every request's path, in order,
 * including those that were reset or left hanging, so a test can prove what was (not) asked.
 *
 * @module
 */
import type { BuiltWheel } from "./build_wheel.ts";
import { serveIndex, type ServeOptions } from "./local_index.ts";

/** What the index does with a request; see the module documentation. */
export type Misbehavior =
  | "ok"
  | "reset"
  | "hang"
  | "truncate"
  | "stall"
  | "garbage"
  | "wrong-hashes"
  | "no-range"
  | { status: number; retryAfter?: number; body?: string }
  | { garbage: string }
  | { contentType: string };

/** One request as the index received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Headers;
}

/** Which requests a rule applies to. */
export interface MisbehaveOptions {
  /** A path (exact, e.g. `/simple/demo/`) or a pattern tested against the path. @default all */
  path?: string | RegExp;
  /** A further condition on the request (e.g. it carries `If-None-Match`). @default none */
  when?: (request: ReceivedRequest) => boolean;
  /** How many matching requests the rule applies to. @default every one */
  times?: number;
}

/** Options for {@linkcode serveBadIndex}: the local index's, plus the hanging limit. */
export interface BadIndexOptions extends ServeOptions {
  /** How long a `"hang"` or `"stall"` connection is held open at most, in ms. @default 10000 */
  hangMs?: number;
  /**
   * Add an `ETag` (a hash of the body as sent) to every 200 answer that is passed through, as a
   * real index does, so clients revalidate with `If-None-Match`. @default false
   */
  etags?: boolean;
}

/** A running misbehaving index. */
export interface BadIndex {
  /** The simple API root, e.g. `http://127.0.0.1:41234/simple`. */
  url: string;
  /** The `host:port` it listens on. */
  host: string;
  /** Paths requested so far, in order (every request, whatever was done with it). */
  requests: string[];
  /** The same requests with their method and headers. */
  received: ReceivedRequest[];
  /** Requests whose path equals `path` (or matches it); all requests without one. */
  count(path?: string | RegExp): number;
  /** Adds a rule; the newest matching rule wins. */
  misbehave(behavior: Misbehavior, options?: MisbehaveOptions): void;
  /** Drops every rule: the index behaves normally again. */
  behave(): void;
  /** Stops the server, closing every connection still open. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface Rule {
  behavior: Misbehavior;
  path: string | RegExp | undefined;
  when: ((request: ReceivedRequest) => boolean) | undefined;
  left: number;
}

const encoder = new TextEncoder();
const REASONS: Record<number, string> = {
  200: "OK",
  206: "Partial Content",
  304: "Not Modified",
  404: "Not Found",
  408: "Request Timeout",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function matches(path: string, pattern: string | RegExp | undefined): boolean {
  return pattern === undefined ||
    (typeof pattern === "string" ? path === pattern : pattern.test(path));
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

function head(status: number, headers: [string, string][], length: number): Uint8Array {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}`];
  for (const [k, v] of headers) lines.push(`${k}: ${v}`);
  lines.push(`content-length: ${length}`, "connection: close", "", "");
  return encoder.encode(lines.join("\r\n"));
}

/** Reads the request head; null when the client went away first. */
async function readRequest(conn: Deno.Conn): Promise<ReceivedRequest | null> {
  const buf = new Uint8Array(65536);
  let used = 0;
  for (;;) {
    const n = await conn.read(buf.subarray(used));
    if (n === null) return null;
    used += n;
    const text = new TextDecoder().decode(buf.subarray(0, used));
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const [requestLine, ...lines] = text.slice(0, end).split("\r\n");
      const [method = "GET", target = "/"] = requestLine!.split(" ");
      const headers = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      return { method, path: new URL(target, "http://x").pathname, headers };
    }
    if (used === buf.length) return null;
  }
}

function otherHash(hex: string): string {
  return [...hex].reverse().join("") === hex
    ? "0".repeat(64)
    : [...hex].map((c) => ((parseInt(c, 16) + 1) % 16).toString(16)).join("");
}

/** Serves `wheels` as a package index that misbehaves on demand (see the module docs). */
export function serveBadIndex(wheels: BuiltWheel[], options: BadIndexOptions = {}): BadIndex {
  const { hangMs = 10_000, etags = false, ...serveOptions } = options;
  const upstream = serveIndex(wheels, serveOptions);
  const upstreamRoot = upstream.url.replace(/\/simple$/, "");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const requests: string[] = [];
  const received: ReceivedRequest[] = [];
  let rules: Rule[] = [];
  const open = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  const hangs = new Set<() => void>();
  let closed = false;

  const hang = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, hangMs);
      function done() {
        clearTimeout(timer);
        hangs.delete(done);
        resolve();
      }
      hangs.add(done);
    });

  const pick = (request: ReceivedRequest): Misbehavior => {
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]!;
      if (
        rule.left > 0 && matches(request.path, rule.path) &&
        (rule.when === undefined || rule.when(request))
      ) {
        rule.left--;
        return rule.behavior;
      }
    }
    return "ok";
  };

  const forward = async (method: string, path: string, headers: Headers, range: boolean) => {
    const pass: Record<string, string> = {};
    for (
      const name of ["accept", "if-none-match", "if-modified-since", ...(range ? ["range"] : [])]
    ) {
      const value = headers.get(name);
      if (value !== null) pass[name] = value;
    }
    const response = await fetch(`${upstreamRoot}${path}`, { method, headers: pass });
    const body = new Uint8Array(await response.arrayBuffer());
    const kept: [string, string][] = [];
    for (
      const name of ["content-type", "content-range", "cache-control", "etag", "last-modified"]
    ) {
      const value = response.headers.get(name);
      if (value !== null) kept.push([name, value]);
    }
    return { status: response.status, headers: kept, body };
  };

  const handle = async (conn: Deno.Conn) => {
    try {
      const request = await readRequest(conn);
      if (request === null) return;
      requests.push(request.path);
      received.push(request);
      const behavior = pick(request);
      if (behavior === "reset") return;
      if (behavior === "hang") return await hang();
      if (typeof behavior === "object" && "status" in behavior) {
        const empty = behavior.status === 304 || behavior.status === 204;
        const body = empty
          ? new Uint8Array()
          : encoder.encode(behavior.body ?? `${behavior.status} from the bad index\n`);
        const headers: [string, string][] = [["content-type", "text/plain"]];
        if (behavior.retryAfter !== undefined) {
          headers.push(["retry-after", String(behavior.retryAfter)]);
        }
        await writeAll(conn, head(behavior.status, headers, body.length));
        if (request.method !== "HEAD") await writeAll(conn, body);
        return;
      }
      if (behavior === "garbage" || (typeof behavior === "object" && "garbage" in behavior)) {
        const body = crypto.getRandomValues(new Uint8Array(2048));
        body[0] = 0xff; // never valid UTF-8, never `<` or `{`
        const type = behavior === "garbage" ? "text/html" : behavior.garbage;
        await writeAll(conn, head(200, [["content-type", type]], body.length));
        await writeAll(conn, body);
        return;
      }
      const answer = await forward(
        request.method,
        request.path,
        request.headers,
        behavior !== "no-range",
      );
      let body = answer.body;
      let headers = answer.headers;
      if (typeof behavior === "object" && "contentType" in behavior) {
        headers = [...headers.filter(([k]) => k !== "content-type"), [
          "content-type",
          behavior.contentType,
        ]];
      } else if (behavior === "wrong-hashes") {
        body = encoder.encode(
          new TextDecoder().decode(body).replace(/\b[0-9a-f]{64}\b/g, otherHash),
        );
      }
      if (etags && answer.status === 200) {
        const digest = await crypto.subtle.digest("SHA-256", body.slice());
        const tag = Array.from(new Uint8Array(digest).subarray(0, 8), (b) => b.toString(16)).join(
          "",
        );
        headers = [...headers.filter(([k]) => k !== "etag"), ["etag", `"${tag}"`]];
      }
      await writeAll(conn, head(answer.status, headers, body.length));
      if (behavior === "truncate" || behavior === "stall") {
        await writeAll(conn, body.subarray(0, Math.floor(body.length / 2)));
        if (behavior === "stall") await hang();
        return;
      }
      if (request.method !== "HEAD") await writeAll(conn, body);
    } catch {
      // The client went away (it timed out, or the test closed the index): nothing to do.
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  };

  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        if (closed) {
          conn.close();
          break;
        }
        open.add(conn);
        const task = handle(conn).finally(() => tasks.delete(task));
        tasks.add(task);
      }
    } catch {
      // The listener was closed.
    }
  })();

  const close = async () => {
    if (closed) return;
    closed = true;
    listener.close();
    for (const done of [...hangs]) done();
    await accepting;
    await Promise.all([...tasks]);
    await upstream.close();
  };

  return {
    url: `http://127.0.0.1:${port}/simple`,
    host: `127.0.0.1:${port}`,
    requests,
    received,
    count: (path) => requests.filter((p) => matches(p, path)).length,
    misbehave(behavior, { path, when, times = Infinity } = {}) {
      rules.push({ behavior, path, when, left: times });
    },
    behave() {
      rules = [];
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
