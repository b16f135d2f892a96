/**
 * CVSS v3.0/v3.1 base scores computed from a vector string, with FIRST's formulas and weights
 * (CVSS v3.1 specification §7.1 "Base Metrics Equations", §7.4 "Metric Values", Appendix A
 * "Roundup"; v3.0 §8.1 and its simpler round-up), and the qualitative rating (§5).
 *
 * @module
 */

/** The qualitative severity of a finding: CVSS ratings, or UNKNOWN when nothing scores it. */
export type Severity = "LOW" | "MEDIUM" | "HIGH" | "CRITICAL" | "UNKNOWN";

/** The severities from lowest to highest (UNKNOWN first: it never passes a threshold but LOW). */
export const SEVERITY_ORDER: readonly Severity[] = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

const AV: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const AC: Record<string, number> = { L: 0.77, H: 0.44 };
const UI: Record<string, number> = { N: 0.85, R: 0.62 };
const CIA: Record<string, number> = { H: 0.56, L: 0.22, N: 0 };
const PR_UNCHANGED: Record<string, number> = { N: 0.85, L: 0.62, H: 0.27 };
const PR_CHANGED: Record<string, number> = { N: 0.85, L: 0.68, H: 0.5 };

/** CVSS v3.1 Appendix A: round up to one decimal, avoiding floating-point artefacts. */
function roundUp31(value: number): number {
  const int = Math.round(value * 100000);
  return int % 10000 === 0 ? int / 100000 : (Math.floor(int / 10000) + 1) / 10;
}

/** CVSS v3.0 §8.1: the smallest number, to one decimal, equal to or higher than its input. */
function roundUp30(value: number): number {
  return Math.ceil(value * 10) / 10;
}

/**
 * The base score (0.0–10.0) of a CVSS v3.0 or v3.1 vector (`CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/
 * C:H/I:H/A:H` → 9.8), or null when the string is not a complete v3 base vector (a v2 or v4
 * vector, a missing or unknown metric). Temporal and environmental metrics are ignored.
 */
export function cvss3BaseScore(vector: string): number | null {
  const parts = vector.trim().split("/");
  const head = /^CVSS:3\.([01])$/.exec(parts[0] ?? "");
  if (head === null) return null;
  const metrics = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const [key, value, ...rest] = part.split(":");
    if (key === undefined || value === undefined || rest.length > 0) return null;
    metrics.set(key, value);
  }
  const get = (key: string, table: Record<string, number>) => {
    const value = metrics.get(key);
    return value !== undefined && Object.hasOwn(table, value) ? table[value]! : null;
  };
  const scope = metrics.get("S");
  if (scope !== "U" && scope !== "C") return null;
  const changed = scope === "C";
  const av = get("AV", AV), ac = get("AC", AC), ui = get("UI", UI);
  const pr = get("PR", changed ? PR_CHANGED : PR_UNCHANGED);
  const c = get("C", CIA), i = get("I", CIA), a = get("A", CIA);
  if (av === null || ac === null || ui === null || pr === null) return null;
  if (c === null || i === null || a === null) return null;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  const roundUp = head[1] === "1" ? roundUp31 : roundUp30;
  return changed
    ? roundUp(Math.min(1.08 * (impact + exploitability), 10))
    : roundUp(Math.min(impact + exploitability, 10));
}

/**
 * The CVSS v3 qualitative rating of a base score (§5): 0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9
 * HIGH, 9.0–10.0 CRITICAL. A score of 0.0 ("None") is reported as LOW: it still names a
 * vulnerability.
 */
export function severityOfScore(score: number): Severity {
  if (score >= 9) return "CRITICAL";
  if (score >= 7) return "HIGH";
  if (score >= 4) return "MEDIUM";
  return "LOW";
}

/**
 * A database's own rating as a {@linkcode Severity}: GitHub's `LOW`, `MODERATE`, `HIGH`,
 * `CRITICAL` (any case; `MODERATE` and `MEDIUM` are MEDIUM), else UNKNOWN.
 */
export function severityOfLabel(label: string | undefined): Severity {
  switch (label?.toUpperCase()) {
    case "LOW":
      return "LOW";
    case "MODERATE":
    case "MEDIUM":
      return "MEDIUM";
    case "HIGH":
      return "HIGH";
    case "CRITICAL":
      return "CRITICAL";
    default:
      return "UNKNOWN";
  }
}

/**
 * Whether `severity` is at or above `threshold`. UNKNOWN passes every threshold: a vulnerability
 * nothing rates may be critical, so it is never hidden by `--severity`.
 */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  if (severity === "UNKNOWN") return true;
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);
}
