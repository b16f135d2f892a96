/**
 * Where a distribution came from, and whether that place is allowed: the index and file URL the
 * environment's lock records (PEP 751 `packages[].index`, `wheels[].url` / `sdist.url`), or the
 * PEP 610 `direct_url.json` a URL, file or directory install leaves in the `.dist-info`.
 *
 * @module
 */
import { type AllowedSources, allowingRule } from "../config/mod.ts";
import { DEFAULT_INDEX_URL, redactUrl } from "../index/mod.ts";
import { absolute, join, toFileUrl } from "../paths/mod.ts";

/** Which places count as allowed, and the rule that says so (for messages). */
export interface SourceRule {
  /**
   * Allowed places: a host name (`pypi.org`, matched exactly, case-insensitively) or a URL prefix
   * (`https://internal.example/simple/`, matched at a `/` boundary).
   */
  allowed: string[];
  /** The rule, for people: `security.allowed_sources`, or the configured indexes. */
  rule: string;
  /**
   * Whether a file listed by an allowed index is allowed wherever it is hosted (true for the
   * configured-indexes rule: PyPI lists files on files.pythonhosted.org); false when every host
   * must be named (`security.allowed_sources`).
   */
  filesFollowIndex: boolean;
  /**
   * Decides whether a URL is allowed, instead of matching `allowed` (then only shown): the
   * `security.allowed_sources` matcher of lib/config, with its wildcards, ports and paths.
   */
  matches?: ((url: string) => boolean) | undefined;
}

/**
 * The source rule of `security.allowed_sources` (issue 12 §3): every host must be allowed (files
 * do not follow their index), matched exactly as installs are refused (`allowingRule`).
 */
export function allowedSourcesRule(sources: AllowedSources): SourceRule {
  return {
    allowed: sources.rules.map((r) => r.entry),
    rule: sources.origin,
    filesFollowIndex: false,
    matches: (url) => allowingRule(url, sources) !== undefined,
  };
}

/** Where one distribution came from. */
export interface DistributionSource {
  /** `lock` (the environment's pylock.toml), `direct_url` (PEP 610), or `unknown`. */
  kind: "lock" | "direct_url" | "unknown";
  /** The index page the file was listed on, when the lock records it. */
  index: string | null;
  /** The file's (or directory's) URL, credentials removed; null when unknown. */
  url: string | null;
}

/** PEP 610 `direct_url.json` of a `.dist-info`, or undefined when absent or unreadable. */
export async function readDirectUrl(
  distInfo: string,
): Promise<{ url: string; editable: boolean } | undefined> {
  try {
    const data = JSON.parse(await Deno.readTextFile(join(distInfo, "direct_url.json")));
    if (typeof data?.url !== "string") return undefined;
    return { url: redactUrl(data.url), editable: data?.dir_info?.editable === true };
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === "" ? null : host;
  } catch {
    return null;
  }
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Whether `url` is one of the `allowed` places (see {@linkcode SourceRule}). */
export function isAllowedUrl(url: string, allowed: readonly string[]): boolean {
  const host = hostOf(url);
  for (const entry of allowed) {
    if (entry.includes("://")) {
      const prefix = withSlash(entry.trim());
      const lower = (s: string) => s.replace(/^[a-z+.-]+:\/\/[^/]*/i, (m) => m.toLowerCase());
      if (withSlash(lower(url)).startsWith(lower(prefix))) return true;
    } else if (host !== null && host === entry.trim().toLowerCase()) return true;
  }
  return false;
}

/**
 * Why `source` is not allowed under `rule`, or null when it is. A locked distribution is allowed
 * when its index (if recorded) and its file URL are both allowed, or, with `filesFollowIndex`,
 * when its index is; a
 * PEP 610 URL/directory install when its URL is; an unknown source never is.
 */
export function sourceProblem(source: DistributionSource, rule: SourceRule): string | null {
  if (source.kind === "unknown" || source.url === null) {
    return "where it came from is not recorded (not in the environment's lock, no direct_url.json)";
  }
  const allowed = (url: string) => rule.matches?.(url) ?? isAllowedUrl(url, rule.allowed);
  if (source.kind === "direct_url") {
    return allowed(source.url)
      ? null
      : `installed from ${source.url}, which ${rule.rule} does not allow`;
  }
  const indexOk = source.index !== null && allowed(source.index);
  const fileOk = allowed(source.url);
  if (source.index !== null && !indexOk) {
    return `listed by the index ${source.index}, which ${rule.rule} does not allow`;
  }
  if (fileOk || (indexOk && rule.filesFollowIndex)) return null;
  return `downloaded from ${source.url}, which ${rule.rule} does not allow`;
}

/**
 * The source rule of the configured indexes: the index URL (PyPI's when none is set), the extra
 * index URLs and the find-links locations (paths as `file:` URLs), files following their index.
 * Used when `security.allowed_sources` is not set.
 */
export function configuredIndexRule(
  indexUrl: string | undefined,
  extraIndexUrls: readonly string[],
  findLinks: readonly string[],
): SourceRule {
  const links = findLinks.map((l) => l.includes("://") ? l : toFileUrl(absolute(l)));
  return {
    allowed: [indexUrl ?? DEFAULT_INDEX_URL, ...extraIndexUrls, ...links].map(redactUrl),
    rule: "the configured indexes (index_url, extra_index_urls, find_links)",
    filesFollowIndex: true,
  };
}
