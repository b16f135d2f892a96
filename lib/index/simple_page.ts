/**
 * Project pages of the "simple repository API": PEP 691 JSON and PEP 503 HTML, both turned into
 * one list of files with hashes, `requires-python` (PEP 503 `data-requires-python`), yanked
 * status (PEP 592) and core-metadata availability (PEP 658/714).
 *
 * @module
 */

/** The `Accept` header of PEP 691 content negotiation: JSON first, HTML as fallback. */
export const SIMPLE_ACCEPT =
  "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/** One distribution file listed by an index or a find-links location. */
export interface IndexFile {
  /** File name, e.g. `flask-3.0.3-py3-none-any.whl`. */
  filename: string;
  /** Absolute URL (`https://`, `http://` or `file://`), without the hash fragment. */
  url: string;
  /** sha256 digest (hex), or null when the index gives none. */
  sha256: string | null;
  /** `requires-python` specifier text, or null. */
  requiresPython: string | null;
  /** Yank reason (`""` when yanked without one), or null when not yanked (PEP 592). */
  yanked: string | null;
  /** PEP 658: a `.metadata` file exists; a string is its sha256. */
  coreMetadata: boolean | string;
  /** Size in bytes, when the index says. */
  size: number | null;
  /** Upload time (ISO 8601), when the index says (PEP 700). */
  uploadTime: string | null;
  /**
   * A local copy with the same sha256 (the package cache's), read instead of `url` for metadata;
   * set only on files offline mode takes from the cache.
   */
  localPath?: string;
  /**
   * PEP 740: the URL of the file's provenance object (PEP 691 JSON `provenance`, PEP 503 HTML
   * `data-provenance`), resolved against the page; absent when the index gives none. Not
   * kept in the page cache (read from a fresh page by `verify --signatures`).
   */
  provenance?: string | null;
}

function unescapeHtml(s: string): string {
  return s.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (all, code: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (code[0] === "#") {
      const n = code[1] === "x" || code[1] === "X"
        ? parseInt(code.slice(2), 16)
        : parseInt(code.slice(1), 10);
      return Number.isNaN(n) ? all : String.fromCodePoint(n);
    }
    return named[code.toLowerCase()] ?? all;
  });
}

function splitHash(url: string): { url: string; sha256: string | null } {
  const hash = url.indexOf("#");
  if (hash < 0) return { url, sha256: null };
  const m = /sha256=([0-9a-f]{64})/i.exec(url.slice(hash));
  return { url: url.slice(0, hash), sha256: m?.[1]?.toLowerCase() ?? null };
}

function metadataFlag(value: unknown): boolean | string {
  if (value === undefined || value === null || value === false || value === "false") return false;
  if (typeof value === "object") {
    const sha = (value as Record<string, unknown>).sha256;
    return typeof sha === "string" ? sha.toLowerCase() : true;
  }
  if (typeof value === "string") {
    const m = /^sha256=([0-9a-f]{64})$/i.exec(value);
    return m === null ? true : m[1]!.toLowerCase();
  }
  return value === true;
}

/** `{provenance}` when `href` is a (PEP 740) provenance URL, else nothing (the key stays absent). */
function provenanceOf(href: string | undefined, base: string): { provenance?: string } {
  const url = href === undefined || href === "" ? null : resolveUrl(href, base);
  return url === null ? {} : { provenance: url };
}

/**
 * Parses a PEP 691 JSON project page; relative URLs resolve against `pageUrl`.
 * @throws {SyntaxError} when the text is not JSON.
 */
export function parseJsonPage(text: string, pageUrl: string): IndexFile[] {
  return jsonPageFiles(JSON.parse(text) as { files?: Record<string, unknown>[] }, pageUrl);
}

/** `href` resolved against `base`, or null when it is not a URL (such links are skipped). */
function resolveUrl(href: string, base: string): string | null {
  // Most indexes (PyPI's JSON) give plain absolute URLs: no need to parse them.
  if (/^https:\/\/[A-Za-z0-9.-]+\/[A-Za-z0-9._~\/%+-]*(#[A-Za-z0-9=]*)?$/.test(href)) return href;
  try {
    return new URL(href, base).href;
  } catch {
    return null;
  }
}

function jsonPageFiles(page: { files?: Record<string, unknown>[] }, pageUrl: string): IndexFile[] {
  const files: IndexFile[] = [];
  for (const f of page.files ?? []) {
    const file = jsonFile(f, pageUrl);
    if (file !== null) files.push(file);
  }
  return files;
}

/**
 * One entry of a PEP 691 page's `files` array as an {@linkcode IndexFile}, or null when its
 * `url` is not a URL (skipped, as pip does).
 */
export function jsonFile(f: Record<string, unknown>, pageUrl: string): IndexFile | null {
  const href = resolveUrl(String(f.url), pageUrl);
  if (href === null) return null;
  const { url, sha256 } = splitHash(href);
  const hashes = (typeof f.hashes === "object" && f.hashes !== null ? f.hashes : {}) as Record<
    string,
    unknown
  >;
  const yanked = f.yanked;
  return {
    filename: String(f.filename),
    url,
    sha256: typeof hashes.sha256 === "string" ? hashes.sha256.toLowerCase() : sha256,
    requiresPython: typeof f["requires-python"] === "string" && f["requires-python"] !== ""
      ? f["requires-python"] as string
      : null,
    yanked: yanked === true ? "" : typeof yanked === "string" ? yanked : null,
    coreMetadata: metadataFlag(f["core-metadata"] ?? f["dist-info-metadata"]),
    size: typeof f.size === "number" ? f.size : null,
    uploadTime: typeof f["upload-time"] === "string" ? f["upload-time"] as string : null,
    ...provenanceOf(typeof f.provenance === "string" ? f.provenance : undefined, pageUrl),
  };
}

const ANCHOR = /<a\s([^>]*)>([^<]*)<\/a>/gi;
const ATTRIBUTE = /([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))|([a-z-]+)/gi;

/** Parses a PEP 503 HTML page (or a find-links page); relative URLs resolve against `pageUrl`. */
export function parseHtmlPage(text: string, pageUrl: string): IndexFile[] {
  const base = /<base\s[^>]*href\s*=\s*["']([^"']+)["']/i.exec(text)?.[1];
  const baseUrl = (base === undefined ? null : resolveUrl(unescapeHtml(base), pageUrl)) ?? pageUrl;
  const files: IndexFile[] = [];
  for (const [, attrText, label] of text.matchAll(ANCHOR)) {
    const attrs = new Map<string, string>();
    for (const m of attrText!.matchAll(ATTRIBUTE)) {
      if (m[1] !== undefined) {
        attrs.set(m[1].toLowerCase(), unescapeHtml(m[2] ?? m[3] ?? m[4] ?? ""));
      } else if (m[5] !== undefined) attrs.set(m[5].toLowerCase(), "");
    }
    const href = attrs.get("href");
    if (href === undefined) continue;
    const resolved = resolveUrl(href, baseUrl);
    if (resolved === null) continue;
    const { url, sha256 } = splitHash(resolved);
    let filename: string;
    try {
      filename = decodeURIComponent(url.split("/").pop() ?? "") || unescapeHtml(label!.trim());
    } catch {
      continue; // A malformed %-escape: not a file name.
    }
    const yanked = attrs.get("data-yanked");
    files.push({
      filename,
      url,
      sha256,
      requiresPython: attrs.get("data-requires-python") || null,
      yanked: yanked === undefined ? null : yanked,
      coreMetadata: metadataFlag(
        attrs.get("data-core-metadata") ?? attrs.get("data-dist-info-metadata"),
      ),
      size: null,
      uploadTime: null,
      ...provenanceOf(attrs.get("data-provenance"), baseUrl),
    });
  }
  return files;
}
