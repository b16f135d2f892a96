/**
 * Project pages of the "simple repository API": PEP 691 JSON and PEP 503 HTML, both turned into
 * one list of files with hashes, `requires-python` (PEP 503 `data-requires-python`), yanked
 * status (PEP 592) and core-metadata availability (PEP 658/714).
 *
 * @module
 */
import { NetworkError } from "../errors/mod.ts";
import { redactUrl } from "./http_client.ts";

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

/**
 * Parses a PEP 691 JSON project page; relative URLs resolve against `pageUrl`.
 * @throws {SyntaxError} when the text is not JSON.
 */
export function parseJsonPage(text: string, pageUrl: string): IndexFile[] {
  return jsonPageFiles(JSON.parse(text) as { files?: Record<string, unknown>[] }, pageUrl);
}

/** `href` resolved against `base`, or null when it is not a URL (such links are skipped). */
function resolveUrl(href: string, base: string): string | null {
  try {
    return new URL(href, base).href;
  } catch {
    return null;
  }
}

function jsonPageFiles(page: { files?: Record<string, unknown>[] }, pageUrl: string): IndexFile[] {
  const files: IndexFile[] = [];
  for (const f of page.files ?? []) {
    const href = resolveUrl(String(f.url), pageUrl);
    if (href === null) continue;
    const { url, sha256 } = splitHash(href);
    const hashes = (typeof f.hashes === "object" && f.hashes !== null ? f.hashes : {}) as Record<
      string,
      unknown
    >;
    const yanked = f.yanked;
    files.push({
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
    });
  }
  return files;
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
    });
  }
  return files;
}

/** Why a page is not one of the simple API, for {@linkcode parseSimplePage}'s errors. */
function notAPage(url: string, contentType: string | null, reason: string): NetworkError {
  return new NetworkError(
    `${redactUrl(url)} did not answer with a package index page (${reason}; Content-Type: ${
      contentType || "none"
    })`,
    {
      hint:
        "Check the index URL; a proxy, a captive portal or a misconfigured server may be answering instead of the index",
    },
  );
}

const HTML_TAG = /<(!doctype\s+html|html|head|body|a|meta|title|pre|h1)[\s>]/i;

/**
 * Parses a project page answered by an index, whatever its `Content-Type` claims: PEP 691 JSON
 * (an object with a `files` array of objects with a `filename` and a `url`), or PEP 503 HTML (text
 * with HTML tags; a page without links is a project without files). The content type decides
 * first; a missing or wrong one is corrected by looking at the text (`{` for JSON, tags for
 * HTML), as pip and uv accept such indexes.
 * @throws {NetworkError} naming the URL (credentials removed) when the body is neither: not
 *   UTF-8, invalid JSON, JSON of another shape, or text without any HTML.
 */
export function parseSimplePage(
  body: Uint8Array,
  contentType: string | null,
  url: string,
): IndexFile[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw notAPage(url, contentType, "the body is not UTF-8 text");
  }
  const type = (contentType ?? "").toLowerCase();
  const start = text.trimStart().slice(0, 1);
  const html = HTML_TAG.test(text.slice(0, 65536));
  if (type.includes("json") || (start === "{" && !(type.includes("html") && html))) {
    let page: unknown;
    try {
      page = JSON.parse(text);
    } catch {
      throw notAPage(url, contentType, "invalid JSON");
    }
    const files = (page as { files?: unknown } | null)?.files;
    const valid = typeof page === "object" && page !== null && Array.isArray(files) &&
      files.every((f) =>
        typeof f === "object" && f !== null && typeof f.filename === "string" &&
        typeof f.url === "string"
      );
    if (!valid) throw notAPage(url, contentType, "JSON that is not a PEP 691 project page");
    return jsonPageFiles(page as { files: Record<string, unknown>[] }, url);
  }
  if (!html) throw notAPage(url, contentType, "neither HTML nor JSON");
  return parseHtmlPage(text, url);
}
