/**
 * The report as Markdown (GitHub-flavoured tables): for a terminal, a chat or a ticket.
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

/**
 * Text made inert in Markdown: characters with a meaning are backslash-escaped (package names
 * and messages are other people's text), `|` too (table cells), line breaks become spaces.
 */
export function markdownText(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

/** A code span that holds `text` whatever backticks it has (`|` escaped for table cells). */
export function markdownCode(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ").replaceAll("|", "\\|");
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

const t = markdownText;
const fixCell = (fix: string | null) => fix === null ? "" : markdownCode(fix);

/** Renders the report as Markdown. Every value from the document is escaped. */
export function renderMarkdown(doc: ReportDocument): string {
  const out: string[] = [`# ${t(reportTitle(doc))}`, ""];
  out.push(
    `Period: ${doc.period.since} to ${doc.period.until} (${doc.period.name}). ` +
      `Home: ${t(doc.home)}. gestvenv ${t(doc.version)}.`,
    "",
    `**${problemCount(doc)}.**`,
    "",
  );
  if (doc.problems.length > 0) {
    out.push("## Problems and their fixes", "");
    out.push(
      ...table(
        ["Severity", "Environment", "Problem", "Fix"],
        doc.problems.map((p) => [
          t(p.severity),
          t(p.environment ?? ""),
          t(p.title) + (p.detail === null ? "" : `: ${t(p.detail)}`),
          fixCell(p.fix),
        ]),
      ),
      "",
    );
  }
  const c = doc.changes;
  if (c !== null) {
    out.push("## What changed", "");
    if (!c.available) out.push(`Unknown: ${t(c.error ?? "")}`, "");
    else {
      out.push(
        `${c.operations} operation${c.operations === 1 ? "" : "s"}, ${c.failed} failed.` +
          (c.created.length > 0 ? ` Created: ${c.created.map(t).join(", ")}.` : "") +
          (c.deleted.length > 0 ? ` Deleted: ${c.deleted.map(t).join(", ")}.` : ""),
        "",
      );
      if (c.by_environment.length > 0) {
        out.push(
          ...table(
            ["Environment", "Operations", "Failed", "Added", "Removed", "Upgraded"],
            c.by_environment.map((a) => [
              t(a.environment),
              String(a.operations),
              String(a.failed),
              t(a.added.join(", ")),
              t(a.removed.join(", ")),
              t(a.changed.join(", ")),
            ]),
          ),
          "",
        );
      }
    }
  }
  const h = doc.health;
  if (h !== null) {
    out.push("## Health", "");
    if (!h.available) out.push(`Unknown: ${t(h.error ?? "")}`, "");
    else if (h.findings.length === 0) out.push("Every check passed.", "");
    else {
      out.push(`${h.errors} error(s), ${h.warnings} warning(s).`, "");
      out.push(
        ...table(
          ["Severity", "Subject", "Check", "Finding", "Fix"],
          h.findings.map((f) => [
            t(f.severity),
            t(f.subject),
            t(f.id),
            t(f.message),
            fixCell(f.fix),
          ]),
        ),
        "",
      );
    }
  }
  const v = doc.vulnerabilities;
  out.push("## Vulnerabilities", "");
  if (!v.available) {
    out.push(
      `**Unknown** (this is not an all-clear): ${t(v.error ?? "no source")}.` +
        (v.hint === null ? "" : ` What to do: ${t(v.hint)}.`),
      "",
    );
  } else {
    out.push(`Source: ${t(sourceText(doc))}. Environments audited: ${v.environments_audited}.`, "");
    if (v.findings.length === 0 && v.environments_audited > 0) {
      out.push("No known vulnerabilities.", "");
    }
    if (v.findings.length > 0) {
      out.push(
        ...table(
          ["Severity", "Environment", "Package", "Version", "Advisory", "Fixed in", "Fix"],
          v.findings.map((f) => [
            t(f.severity),
            t(f.environment),
            t(f.package),
            t(f.version),
            t([f.id, ...f.aliases].join(", ")) + (f.summary === "" ? "" : `: ${t(f.summary)}`),
            t(f.fixed_versions.join(", ") || "no fix published"),
            fixCell(f.fix),
          ]),
        ),
        "",
      );
    }
    for (const n of v.not_audited) out.push(`- Not audited: ${t(n.environment)}: ${t(n.error)}`);
    if (v.not_audited.length > 0) out.push("");
  }
  if (doc.cache !== null) {
    out.push("## Cache", "", `Size: ${t(cacheGrowthText(doc))}.`, "");
    out.push(`Traffic: ${t(cacheTrafficText(doc))}.`, "");
  }
  return out.join("\n");
}
