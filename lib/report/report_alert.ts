/**
 * The report as an alert message (`report --slack URL`, `--email ADDRESS`, through lib/notify).
 *
 * @module
 */
import { type AlertFinding, type AlertMessage, alertText } from "../notify/mod.ts";
import type { ReportDocument } from "./report_document.ts";
import { cacheGrowthText, problemCount, reportTitle, sourceText } from "./render_text.ts";

/**
 * The alert for a report: subject `gestvenv daily report, DATE: N problems`, one finding per
 * problem (its fix included), and the vulnerability source and the cache's growth as the footer.
 */
export function reportAlert(doc: ReportDocument): AlertMessage {
  const findings: AlertFinding[] = doc.problems.map((p) => ({
    fingerprint: `report:${p.kind}:${p.environment ?? ""}:${p.title}`,
    severity: p.severity.toLowerCase(),
    title: p.title,
    detail: p.detail ?? undefined,
    fix: p.fix ?? undefined,
    environment: p.environment ?? undefined,
  }));
  const subject = `${reportTitle(doc)}: ${problemCount(doc)}`;
  const footer = [
    `Vulnerabilities: ${sourceText(doc)}.`,
    ...(doc.cache === null ? [] : [`Cache: ${cacheGrowthText(doc)}.`]),
    `Period: ${doc.period.since} to ${doc.period.until}. Home: ${doc.home}.`,
  ].join("\n");
  const intro = doc.clean
    ? `${reportTitle(doc)}: no problems.`
    : `${reportTitle(doc)}: ${problemCount(doc)}, each with the command that fixes it.`;
  return { subject, text: alertText(intro, findings, footer), findings };
}
