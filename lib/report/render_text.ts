/**
 * Words and figures the markdown and HTML renderings share.
 *
 * @module
 */
import type { ReportDocument } from "./report_document.ts";

/** A byte count with binary units (`12.3 MiB`); a sign for growth when `signed`. */
export function bytesText(bytes: number, signed = false): string {
  const sign = signed ? (bytes > 0 ? "+" : bytes < 0 ? "-" : "±") : bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${sign}${i === 0 ? value : value.toFixed(1)} ${units[i]}`;
}

/** The report's title: `gestvenv daily report, 2026-11-30`. */
export function reportTitle(doc: ReportDocument): string {
  return `gestvenv ${doc.report} report, ${doc.period.until.slice(0, 10)}`;
}

/** `3 problems`, `1 problem`, `No problems`. */
export function problemCount(doc: ReportDocument): string {
  const n = doc.problems.length;
  return n === 0 ? "No problems" : `${n} problem${n === 1 ? "" : "s"}`;
}

/** The vulnerability source in words. */
export function sourceText(doc: ReportDocument): string {
  const v = doc.vulnerabilities;
  if (!v.available) return "none could be used";
  if (v.source === null) return "nothing to audit (no environment)";
  const name = v.source === "osv" ? "OSV" : "the offline database";
  return v.fallback_reason === null ? name : `${name} (${v.fallback_reason})`;
}

/** The cache's growth in words, saying what is unknown. */
export function cacheGrowthText(doc: ReportDocument): string {
  const c = doc.cache;
  if (c === null) return "";
  if (!c.available || c.bytes_now === null) return `unknown (${c.error ?? "no size"})`;
  const now = `${bytesText(c.bytes_now)} now`;
  if (c.bytes_at_start === null || c.growth_bytes === null) {
    return `${now}; its size at the period's start is unknown (no report measured it then; ` +
      "this report recorded today's size for the next one)";
  }
  return `${now}, ${bytesText(c.bytes_at_start)} at ${c.start_measured_at}: ${
    bytesText(c.growth_bytes, true)
  }`;
}

/** What the period downloaded and the hit rate, in words. */
export function cacheTrafficText(doc: ReportDocument): string {
  const c = doc.cache;
  if (c === null) return "";
  const downloaded = c.downloaded_bytes === null
    ? "downloads unknown (no operation of the period recorded them)"
    : `${bytesText(c.downloaded_bytes)} downloaded in the period`;
  const rate = c.hit_rate === null
    ? "no artifact asked for"
    : `${(c.hit_rate * 100).toFixed(1)}% served from the cache`;
  return `${downloaded}; ${rate}` +
    (c.unmeasured_operations > 0
      ? ` (${c.unmeasured_operations} operations recorded no figures)`
      : "");
}
