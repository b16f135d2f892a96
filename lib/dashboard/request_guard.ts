/**
 * The dashboard's checks of every request (issue 13 §1 "Security"): the `Host` header against the
 * bound address (no DNS rebinding), the `Origin` of every state-changing request (no cross-site
 * requests), the token (cookie or `Authorization: token T`) on the API, and `--read-only`.
 *
 * @module
 */
import { sameToken } from "./token.ts";

/** Name of the cookie that carries the token after the first visit. */
export const TOKEN_COOKIE = "gestvenv_dashboard_token";

/** What the guard needs to know about the server. */
export interface GuardOptions {
  /** The token printed with the URL. */
  token: string;
  /** `Host` header values accepted (lowercase `host:port`), see {@linkcode allowedHosts}. */
  hosts: ReadonlySet<string>;
  /** `--read-only`: every non-GET API request is refused. */
  readOnly: boolean;
}

/** Why a request was refused (HTTP 403): a stable code and a message for people. */
export interface Refusal {
  /** `bad_host`, `cross_origin`, `no_token`, `bad_token` or `read_only`. */
  code: "bad_host" | "cross_origin" | "no_token" | "bad_token" | "read_only";
  /** What was wrong (never the token). */
  message: string;
  /** What to do next. */
  hint: string;
}

/**
 * The `Host` values a server bound to `host:port` answers to: the bound address itself, and
 * `localhost`, `127.0.0.1` and `[::1]` with the same port. IPv6 addresses are bracketed.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const bracket = (h: string) => h.includes(":") && !h.startsWith("[") ? `[${h}]` : h;
  return new Set(
    [host, "localhost", "127.0.0.1", "::1"].map((h) => `${bracket(h).toLowerCase()}:${port}`),
  );
}

/** Whether `method` only reads (GET and HEAD). */
export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/** The value of cookie `name` in a `Cookie` header, or undefined. */
export function cookieValue(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token of an `Authorization: token T` (or `Bearer T`) header, or undefined. */
export function authorizationToken(header: string | null): string | undefined {
  const match = header === null ? null : /^\s*(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Checks the headers every request must pass: the `Host` (always), the `Origin` (requests that
 * are not GET/HEAD: the server's own origin, or no `Origin` with an `Authorization` header, as
 * scripts send), then for `/api/` and `/metrics` the token (cookie or header) and `--read-only`.
 *
 * @returns Undefined when the request may go on, else why it is refused (answer 403).
 */
export function checkRequest(request: Request, options: GuardOptions): Refusal | undefined {
  const host = request.headers.get("host")?.toLowerCase();
  if (host === undefined || !options.hosts.has(host)) {
    return {
      code: "bad_host",
      message: `The Host header ${
        host === undefined ? "is missing" : `\`${host}\` is not this dashboard's address`
      } (DNS rebinding protection)`,
      hint: `Open the dashboard as http://${[...options.hosts][0]}/ or http://localhost:PORT/`,
    };
  }
  const authorization = request.headers.get("authorization");
  if (!isSafeMethod(request.method)) {
    const origin = request.headers.get("origin");
    const own = origin !== null && [...options.hosts].some((h) => origin === `http://${h}`);
    if (!(own || (origin === null && authorization !== null))) {
      return {
        code: "cross_origin",
        message: origin === null
          ? `A ${request.method} request without an Origin header needs an Authorization header`
          : `A ${request.method} request from another origin (${origin}) is refused`,
        hint: "Use the dashboard's own page, or send `Authorization: token TOKEN` from a script",
      };
    }
  }
  const path = new URL(request.url).pathname;
  if (!path.startsWith("/api/") && path !== "/metrics") return undefined;
  const fromHeader = authorizationToken(authorization);
  const given = fromHeader ?? cookieValue(request.headers.get("cookie"), TOKEN_COOKIE);
  if (given === undefined) {
    return {
      code: "no_token",
      message: "This request carries no dashboard token",
      hint: "Open the URL `gestvenv dashboard serve` printed (it ends in ?token=…), or send " +
        "`Authorization: token TOKEN`",
    };
  }
  if (!sameToken(given, options.token)) {
    return {
      code: "bad_token",
      message: "The dashboard token of this request is wrong (an older server's?)",
      hint: "Open the URL the running `gestvenv dashboard serve` printed",
    };
  }
  if (options.readOnly && path.startsWith("/api/") && !isSafeMethod(request.method)) {
    return {
      code: "read_only",
      message: "The dashboard runs with --read-only: nothing can be changed from it",
      hint: "Restart it without --read-only to run actions, or use the command line",
    };
  }
  return undefined;
}
