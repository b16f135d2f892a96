/**
 * The HTTP layer of the index client: a bounded number of requests in flight, two timeouts (to
 * connect and get the headers; of silence while reading the body), retries with exponential
 * back-off and jitter on connection errors, timeouts, 408, 429 and 5xx (honouring `Retry-After`),
 * immediate errors on 401/403/404 naming the URL, and credentials from the URL or `~/.netrc` sent
 * as HTTP Basic auth and never printed.
 *
 * Every failure to get a whole answer (refused or reset connection, a body that stops halfway, a
 * timeout, a 5xx after the retries) is a {@linkcode NetworkError} (exit 5) whose message names the
 * URL, credentials removed.
 *
 * @module
 */
import {
  DistributionError,
  GestvenvError,
  NetworkError,
  PackageNotFoundError,
} from "../errors/mod.ts";
import type { AllowedSources } from "../config/mod.ts";
import { countEvent, type SpanEvents } from "../events/mod.ts";
import { type EnvLookup, join, readEnv, userHomeDir } from "../paths/mod.ts";
import { type Credentials, parseNetrc } from "./netrc.ts";
import { assertSourceAllowed } from "./source_check.ts";

/** Default time to connect and receive the response headers, in ms (pip's 15 s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** Default longest silence while a body arrives, in ms (uv's `UV_HTTP_TIMEOUT`, 30 s). */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

/** Options for {@linkcode HttpClient}. */
export interface HttpClientOptions {
  /** Requests in flight at most. @default 50 (uv's download concurrency) */
  concurrency?: number | undefined;
  /**
   * Time allowed to connect and receive the response headers, in ms.
   * @default DEFAULT_CONNECT_TIMEOUT_MS
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Longest silence allowed between two pieces of the body, in ms (a slow but steady download
   * never times out). @default DEFAULT_READ_TIMEOUT_MS
   */
  readTimeoutMs?: number | undefined;
  /**
   * Retries after the first attempt. An attempt that timed out is retried once at most, so a
   * hanging server costs two timeouts, not four. @default 3
   */
  retries?: number | undefined;
  /** First back-off delay in ms; doubles each retry, with jitter, capped at 30 s. @default 500 */
  backoffMs?: number;
  /** Environment lookup (for `NETRC` and the home directory). @default readEnv */
  env?: EnvLookup;
  /** Refuse all network access (`--offline`). @default false */
  offline?: boolean;
  /** Receives the `index_requests` counter (each attempt counts), e.g. a command's reporter. */
  events?: SpanEvents | undefined;
  /**
   * `security.allowed_sources`: every URL is checked before it is requested, and redirects are
   * followed one by one, each target checked before it is requested (issue 12 §3).
   * @default undefined: any source
   */
  allowedSources?: AllowedSources | undefined;
}

/** Options of one {@linkcode HttpClient.request}. */
export interface RequestOptions {
  /** Request headers. */
  headers?: Record<string, string>;
  /** HTTP method (`POST` for query APIs such as OSV's `querybatch`). @default "GET" */
  method?: "GET" | "HEAD" | "POST";
  /** Request body (with `POST`), sent again on each retry. */
  body?: string;
  /** Statuses returned rather than thrown (e.g. 404 for "project not on this index"). */
  accept?: number[];
  /**
   * Largest body accepted, in bytes: reading stops past it and a `DistributionError` is thrown
   * (for answers that are parts of a distribution, such as a PEP 658 `.metadata` file).
   * @default Infinity
   */
  maxBytes?: number;
  /**
   * Receives the body of a 2xx answer piece by piece instead of collecting it (the returned
   * `body` is then empty). Called once per attempt, with the answer; a retry starts a new sink,
   * so the caller uses the last one it made. An error it throws ends the request at once (a
   * `GestvenvError` is never retried).
   */
  sink?: (response: Response) => BodySink;
}

/** Takes a body as it arrives (see {@linkcode RequestOptions.sink}). */
export interface BodySink {
  /** Takes the next piece of the body, in order. An error it throws ends the request. */
  write(chunk: Uint8Array): void;
}

/** A request's answer: status, headers and body bytes. */
export interface HttpResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The body (empty when a `sink` took it). */
  body: Uint8Array;
  /** The final URL after redirects (credentials removed). */
  url: string;
}

/** Removes `user:password@` from a URL, for messages and cache keys. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
/** Redirects followed at most for one request (as browsers and pip's requests: 30; we say 10). */
const MAX_REDIRECTS = 10;
/** `lastError` after a redirect: the next attempt starts at once. */
const REDIRECTED = Symbol("redirected");

/** Why an attempt was aborted by us. */
class TimedOut extends Error {
  constructor(readonly phase: "connect" | "read", readonly ms: number) {
    super(
      phase === "connect"
        ? `no answer within ${ms / 1000} s`
        : `the answer stopped arriving for ${ms / 1000} s`,
    );
  }
}

/** A body larger than the caller's bound. */
class TooLarge extends Error {}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/** A small HTTP client for package indexes. Requires `--allow-net` (and `--allow-read` for netrc). */
export class HttpClient {
  readonly #concurrency: number;
  readonly #connectTimeoutMs: number;
  readonly #readTimeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #env: EnvLookup;
  readonly #offline: boolean;
  readonly #events: SpanEvents | undefined;
  readonly #allowed: AllowedSources | undefined;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  #netrc: Promise<Map<string, Credentials>> | undefined;
  /** Requests sent (each attempt counts), for tests and `--verbose`. */
  requestCount = 0;

  /**
   * Creates a client; nothing is sent before the first request.
   *
   * @param options Concurrency, timeouts (ms), retries, offline mode and netrc.
   */
  constructor(options: HttpClientOptions = {}) {
    this.#concurrency = options.concurrency ?? 50;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.#retries = options.retries ?? 3;
    this.#backoffMs = options.backoffMs ?? 500;
    this.#env = options.env ?? readEnv;
    this.#offline = options.offline ?? false;
    this.#events = options.events;
    this.#allowed = options.allowedSources;
  }

  /** Where this client's counters go (and its users' spans), or undefined. */
  get events(): SpanEvents | undefined {
    return this.#events;
  }

  /** Whether network access is refused. */
  get offline(): boolean {
    return this.#offline;
  }

  /** The timeouts in use, in ms. */
  get timeouts(): { connectTimeoutMs: number; readTimeoutMs: number } {
    return { connectTimeoutMs: this.#connectTimeoutMs, readTimeoutMs: this.#readTimeoutMs };
  }

  async #acquire(): Promise<void> {
    if (this.#active < this.#concurrency) {
      this.#active++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#active--;
  }

  #readNetrc(): Promise<Map<string, Credentials>> {
    this.#netrc ??= (async () => {
      const path = this.#env("NETRC") ?? join(userHomeDir(this.#env), ".netrc");
      try {
        return parseNetrc(await Deno.readTextFile(path));
      } catch {
        return new Map();
      }
    })();
    return this.#netrc;
  }

  async #authorization(url: URL): Promise<string | undefined> {
    if (url.username !== "" || url.password !== "") {
      const user = decodeURIComponent(url.username), pass = decodeURIComponent(url.password);
      return "Basic " + btoa(`${user}:${pass}`);
    }
    const netrc = await this.#readNetrc();
    const entry = netrc.get(url.hostname) ?? netrc.get("");
    return entry === undefined ? undefined : "Basic " + btoa(`${entry.login}:${entry.password}`);
  }

  /**
   * One attempt: the response and its whole body, under the two timeouts.
   * @throws {TimedOut} when a timeout fires, {@linkcode TooLarge} past `maxBytes`, or the fetch
   *   error (refused, reset, cut short).
   */
  async #attempt(
    url: URL,
    method: "GET" | "HEAD" | "POST",
    headers: Headers,
    maxBytes: number,
    makeSink: ((response: Response) => BodySink) | undefined,
    redirect: RequestRedirect,
    requestBody?: string,
  ): Promise<{ response: Response; body: Uint8Array }> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (phase: "connect" | "read") => {
      clearTimeout(timer);
      const ms = phase === "connect" ? this.#connectTimeoutMs : this.#readTimeoutMs;
      timer = setTimeout(() => controller.abort(new TimedOut(phase, ms)), ms);
    };
    try {
      arm("connect");
      const response = await fetch(url, {
        method,
        headers,
        signal: controller.signal,
        redirect,
        ...(requestBody === undefined ? {} : { body: requestBody }),
      });
      const chunks: Uint8Array[] = [];
      let total = 0;
      const sink = makeSink !== undefined && response.status < 300 ? makeSink(response) : undefined;
      if (response.body !== null) {
        const reader = response.body.getReader();
        try {
          for (;;) {
            arm("read");
            const { done, value } = await reader.read();
            if (done) break;
            total += value.length;
            if (total > maxBytes) throw new TooLarge();
            if (sink !== undefined) sink.write(value);
            else chunks.push(value);
          }
        } catch (error) {
          await reader.cancel().catch(() => {});
          throw error;
        }
      }
      if (sink !== undefined) return { response, body: new Uint8Array() };
      const body = chunks.length === 1 ? chunks[0]! : new Uint8Array(total);
      if (chunks.length !== 1) {
        let offset = 0;
        for (const chunk of chunks) {
          body.set(chunk, offset);
          offset += chunk.length;
        }
      }
      return { response, body };
    } catch (error) {
      const reason = controller.signal.reason;
      throw reason instanceof TimedOut ? reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends a GET (or HEAD) request and reads the whole body. Statuses other than 2xx/304/206 are
   * errors, except when listed in `accept` (e.g. 404 for "project not on this index").
   * @throws {PackageNotFoundError} on 404/410 (unless accepted).
   * @throws {NetworkError} on 401/403, other statuses, and connection failures, cut bodies and
   *   timeouts after the retries; the message names the URL (credentials removed).
   * @throws {DistributionError} when the body is larger than `maxBytes`.
   * @throws {GestvenvError} what the `sink` throws.
   * @throws {SourceNotAllowedError} (exit 1) when the URL, or a redirect's target, is outside
   *   `allowedSources`: nothing is sent to it.
   */
  async request(url: string, init: RequestOptions = {}): Promise<HttpResponse> {
    let shown = redactUrl(url);
    assertSourceAllowed(url, this.#allowed, "URL");
    if (this.#offline) {
      throw new NetworkError(`Cannot fetch ${shown}: network access is disabled (--offline)`, {
        hint: "Run without --offline, or fill the cache first",
      });
    }
    let parsed = new URL(url);
    const headers = new Headers(init.headers);
    const auth = await this.#authorization(parsed);
    if (auth !== undefined) headers.set("authorization", auth);
    parsed.username = "";
    parsed.password = "";
    const maxBytes = init.maxBytes ?? Infinity;
    let lastError: unknown;
    let timeouts = 0;
    // With an allow-list, redirects are followed here, each target checked before it is asked.
    const redirect: RequestRedirect = this.#allowed === undefined ? "follow" : "manual";
    let redirects = 0;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0 && lastError !== REDIRECTED) {
        const base = Math.min(30_000, this.#backoffMs * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, base / 2 + Math.random() * base / 2));
      }
      await this.#acquire();
      let response: Response;
      let body: Uint8Array;
      try {
        this.requestCount++;
        countEvent(this.#events, "index_requests");
        ({ response, body } = await this.#attempt(
          parsed,
          init.method ?? "GET",
          headers,
          maxBytes,
          init.sink,
          redirect,
          init.body,
        ));
      } catch (error) {
        if (error instanceof GestvenvError) throw error;
        if (error instanceof TooLarge) {
          throw new DistributionError(
            `${shown} sent more than ${maxBytes} bytes; refusing to read further`,
            undefined,
            { hint: "The index serves a file far larger than it should be; tell its owners" },
          );
        }
        lastError = error;
        if (error instanceof TimedOut && ++timeouts >= 2) break;
        continue;
      } finally {
        this.#release();
      }
      const status = response.status;
      const location = response.headers.get("location");
      if (redirect === "manual" && REDIRECT_STATUS.has(status) && location !== null) {
        const next = new URL(location, parsed);
        if (++redirects > MAX_REDIRECTS) {
          throw new NetworkError(`${shown} redirects more than ${MAX_REDIRECTS} times`, {
            hint: "The index's redirects loop; tell its owners",
          });
        }
        assertSourceAllowed(next.href, this.#allowed, "redirect target");
        // Credentials go to the origin they were given for only.
        if (next.origin !== parsed.origin) headers.delete("authorization");
        next.username = "";
        next.password = "";
        parsed = next;
        shown = redactUrl(next.href);
        lastError = REDIRECTED;
        attempt--; // a redirect is not a failed attempt
        continue;
      }
      if (status < 300 || status === 304 || init.accept?.includes(status)) {
        const final = redirect === "manual" ? shown : redactUrl(response.url || shown);
        return { status, headers: response.headers, body, url: final };
      }
      if (RETRY_STATUS.has(status) && attempt < this.#retries) {
        const after = Number(response.headers.get("retry-after"));
        if (after > 0 && after <= 30) await new Promise((r) => setTimeout(r, after * 1000));
        lastError = new Error(`HTTP ${status}`);
        continue;
      }
      if (status === 404 || status === 410) {
        throw new PackageNotFoundError(`${shown} was not found (HTTP ${status})`);
      }
      if (status === 401 || status === 403) {
        throw new NetworkError(`${shown} refused access (HTTP ${status})`, {
          hint: "Put credentials in the index URL (https://user:token@host/simple) or in ~/.netrc",
        });
      }
      throw new NetworkError(`${shown} answered HTTP ${status}`, {
        hint: "The index may be down; try again later",
      });
    }
    if (lastError instanceof TimedOut) {
      throw new NetworkError(`Cannot fetch ${shown}: ${lastError.message}`, {
        cause: lastError,
        hint: `The index does not answer; check the URL and the network, or raise the timeout (${
          lastError.phase === "connect"
            ? `GESTVENV_HTTP_CONNECT_TIMEOUT, now ${seconds(this.#connectTimeoutMs)}`
            : `GESTVENV_HTTP_READ_TIMEOUT, now ${seconds(this.#readTimeoutMs)}`
        })`,
      });
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new NetworkError(
      `Cannot fetch ${shown} after ${this.#retries + 1} attempts: ${reason}`,
      {
        cause: lastError,
        hint: "Check the network or the index URL; `--offline` uses only the cache",
      },
    );
  }
}
