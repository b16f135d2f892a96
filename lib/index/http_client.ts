/**
 * The HTTP layer of the index client: a bounded number of requests in flight, timeouts,
 * retries with exponential back-off and jitter on connection errors, 408, 429 and 5xx
 * (honouring `Retry-After`), immediate errors on 401/403/404 naming the URL, and credentials
 * from the URL or `~/.netrc` sent as HTTP Basic auth and never printed.
 *
 * @module
 */
import { NetworkError, PackageNotFoundError } from "../errors/mod.ts";
import { type EnvLookup, join, readEnv, userHomeDir } from "../paths/mod.ts";
import { type Credentials, parseNetrc } from "./netrc.ts";

/** Options for {@linkcode HttpClient}. */
export interface HttpClientOptions {
  /** Requests in flight at most. @default 50 (uv's download concurrency) */
  concurrency?: number;
  /** Per-request timeout in ms (whole response). @default 30000 */
  timeoutMs?: number;
  /** Retries after the first attempt. @default 3 */
  retries?: number;
  /** First back-off delay in ms; doubles each retry, with jitter, capped at 30 s. @default 500 */
  backoffMs?: number;
  /** Environment lookup (for `NETRC` and the home directory). @default readEnv */
  env?: EnvLookup;
  /** Refuse all network access (`--offline`). @default false */
  offline?: boolean;
}

/** A request's answer: status, headers and body bytes. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The final URL after redirects (credentials removed). */
  url: string;
}

/** Removes `user:password@` from a URL, for messages and cache keys. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** A small HTTP client for package indexes. Requires `--allow-net` (and `--allow-read` for netrc). */
export class HttpClient {
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #env: EnvLookup;
  readonly #offline: boolean;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  #netrc: Promise<Map<string, Credentials>> | undefined;
  /** Requests sent (each attempt counts), for tests and `--verbose`. */
  requestCount = 0;

  constructor(options: HttpClientOptions = {}) {
    this.#concurrency = options.concurrency ?? 50;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 3;
    this.#backoffMs = options.backoffMs ?? 500;
    this.#env = options.env ?? readEnv;
    this.#offline = options.offline ?? false;
  }

  /** Whether network access is refused. */
  get offline(): boolean {
    return this.#offline;
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
   * Sends a GET (or HEAD) request and reads the whole body. Statuses other than 2xx/304/206 are
   * errors, except when listed in `accept` (e.g. 404 for "project not on this index").
   * @throws {PackageNotFoundError} on 404/410 (unless accepted).
   * @throws {NetworkError} on 401/403, other statuses, and connection failures after retries.
   */
  async request(
    url: string,
    init: { headers?: Record<string, string>; method?: "GET" | "HEAD"; accept?: number[] } = {},
  ): Promise<HttpResponse> {
    const shown = redactUrl(url);
    if (this.#offline) {
      throw new NetworkError(`Cannot fetch ${shown}: network access is disabled (--offline)`, {
        hint: "Run without --offline, or fill the cache first",
      });
    }
    const parsed = new URL(url);
    const headers = new Headers(init.headers);
    const auth = await this.#authorization(parsed);
    if (auth !== undefined) headers.set("authorization", auth);
    parsed.username = "";
    parsed.password = "";
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) {
        const base = Math.min(30_000, this.#backoffMs * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, base / 2 + Math.random() * base / 2));
      }
      await this.#acquire();
      let response: Response;
      let body: Uint8Array;
      try {
        this.requestCount++;
        response = await fetch(parsed, {
          method: init.method ?? "GET",
          headers,
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        body = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        lastError = error;
        continue;
      } finally {
        this.#release();
      }
      const status = response.status;
      if (status < 300 || status === 304 || init.accept?.includes(status)) {
        return { status, headers: response.headers, body, url: redactUrl(response.url || shown) };
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
