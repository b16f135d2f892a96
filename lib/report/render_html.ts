/**
 * The report as one self-contained HTML file (inline CSS, no script, no external resource), for
 * email clients and browsers. Every value is escaped: package names and messages are other
 * people's text.
 *
 * @module
 */
import type { ReportDocument } from "./report_document.ts";
import {
  cacheGrowthText,
  cacheTrafficText,
  problemCount,
  reportTitle,
  sourceText,
} from "./render_text.ts";

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

const e = escapeHtml;

const STYLE =
  `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1f24;max-width:72rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 .2rem;word-break:break-all}
.sev-error,.sev-CRITICAL,.sev-HIGH{color:#b42318;font-weight:600}.sev-warning,.sev-MEDIUM{color:#9a6700;font-weight:600}
.summary{font-size:1.1rem;font-weight:600}.clean{color:#1a7f37}.unknown{color:#b42318;font-weight:600}`;

function table(head: string[], rows: string[][]): string {
  return `<table>\n<thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join("")}</tr></thead>\n` +
    `<tbody>\n${
      rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n")
    }\n` +
    "</tbody>\n</table>";
}

const severity = (s: string) =>
  `<span class="sev-${e(s.replace(/[^A-Za-z]/g, ""))}">${e(s)}</span>`;
const code = (s: string | null) => s === null ? "" : `<code>${e(s)}</code>`;

/** Renders the report as a self-contained HTML document. */
export function renderHtml(doc: ReportDocument): string {
  const title = reportTitle(doc);
  const out: string[] = [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${e(title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    "</head>",
    "<body>",
    `<h1>${e(title)}</h1>`,
    `<p>Period: ${e(doc.period.since)} to ${e(doc.period.until)} (${e(doc.period.name)}). ` +
    `Home: <code>${e(doc.home)}</code>. gestvenv ${e(doc.version)}.</p>`,
    `<p class="summary${doc.clean ? " clean" : ""}">${e(problemCount(doc))}.</p>`,
  ];
  if (doc.problems.length > 0) {
    out.push("<h2>Problems and their fixes</h2>");
    out.push(table(
      ["Severity", "Environment", "Problem", "Fix"],
      doc.problems.map((p) => [
        severity(p.severity),
        e(p.environment ?? ""),
        e(p.title) + (p.detail === null ? "" : `<br>${e(p.detail)}`),
        code(p.fix),
      ]),
    ));
  }
  const c = doc.changes;
  if (c !== null) {
    out.push("<h2>What changed</h2>");
    if (!c.available) out.push(`<p class="unknown">Unknown: ${e(c.error ?? "")}</p>`);
    else {
      out.push(
        `<p>${c.operations} operation(s), ${c.failed} failed.` +
          (c.created.length > 0 ? ` Created: ${e(c.created.join(", "))}.` : "") +
          (c.deleted.length > 0 ? ` Deleted: ${e(c.deleted.join(", "))}.` : "") + "</p>",
      );
      if (c.by_environment.length > 0) {
        out.push(table(
          ["Environment", "Operations", "Failed", "Added", "Removed", "Upgraded"],
          c.by_environment.map((a) => [
            e(a.environment),
            String(a.operations),
            String(a.failed),
            e(a.added.join(", ")),
            e(a.removed.join(", ")),
            e(a.changed.join(", ")),
          ]),
        ));
      }
    }
  }
  const h = doc.health;
  if (h !== null) {
    out.push("<h2>Health</h2>");
    if (!h.available) out.push(`<p class="unknown">Unknown: ${e(h.error ?? "")}</p>`);
    else if (h.findings.length === 0) out.push("<p>Every check passed.</p>");
    else {
      out.push(`<p>${h.errors} error(s), ${h.warnings} warning(s).</p>`);
      out.push(table(
        ["Severity", "Subject", "Check", "Finding", "Fix"],
        h.findings.map((f) => [
          severity(f.severity),
          e(f.subject),
          e(f.id),
          e(f.message),
          code(f.fix),
        ]),
      ));
    }
  }
  const v = doc.vulnerabilities;
  out.push("<h2>Vulnerabilities</h2>");
  if (!v.available) {
    out.push(
      `<p class="unknown">Unknown (this is not an all-clear): ${e(v.error ?? "no source")}.${
        v.hint === null ? "" : ` What to do: ${e(v.hint)}.`
      }</p>`,
    );
  } else {
    out.push(
      `<p>Source: ${e(sourceText(doc))}. Environments audited: ${v.environments_audited}.</p>`,
    );
    if (v.findings.length === 0 && v.environments_audited > 0) {
      out.push("<p>No known vulnerabilities.</p>");
    }
    if (v.findings.length > 0) {
      out.push(table(
        ["Severity", "Environment", "Package", "Version", "Advisory", "Fixed in", "Fix"],
        v.findings.map((f) => [
          severity(f.severity),
          e(f.environment),
          e(f.package),
          e(f.version),
          e([f.id, ...f.aliases].join(", ")) + (f.summary === "" ? "" : `<br>${e(f.summary)}`),
          e(f.fixed_versions.join(", ") || "no fix published"),
          code(f.fix),
        ]),
      ));
    }
    if (v.not_audited.length > 0) {
      out.push(
        `<ul>${
          v.not_audited.map((n) => `<li>Not audited: ${e(n.environment)}: ${e(n.error)}</li>`)
            .join("")
        }</ul>`,
      );
    }
  }
  if (doc.cache !== null) {
    out.push("<h2>Cache</h2>");
    out.push(
      `<p>Size: ${e(cacheGrowthText(doc))}.</p>`,
      `<p>Traffic: ${e(cacheTrafficText(doc))}.</p>`,
    );
  }
  out.push("</body>", "</html>", "");
  return out.join("\n");
}
