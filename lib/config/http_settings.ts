import { ConfigError } from "../errors/mod.ts";

/**
 * Network timeouts for package indexes, in milliseconds. Unset fields mean the defaults of the
 * index client (`DEFAULT_CONNECT_TIMEOUT_MS` and `DEFAULT_READ_TIMEOUT_MS` in `lib/index`):
 * 15 s to connect and get the response headers, 30 s of silence while reading a body (uv's read
 * timeout). The same values are given to pip (`--timeout`) and uv (`UV_HTTP_TIMEOUT`,
 * `UV_HTTP_CONNECT_TIMEOUT`).
 */
export interface HttpTimeouts {
  /** Time allowed to connect and receive the response headers, in ms. */
  connectTimeoutMs?: number | undefined;
  /** Longest silence allowed between two pieces of a response body, in ms. */
  readTimeoutMs?: number | undefined;
  /** Retries of a failed request (`performance.max_retries`); undefined: the client's 3. */
  retries?: number | undefined;
}

/**
 * Reads a timeout in seconds (a number, or text such as `"30"` or `"2.5"`), as milliseconds.
 * @param where Names the source in the error (`GESTVENV_HTTP_READ_TIMEOUT`, `config.toml`).
 * @throws {ConfigError} unless it is a positive number of at most one day.
 */
export function parseTimeoutSeconds(value: unknown, where: string): number {
  const seconds = typeof value === "number"
    ? value
    : typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)
    ? Number(value)
    : NaN;
  if (!(seconds > 0 && seconds <= 86_400)) {
    throw new ConfigError(`Invalid timeout \`${String(value)}\` in ${where}`, {
      hint: "Give a number of seconds greater than 0, e.g. 30 or 2.5",
    });
  }
  return Math.round(seconds * 1000);
}
