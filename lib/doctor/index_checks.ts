/**
 * `config.index_unreachable`: each configured index answers at its root. Online mode only (the
 * caller skips it under `--offline`): one `HEAD` per index, at most {@linkcode INDEX_PROBE_LIMIT}
 * of them, 4 at a time, each given {@linkcode INDEX_PROBE_TIMEOUT_MS}. URLs are shown without
 * credentials.
 *
 * @module
 */
import { type AllowedSources, allowingRule } from "../config/mod.ts";
import { DEFAULT_INDEX_URL, redactUrl } from "../index/mod.ts";
import { type DoctorCheck, ok } from "./doctor_check.ts";

/** How long one index gets to answer (ms). */
export const INDEX_PROBE_TIMEOUT_MS = 3000;
/** At most this many indexes are asked. */
export const INDEX_PROBE_LIMIT = 16;

/** Why `url` did not answer, or undefined when it did (any HTTP status below 500 is an answer). */
async function probe(url: string, timeoutMs: number): Promise<string | undefined> {
  if (url.startsWith("file:")) {
    return await Deno.stat(new URL(url)).then(
      () => undefined,
      () => "the directory does not exist",
    );
  }
  try {
    // fetch refuses URLs with credentials: they go in an Authorization header instead.
    const target = new URL(url);
    const headers = new Headers();
    if (target.username !== "" || target.password !== "") {
      const user = decodeURIComponent(target.username);
      const password = decodeURIComponent(target.password);
      headers.set("Authorization", `Basic ${btoa(`${user}:${password}`)}`);
      target.username = "";
      target.password = "";
    }
    const response = await fetch(target, {
      method: "HEAD",
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.status >= 500 ? `it answers HTTP ${response.status}` : undefined;
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      return `no answer within ${timeoutMs / 1000} s`;
    }
    return redactUrl((error as Error).message).replace(/\s+/g, " ").slice(0, 200);
  }
}

/**
 * With `allowed` (`security.allowed_sources`), an index outside it is a `policy.sources` error and
 * is never asked.
 *
 * `config.index_unreachable` findings for `indexes` (the primary index, or PyPI when undefined,
 * then the extra ones): one warning per index that does not answer, or one ok. Requires
 * `--allow-net` (and `--allow-read` for `file:` indexes).
 */
export async function checkIndexes(
  indexUrl: string | undefined,
  extraIndexUrls: readonly string[],
  timeoutMs: number = INDEX_PROBE_TIMEOUT_MS,
  allowed: AllowedSources | undefined = undefined,
): Promise<DoctorCheck[]> {
  const configured = [...new Set([indexUrl ?? DEFAULT_INDEX_URL, ...extraIndexUrls])];
  // `security.allowed_sources` (issue 12 §3): an index outside it is reported, never asked.
  const refused: DoctorCheck[] = allowed === undefined ? [] : configured
    .filter((url) => allowingRule(url, allowed) === undefined)
    .map((url) => ({
      id: "policy.sources",
      severity: "error" as const,
      subject: "configuration",
      message: `the index ${redactUrl(url)} is outside ${allowed.origin}; every install refuses it`,
      fix: {
        command:
          "gestvenv config set index_url URL (an allowed index), or extend security.allowed_sources",
      },
      items: [redactUrl(url)],
    }));
  const urls = configured.filter((url) => !refused.some((r) => r.items![0] === redactUrl(url)))
    .slice(0, INDEX_PROBE_LIMIT);
  if (urls.length === 0) return refused;
  const results: Array<string | undefined> = new Array(urls.length);
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const i = next++;
      results[i] = await probe(urls[i]!, timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, urls.length) }, worker));
  const checks: DoctorCheck[] = [];
  urls.forEach((url, i) => {
    const why = results[i];
    if (why === undefined) return;
    checks.push({
      id: "config.index_unreachable",
      severity: "warning",
      subject: "configuration",
      message: `the index ${redactUrl(url)} does not answer: ${why}`,
      fix: {
        command: "check the URL and your network (`gestvenv config show`), or work from the " +
          "cache with --offline",
      },
      items: [redactUrl(url)],
    });
  });
  if (checks.length === 0) {
    return [
      ...refused,
      ok(
        "config.index_unreachable",
        "configuration",
        `${urls.length} index(es) answer: ${urls.map(redactUrl).join(", ")}`,
      ),
    ];
  }
  return [...refused, ...checks];
}
