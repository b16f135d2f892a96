import type { IndexSettings } from "../config/mod.ts";
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS } from "../index/mod.ts";

/**
 * Command-line options for pip or uv from index settings. Extra indexes and find-links given here
 * replace the tool's own (a user who configured gestvenv's indexes wants exactly those).
 */
export function indexArgs(index: IndexSettings): string[] {
  const args: string[] = [];
  if (index.indexUrl !== undefined) args.push("--index-url", index.indexUrl);
  for (const url of index.extraIndexUrls) args.push("--extra-index-url", url);
  for (const link of index.findLinks) args.push("--find-links", link);
  return args;
}

/** Whether any index setting is present. */
export function hasIndexOverrides(index: IndexSettings): boolean {
  return index.indexUrl !== undefined || index.extraIndexUrls.length > 0 ||
    index.findLinks.length > 0;
}

/** gestvenv's timeouts (settings, else the index client's defaults), in whole seconds. */
export function timeoutSeconds(index: IndexSettings): { connect: number; read: number } {
  const connect = index.http?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const read = index.http?.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  return {
    connect: Math.max(1, Math.ceil(connect / 1000)),
    read: Math.max(1, Math.ceil(read / 1000)),
  };
}

/**
 * pip's network options for gestvenv's timeouts: `--timeout` (pip's socket timeout, which bounds
 * both connecting and each read: the larger of the two) and `--retries 1`, so a hanging index
 * costs two timeouts rather than pip's six (its default is 5 retries).
 */
export function pipNetworkArgs(index: IndexSettings): string[] {
  const { connect, read } = timeoutSeconds(index);
  return ["--timeout", String(Math.max(connect, read)), "--retries", "1"];
}

/**
 * uv's environment for gestvenv's timeouts: `UV_HTTP_CONNECT_TIMEOUT`, `UV_HTTP_TIMEOUT` (its read
 * timeout) and `UV_HTTP_RETRIES=1`, all in seconds (uv 0.13 reads them).
 */
export function uvNetworkEnv(index: IndexSettings): Record<string, string> {
  const { connect, read } = timeoutSeconds(index);
  return {
    UV_HTTP_CONNECT_TIMEOUT: String(connect),
    UV_HTTP_TIMEOUT: String(read),
    UV_HTTP_RETRIES: "1",
  };
}
