/**
 * The OSV API client (https://google.github.io/osv.dev/api/): `POST /v1/querybatch` for the
 * ecosystem `PyPI` (at most 1000 queries per request, `next_page_token`s followed), then
 * `GET /v1/vulns/{id}` for each distinct id, a bounded number at a time, through gestvenv's HTTP
 * client (retries, timeouts, credentials, `--offline`). Fetched records are kept in the cache
 * (`<cache>/audit/osv-vulns-v1/<id>.json`, sealed entries) and reused while the `modified` time
 * querybatch announces is the one kept.
 *
 * @module
 */
import { GestvenvError, NetworkError } from "../errors/mod.ts";
import { type HttpClient, readEntry, writeEntry } from "../index/mod.ts";
import { mapLimit } from "../installer/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { join } from "../paths/mod.ts";
import type { AuditedDistribution } from "./findings.ts";
import { type OsvRecord, parseOsvRecord } from "./osv_record.ts";

/** The public OSV API. */
export const DEFAULT_OSV_URL = "https://api.osv.dev";

/** Queries per `querybatch` request (the API's limit). */
export const OSV_BATCH_SIZE = 1000;

/** Records fetched at once. */
export const OSV_VULN_CONCURRENCY = 8;

const VULN_ENTRY = { name: "gestvenv-osv-vuln", version: 1 };
const MAX_BATCH_BYTES = 64 * 1024 * 1024;
const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const MAX_PAGES = 100;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Options of {@linkcode queryOsv}. */
export interface OsvQueryOptions {
  /** The API's base URL (`https://api.osv.dev`; config `audit.osv_url`). */
  baseUrl: string;
  /** The HTTP client (offline → every request refused). */
  http: HttpClient;
  /** The cache root, for fetched records; none = no caching. */
  cacheDir?: string | undefined;
}

function apiUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** Re-throws what is not a network failure of the OSV API as one (exit 5), naming the API. */
function asNetworkError(error: unknown, base: string): GestvenvError {
  if (error instanceof NetworkError && error.message.includes("--offline")) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError(`The OSV API at ${base} failed: ${message}`, {
    cause: error,
    hint: "Check `audit.osv_url`; `gestvenv audit db update` on a connected machine gives an " +
      "offline database (`--source db`)",
  });
}

function parseJson(body: Uint8Array, what: string, base: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new NetworkError(`The OSV API at ${base} answered ${what} with something not JSON`, {
      hint: "Check `audit.osv_url` (it must be an OSV API, such as https://api.osv.dev)",
    });
  }
}

/**
 * The ids (with their `modified` time) of the vulnerabilities OSV lists for each distribution.
 *
 * @throws {NetworkError} (exit 5) When the API cannot be reached, answers an error, or answers
 *   something that is not a querybatch result.
 */
export async function queryBatch(
  dists: readonly AuditedDistribution[],
  options: OsvQueryOptions,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const url = apiUrl(options.baseUrl, "/v1/querybatch");
  type Query = {
    package: { name: string; ecosystem: "PyPI" };
    version: string;
    page_token?: string;
  };
  // OSV compares PyPI names PEP 503-normalized; send them so.
  let pending: Query[] = dists.map((d) => ({
    package: { name: normalizeName(d.name), ecosystem: "PyPI" },
    version: d.version,
  }));
  for (let round = 0; pending.length > 0; round++) {
    if (round >= MAX_PAGES) {
      throw new NetworkError(`The OSV API at ${options.baseUrl} kept sending more pages`, {
        hint: "Try again later, or use the offline database (`--source db`)",
      });
    }
    const next: Query[] = [];
    for (let at = 0; at < pending.length; at += OSV_BATCH_SIZE) {
      const batch = pending.slice(at, at + OSV_BATCH_SIZE);
      let body: Uint8Array;
      try {
        ({ body } = await options.http.request(url, {
          method: "POST",
          body: JSON.stringify({ queries: batch }),
          headers: { "content-type": "application/json", accept: "application/json" },
          maxBytes: MAX_BATCH_BYTES,
        }));
      } catch (error) {
        throw asNetworkError(error, options.baseUrl);
      }
      const answer = parseJson(body, "querybatch", options.baseUrl) as { results?: unknown };
      const results = answer !== null && typeof answer === "object" ? answer.results : undefined;
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new NetworkError(
          `The OSV API at ${options.baseUrl} answered querybatch without one result per query`,
          { hint: "Check `audit.osv_url` (it must be an OSV API)" },
        );
      }
      results.forEach((result: unknown, i) => {
        if (result === null || typeof result !== "object") return;
        const r = result as { vulns?: unknown; next_page_token?: unknown };
        for (const v of Array.isArray(r.vulns) ? r.vulns : []) {
          if (v !== null && typeof v === "object" && typeof v.id === "string" && v.id !== "") {
            ids.set(v.id, typeof v.modified === "string" ? v.modified : "");
          }
        }
        if (typeof r.next_page_token === "string" && r.next_page_token !== "") {
          next.push({ ...batch[i]!, page_token: r.next_page_token });
        }
      });
    }
    pending = next;
  }
  return ids;
}

/**
 * The full records of `ids` (id → `modified` from querybatch): from the cache when the kept
 * record has that `modified` time, else `GET /v1/vulns/{id}` (8 at a time), kept afterwards.
 *
 * @throws {NetworkError} (exit 5) When a record cannot be fetched or is not an OSV record.
 */
export async function fetchRecords(
  ids: ReadonlyMap<string, string>,
  options: OsvQueryOptions,
): Promise<OsvRecord[]> {
  const dir = options.cacheDir === undefined
    ? undefined
    : join(options.cacheDir, "audit", "osv-vulns-v1");
  return await mapLimit([...ids], OSV_VULN_CONCURRENCY, async ([id, modified]) => {
    const path = dir !== undefined && SAFE_ID.test(id) ? join(dir, `${id}.json`) : undefined;
    if (path !== undefined && modified !== "") {
      const kept = await readEntry(VULN_ENTRY, path);
      if (kept !== null) {
        try {
          const record = parseOsvRecord(JSON.parse(kept), path);
          if (record.modified === modified) return record;
        } catch { /* a bad entry is fetched again */ }
      }
    }
    const url = apiUrl(options.baseUrl, `/v1/vulns/${encodeURIComponent(id)}`);
    let body: Uint8Array;
    try {
      ({ body } = await options.http.request(url, {
        headers: { accept: "application/json" },
        maxBytes: MAX_RECORD_BYTES,
      }));
    } catch (error) {
      throw asNetworkError(error, options.baseUrl);
    }
    const json = parseJson(body, `vulns/${id}`, options.baseUrl);
    let record: OsvRecord;
    try {
      record = parseOsvRecord(json, url);
    } catch (error) {
      throw asNetworkError(error, options.baseUrl);
    }
    if (path !== undefined && record.id === id) {
      await writeEntry(VULN_ENTRY, path, JSON.stringify(json)).catch(() => {});
    }
    return record;
  });
}

/**
 * The OSV records that concern `dists`, from the OSV API.
 *
 * @throws {NetworkError} (exit 5) When the API cannot be reached or misbehaves.
 */
export async function queryOsv(
  dists: readonly AuditedDistribution[],
  options: OsvQueryOptions,
): Promise<OsvRecord[]> {
  if (dists.length === 0) return [];
  return await fetchRecords(await queryBatch(dists, options), options);
}
