/**
 * One JSON POST with a timeout and the retry policy of `performance.max_retries`, for the HTTP
 * alert channels (Slack, generic webhooks).
 *
 * @module
 */
import { InterruptedError, NetworkError, redactUrlsIn } from "../errors/mod.ts";
import { hideSecrets, redactSecretUrl } from "./redact_secret_url.ts";

/** Default time allowed for one attempt (connect, send, response headers and body), in ms. */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

/** Default number of retries after a failed attempt (`performance.max_retries`' default). */
export const DEFAULT_SEND_RETRIES = 3;

/** Longest wait between two attempts, in ms (also the cap of a `Retry-After`). */
const MAX_BACKOFF_MS = 5_000;

/** Options of the senders in `lib/notify`. */
export interface SendOptions {
  /** Time allowed for one attempt, in ms. @default 10000 */
  timeoutMs?: number | undefined;
  /**
   * Retries after a failed attempt (a connection error, a timeout, HTTP 5xx or 429), from the
   * setting `performance.max_retries`. A 4xx other than 429 is not retried. @default 3
   */
  maxRetries?: number | undefined;
  /** Stops the send (and any wait between attempts) when aborted (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** The `User-Agent` header. @default "gestvenv" */
  userAgent?: string | undefined;
  /** Base wait before the first retry, doubled at each retry, in ms. @default 250 */
  backoffMs?: number | undefined;
}

/** What a successful send did. */
export interface SendResult {
  /** Attempts made (1 when the first one succeeded). */
  attempts: number;
  /** The HTTP status of the accepted request, or 250 for SMTP. */
  status: number;
}

/** The wait before retry number `retry` (0-based), honouring a `Retry-After` in seconds. */
function backoff(retry: number, base: number, retryAfter: string | null): number {
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim())
    ? Number(retryAfter.trim())
    : undefined;
  if (seconds !== undefined) return Math.min(MAX_BACKOFF_MS, seconds * 1000);
  return Math.min(MAX_BACKOFF_MS, base * 2 ** retry);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function interrupted(signal: AbortSignal): unknown {
  const reason = signal.reason;
  if (reason === "SIGINT" || reason === "SIGTERM") {
    return new InterruptedError(reason, { hint: "The alert was not sent" });
  }
  return reason;
}

/**
 * POSTs `body` as JSON to `url` and reads the response, retrying what may succeed later.
 * `channel` names the destination in messages (`Slack`, `webhook`); the URL is shown redacted
 * ({@linkcode redactSecretUrl}) since it is a secret.
 *
 * Requires `--allow-net` for the URL's host.
 *
 * @returns The attempts made and the final HTTP status (2xx).
 * @throws {NetworkError} (exit 5) when every attempt failed: the last status or error, redacted.
 * @throws {InterruptedError} (exit 130) when `signal` was aborted by Ctrl-C.
 */
export async function postJson(
  channel: string,
  url: string,
  body: unknown,
  options: SendOptions = {},
): Promise<SendResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const retries = Math.max(0, options.maxRetries ?? DEFAULT_SEND_RETRIES);
  const base = options.backoffMs ?? 250;
  const shown = redactSecretUrl(url);
  const text = JSON.stringify(body);
  let last = "";
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (options.signal?.aborted) throw interrupted(options.signal);
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (options.signal !== undefined) signals.push(options.signal);
    let retryAfter: string | null = null;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": options.userAgent ?? "gestvenv",
        },
        body: text,
        redirect: "error",
        signal: AbortSignal.any(signals),
      });
      const answer = (await response.text()).slice(0, 300);
      if (response.ok) return { attempts: attempt + 1, status: response.status };
      last = `HTTP ${response.status}${answer.trim() === "" ? "" : `: ${answer.trim()}`}`;
      if (response.status !== 429 && response.status < 500) {
        throw new NetworkError(`${channel} ${shown} refused the alert (${clean(last, url)})`, {
          hint: response.status === 404 || response.status === 410 || response.status === 403
            ? "The URL is no longer valid: create a new one and set it again with `gestvenv monitor alert`"
            : "Check the URL and the receiver's logs; `gestvenv monitor alert test` sends a test alert",
        });
      }
      retryAfter = response.headers.get("retry-after");
    } catch (error) {
      if (error instanceof NetworkError) throw error;
      if (options.signal?.aborted) throw interrupted(options.signal);
      last = error instanceof DOMException && error.name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : error instanceof Error
        ? error.message
        : String(error);
    }
    if (attempt < retries) await sleep(backoff(attempt, base, retryAfter), options.signal);
  }
  throw new NetworkError(
    `Could not send the alert to ${channel} ${shown} after ${retries + 1} attempt${
      retries === 0 ? "" : "s"
    } (${clean(last, url)})`,
    {
      hint: "Check that the receiver is up and reachable; the number of retries is " +
        "`performance.max_retries`, the time allowed per attempt `http_connect_timeout`",
    },
  );
}

/** An error text with credentials and the secret URL itself taken out. */
function clean(text: string, url: string): string {
  let path = "";
  try {
    const parsed = new URL(url);
    path = parsed.pathname + parsed.search;
  } catch { /* not a URL: nothing more to hide */ }
  return redactUrlsIn(hideSecrets(text, [url, path.length > 1 ? path : undefined]));
}
