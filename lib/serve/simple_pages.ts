/**
 * The pages of the simple repository API as the cache server writes them: the root list of
 * projects and one project's files, as PEP 503 HTML (with PEP 658/714 and PEP 592 attributes) or
 * PEP 691 JSON (API version 1.1: PEP 700's `versions`, `size` and `upload-time`).
 *
 * @module
 */

/** API version announced in both forms (PEP 629 meta tag, PEP 691 `meta`). */
export const API_VERSION = "1.1";

/** One file of a project page. */
export interface PageFile {
  /** The distribution file name. */
  filename: string;
  /** Its URL, relative to the server root (`/files/<sha256>/<filename>`). */
  url: string;
  /** sha256 of the file, hex. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** `Requires-Python` from the file's metadata, or null. */
  requiresPython: string | null;
  /** sha256 of the PEP 658 `.metadata` file, or null when none is served. */
  metadataSha256: string | null;
  /** When the file entered the cache (ms since the epoch). */
  added: number;
  /** The file's version (for PEP 700 `versions`). */
  version: string;
}

/** What the root page's JSON carries in `meta._gestvenv` (a PEP 691 private key). */
export interface ServerInfo {
  /** gestvenv's version. */
  version: string;
  /** Artifacts served. */
  artifacts: number;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function htmlPage(title: string, body: string[]): string {
  return [
    "<!DOCTYPE html>",
    "<html>",
    "<head>",
    `<meta name="pypi:repository-version" content="${API_VERSION}">`,
    `<title>${escapeHtml(title)}</title>`,
    "</head>",
    "<body>",
    `<h1>${escapeHtml(title)}</h1>`,
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** The root page (PEP 503): one link per normalized project name. */
export function rootHtml(projects: readonly string[]): string {
  return htmlPage(
    "Simple index",
    projects.map((p) => `<a href="/simple/${encodeURIComponent(p)}/">${escapeHtml(p)}</a><br/>`),
  );
}

/** The root page (PEP 691 JSON), with gestvenv's private `_gestvenv` meta key. */
export function rootJson(projects: readonly string[], info: ServerInfo): string {
  return JSON.stringify({
    meta: { "api-version": API_VERSION, _gestvenv: info },
    projects: projects.map((name) => ({ name })),
  });
}

/** A project page (PEP 503 HTML): `#sha256=` fragments, `data-requires-python`, PEP 658/714. */
export function projectHtml(name: string, files: readonly PageFile[]): string {
  return htmlPage(
    `Links for ${name}`,
    files.map((f) => {
      let attrs = "";
      if (f.requiresPython !== null) {
        attrs += ` data-requires-python="${escapeHtml(f.requiresPython)}"`;
      }
      if (f.metadataSha256 !== null) {
        // PEP 714's name, and PEP 658's for older clients.
        attrs += ` data-core-metadata="sha256=${f.metadataSha256}"`;
        attrs += ` data-dist-info-metadata="sha256=${f.metadataSha256}"`;
      }
      return `<a href="${escapeHtml(f.url)}#sha256=${f.sha256}"${attrs}>${
        escapeHtml(f.filename)
      }</a><br/>`;
    }),
  );
}

/** A project page (PEP 691 JSON, API 1.1). */
export function projectJson(name: string, files: readonly PageFile[]): string {
  const versions = [...new Set(files.map((f) => f.version).filter((v) => v !== ""))];
  return JSON.stringify({
    meta: { "api-version": API_VERSION },
    name,
    versions,
    files: files.map((f) => {
      const metadata = f.metadataSha256 === null ? false : { sha256: f.metadataSha256 };
      return {
        filename: f.filename,
        url: f.url,
        hashes: { sha256: f.sha256 },
        "requires-python": f.requiresPython,
        "core-metadata": metadata,
        "dist-info-metadata": metadata,
        size: f.size,
        "upload-time": new Date(f.added).toISOString().replace(/Z$/, "000Z"),
        yanked: false,
      };
    }),
  });
}
