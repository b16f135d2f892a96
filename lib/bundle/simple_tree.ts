/**
 * The PEP 503 `simple/` tree of a bundle: `simple/index.html` lists the projects and
 * `simple/<project>/index.html` links each file as `../../files/<file>#sha256=<hex>`, with
 * `data-requires-python` and, when the wheel's `.metadata` file is in the bundle, PEP 658/714
 * `data-dist-info-metadata`/`data-core-metadata`. Relative links make the extracted tree an index
 * wherever it lies (`pip install --no-index --index-url file:///…/simple`) or on any static web
 * server.
 *
 * @module
 */
import type { BundleFile } from "./bundle_manifest.ts";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function page(title: string, body: string[]): string {
  return [
    "<!DOCTYPE html>",
    "<html>",
    "<head>",
    '<meta name="pypi:repository-version" content="1.0">',
    `<title>${escapeHtml(title)}</title>`,
    "</head>",
    "<body>",
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * The pages of the `simple/` tree for `files`, as path in the bundle → HTML text, sorted by path.
 * Projects and files are sorted, so the same files give the same bytes.
 */
export function simplePages(files: readonly BundleFile[]): Map<string, string> {
  const metadata = new Map<string, BundleFile>();
  for (const f of files) {
    if (f.kind === "metadata" && f.metadata_of !== null) metadata.set(f.metadata_of, f);
  }
  const byProject = new Map<string, BundleFile[]>();
  for (const f of files) {
    if (f.kind === "metadata") continue;
    const list = byProject.get(f.project) ?? [];
    list.push(f);
    byProject.set(f.project, list);
  }
  const projects = [...byProject.keys()].sort();
  const pages = new Map<string, string>();
  pages.set(
    "simple/index.html",
    page(
      "Simple index",
      projects.map((p) => `<a href="${encodeURIComponent(p)}/">${escapeHtml(p)}</a><br/>`),
    ),
  );
  for (const project of projects) {
    const links = byProject.get(project)!.sort((a, b) =>
      a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0
    ).map((f) => {
      let attributes = "";
      if (f.requires_python !== null) {
        attributes += ` data-requires-python="${escapeHtml(f.requires_python)}"`;
      }
      const meta = metadata.get(f.filename);
      if (meta !== undefined) {
        attributes += ` data-dist-info-metadata="sha256=${meta.sha256}"` +
          ` data-core-metadata="sha256=${meta.sha256}"`;
      }
      const href = `../../files/${encodeURIComponent(f.filename)}#sha256=${f.sha256}`;
      return `<a href="${escapeHtml(href)}"${attributes}>${escapeHtml(f.filename)}</a><br/>`;
    });
    pages.set(`simple/${project}/index.html`, page(`Links for ${project}`, links));
  }
  return pages;
}
