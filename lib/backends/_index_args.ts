import type { HttpTimeouts } from "../config/mod.ts";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_READ_TIMEOUT_MS,
  type IndexDecision,
  localOnly,
} from "../index/mod.ts";

/**
 * uv's command-line options for the decided indexes (`decideIndexes` in lib/index): the primary
 * index, the extra indexes, find-links, `--no-index`; offline, `--offline` and only the local
 * ones (see `localOnly`).
 */
export function indexArgs(decision: IndexDecision): string[] {
  const index = localOnly(decision);
  const args: string[] = index.offline ? ["--offline"] : [];
  const [primary, ...extras] = index.indexUrls;
  if (index.noIndex) args.push("--no-index");
  else if (primary !== undefined) args.push("--index-url", primary);
  for (const url of extras) args.push("--extra-index-url", url);
  for (const link of index.findLinks) args.push("--find-links", link);
  return args;
}

/**
 * pip's environment for the decided indexes. pip appends command-line `--extra-index-url` and
 * `--find-links` to the ones of its configuration files, while a `PIP_*` variable replaces a
 * file's value: so the decision is given as `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`,
 * `PIP_FIND_LINKS` (space-separated, as pip reads them) and `PIP_NO_INDEX`. An empty list is not
 * set: pip ignores empty values, and the decision only leaves a list empty when pip's
 * configuration has none either (the settings take pip's list when gestvenv's is empty). Offline,
 * only local indexes and find-links are given (`localOnly`), else `PIP_NO_INDEX`.
 */
export function pipIndexEnv(decision: IndexDecision): Record<string, string> {
  const index = localOnly(decision);
  const env: Record<string, string> = {};
  const [primary, ...extras] = index.indexUrls;
  if (index.noIndex) env.PIP_NO_INDEX = "1";
  else if (primary !== undefined) env.PIP_INDEX_URL = primary;
  if (extras.length > 0) env.PIP_EXTRA_INDEX_URL = extras.join(" ");
  if (index.findLinks.length > 0) env.PIP_FIND_LINKS = index.findLinks.join(" ");
  return env;
}

/** gestvenv's timeouts (settings, else the index client's defaults), in whole seconds. */
export function timeoutSeconds(http: HttpTimeouts = {}): { connect: number; read: number } {
  const connect = http.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const read = http.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
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
export function pipNetworkArgs(http: HttpTimeouts = {}): string[] {
  const { connect, read } = timeoutSeconds(http);
  return ["--timeout", String(Math.max(connect, read)), "--retries", "1"];
}

/**
 * uv's environment for gestvenv's timeouts: `UV_HTTP_CONNECT_TIMEOUT`, `UV_HTTP_TIMEOUT` (its read
 * timeout) and `UV_HTTP_RETRIES=1`, all in seconds (uv 0.13 reads them).
 */
export function uvNetworkEnv(http: HttpTimeouts = {}): Record<string, string> {
  const { connect, read } = timeoutSeconds(http);
  return {
    UV_HTTP_CONNECT_TIMEOUT: String(connect),
    UV_HTTP_TIMEOUT: String(read),
    UV_HTTP_RETRIES: "1",
  };
}
