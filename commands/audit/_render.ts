/**
 * How `audit security` shows its findings: a table (package, version, id, aliases, severity,
 * fixed in, summary), or Markdown (the same with the CVSS vector), one section per target.
 * Text from vulnerability records is cleaned of control characters and terminal escapes.
 *
 * @module
 */
import type { AuditFinding } from "../../lib/audit/mod.ts";

// C0/C1 controls, DEL, bidi overrides and line separators: never sent to a terminal as they are.
// deno-lint-ignore no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]+/g;

/** Text from a record made safe for one line of a terminal or a Markdown cell. */
export function clean(text: string, max = 120): string {
  const one = text.replace(UNSAFE, " ").replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The rows of the table for some findings (`environment` first when several targets). */
export function tableRows(
  findings: ReadonlyArray<AuditFinding & { target?: string }>,
  withTarget: boolean,
): string[][] {
  return findings.map((f) => [
    ...(withTarget ? [f.target ?? ""] : []),
    clean(f.package, 60),
    clean(f.version, 30),
    clean(f.id, 40),
    f.aliases.map((a) => clean(a, 40)).join(", ") || "-",
    f.severity,
    f.fixed_versions.map((v) => clean(v, 30)).join(", ") || "none",
    clean(f.summary, 60) || "-",
  ]);
}

/** The table's header. */
export function tableHead(withTarget: boolean): string[] {
  return [
    ...(withTarget ? ["target"] : []),
    "package",
    "version",
    "id",
    "aliases",
    "severity",
    "fixed in",
    "summary",
  ];
}

const cell = (text: string) => clean(text, 200).replace(/\\/g, "\\\\").replace(/\|/g, "\\|");

/**
 * The findings as a Markdown document: a title, the source, then per target a table with the
 * CVSS vector column, and the notes as a list.
 */
export function markdownReport(
  sections: ReadonlyArray<{ title: string; findings: readonly AuditFinding[] }>,
  source: string,
  notes: readonly string[],
): string {
  const lines = ["# Vulnerability audit", "", `Source: ${cell(source)}`, ""];
  for (const { title, findings } of sections) {
    lines.push(`## ${cell(title)}`, "");
    if (findings.length === 0) {
      lines.push("No known vulnerabilities.", "");
      continue;
    }
    lines.push(
      "| Package | Version | ID | Aliases | Severity | CVSS | Fixed in | Summary |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const f of findings) {
      lines.push(
        `| ${cell(f.package)} | ${cell(f.version)} | ${cell(f.id)} | ${
          cell(f.aliases.join(", ")) || "-"
        } | ${f.severity} | ${f.cvss === null ? "-" : `\`${cell(f.cvss)}\``} | ${
          cell(f.fixed_versions.join(", ")) || "none"
        } | ${cell(f.summary) || "-"} |`,
      );
    }
    lines.push("");
  }
  if (notes.length > 0) {
    lines.push("## Notes", "");
    for (const note of notes) lines.push(`- ${cell(note)}`);
    lines.push("");
  }
  return lines.join("\n");
}
