/**
 * The dashboard's checks of every request (issue 13 §1 "Security"): the `Host` header against the
 * bound address (no DNS rebinding), the `Origin` of every state-changing request (no cross-site
 * requests), the token (cookie or `Authorization: token T`) on the API, and `--read-only`.
 *
 * @module
 */
import { sameToken } from "./token.ts";

/** Start of the name of the cookie that carries the token after the first visit. */
export const TOKEN_COOKIE = "gestvenv_dashboard_token";

/**
 * The token cookie's name for a dashboard on `port` (`gestvenv_dashboard_token_8080`). Cookies are
 * not tied to a port (RFC 6265 §8.5): two dashboards on one host would overwrite each other's
 * cookie under a single name.
 */
export function tokenCookie(port: number): string {
  return `${TOKEN_COOKIE}_${port}`;
}

/** What the guard needs to know about the server. */
export interface GuardOptions {
  /** The token printed with the URL. */
  token: string;
  /** `Host` header values accepted (lowercase `host:port`), see {@linkcode allowedHosts}. */
  hosts: ReadonlySet<string>;
  /** Name of the token cookie ({@linkcode tokenCookie}); default {@linkcode TOKEN_COOKIE}. */
  cookie?: string;
  /** What the `bad_host` hint tells to open (`http://127.0.0.1:8080/`); default the first host. */
  address?: string;
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

/** Whether `host` is a bind-all address (`0.0.0.0`, `::`, `[::]`): every interface. */
export function isBindAll(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "0.0.0.0" || /^[0:]*::[0:]*$/.test(h) && !/[1-9a-f]/i.test(h);
}

/**
 * The `Host` values a server bound to `host:port` answers to: the bound address itself, and
 * `localhost`, `127.0.0.1` and `[::1]` with the same port, then `extra` names (for a bind-all
 * address the command passes this machine's interface addresses and host name, see
 * {@linkcode machineNames}). IPv6 addresses are bracketed, names lowercased.
 */
export function allowedHosts(
  host: string,
  port: number,
  extra: readonly string[] = [],
): Set<string> {
  const bracket = (h: string) => h.includes(":") && !h.startsWith("[") ? `[${h}]` : h;
  return new Set(
    [host, "localhost", "127.0.0.1", "::1", ...extra].map((h) =>
      `${bracket(h).toLowerCase()}:${port}`
    ),
  );
}

/**
 * The names this machine answers to on a bind-all address: every interface address
 * (`Deno.networkInterfaces()`, IPv6 link-local ones without their zone) and the host name
 * (`Deno.hostname()`), plus its `.local` mDNS form. Permission or platform errors give fewer
 * names, never an exception.
 */
export function machineNames(): string[] {
  const names: string[] = [];
  try {
    for (const i of Deno.networkInterfaces()) names.push(i.address.replace(/%.*$/, ""));
  } catch { /* no --allow-sys=networkInterfaces: the loopback names only */ }
  try {
    const name = Deno.hostname();
    if (name !== "") names.push(name, name.includes(".") ? name : `${name}.local`);
  } catch { /* no hostname */ }
  return [...new Set(names)];
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
      hint: `Open the dashboard as ${options.address ?? `http://${[...options.hosts][0]}/`}` +
        " (the address it printed), or serve with --host set to the name you use",
    };
  }
  const authorization = request.headers.get("authorization");
  // With an Authorization header, that header is the only credential (never the cookie).
  const fromHeader = authorization === null ? undefined : authorizationToken(authorization);
  if (!isSafeMethod(request.method)) {
    const origin = request.headers.get("origin");
    const own = origin !== null && [...options.hosts].some((h) => origin === `http://${h}`);
    if (!(own || (origin === null && fromHeader !== undefined))) {
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
  const given = authorization !== null
    ? fromHeader
    : cookieValue(request.headers.get("cookie"), options.cookie ?? TOKEN_COOKIE);
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
