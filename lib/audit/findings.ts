/**
 * Findings: the records that affect each distribution, one finding per vulnerability however many
 * databases know it (a PYSEC, a GHSA and a CVE id that alias each other are one finding), with a
 * severity from the CVSS v3 vector (computed, see `cvss.ts`), else the database's own rating.
 *
 * @module
 */
import { normalizeName } from "../names/mod.ts";
import { compareVersions, tryParseVersion } from "../pep440/mod.ts";
import { cvss3BaseScore, type Severity, severityOfLabel, severityOfScore } from "./cvss.ts";
import { matchRecord } from "./match_record.ts";
import type { OsvRecord } from "./osv_record.ts";

/**
 * One vulnerability of one distribution version: the JSON rows of `audit --format json`, and
 * what `auditDistributions` gives policy checks and SBOMs.
 */
export interface AuditFinding {
  /** The distribution's name as given. */
  package: string;
  /** Its version. */
  version: string;
  /** The vulnerability's id (PYSEC first, then GHSA, then others; CVE last). */
  id: string;
  /** Its other ids (CVE, GHSA, PYSEC), sorted. */
  aliases: string[];
  /** The CVSS v3 rating (computed from the vector), else the database's own, else UNKNOWN. */
  severity: Severity;
  /** The CVSS vector the severity comes from (v3; a v4 vector when there is no v3), or null. */
  cvss: string | null;
  /** One line about it. */
  summary: string;
  /** Versions that fix it, above the installed one, in PEP 440 order (none: no fix published). */
  fixed_versions: string[];
  /** Never set: withdrawn records are skipped (kept in the type for the shared JSON shape). */
  withdrawn?: undefined;
}

/** A distribution to audit. */
export interface AuditedDistribution {
  /** The name (any spelling). */
  name: string;
  /** The version. */
  version: string;
}

const ID_PREFERENCE = ["PYSEC-", "GHSA-"];

function idRank(id: string): number {
  const at = ID_PREFERENCE.findIndex((p) => id.startsWith(p));
  if (at >= 0) return at;
  return id.startsWith("CVE-") ? ID_PREFERENCE.length + 1 : ID_PREFERENCE.length;
}

function byIdPreference(a: string, b: string): number {
  return idRank(a) - idRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

const RANK: Record<Severity, number> = { UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

/** The severity of one record, with the vector it comes from. */
export function recordSeverity(record: OsvRecord): { severity: Severity; cvss: string | null } {
  let best: { severity: Severity; cvss: string | null; score: number } | undefined;
  for (const s of record.severity) {
    if (s.type !== "CVSS_V3") continue;
    const score = cvss3BaseScore(s.score);
    if (score !== null && (best === undefined || score > best.score)) {
      best = { severity: severityOfScore(score), cvss: s.score, score };
    }
  }
  if (best !== undefined) return { severity: best.severity, cvss: best.cvss };
  const v4 = record.severity.find((s) => s.type === "CVSS_V4")?.score ?? null;
  return { severity: severityOfLabel(record.database_severity), cvss: v4 };
}

/**
 * The findings for `dists`: each distribution matched against `records` (the records that may
 * concern it; others are simply not matched), records that alias each other merged into one
 * finding. Sorted by package, version, then id.
 */
export function findingsFor(
  dists: readonly AuditedDistribution[],
  records: readonly OsvRecord[],
): AuditFinding[] {
  const byName = new Map<string, OsvRecord[]>();
  for (const record of records) {
    for (const entry of record.affected) {
      if (entry.package.ecosystem !== "PyPI") continue;
      const key = normalizeName(entry.package.name);
      const list = byName.get(key);
      if (list === undefined) byName.set(key, [record]);
      else if (!list.includes(record)) list.push(record);
    }
  }
  const out: AuditFinding[] = [];
  const seen = new Set<string>();
  for (const dist of dists) {
    const key = `${normalizeName(dist.name)}==${dist.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const matched: Array<{ record: OsvRecord; fixed: string[] }> = [];
    for (const record of byName.get(normalizeName(dist.name)) ?? []) {
      const match = matchRecord(record, dist.name, dist.version);
      if (match !== null) matched.push({ record, fixed: match.fixed });
    }
    out.push(...mergeAliases(dist, matched));
  }
  return out.sort((a, b) =>
    normalizeName(a.package) < normalizeName(b.package)
      ? -1
      : normalizeName(a.package) > normalizeName(b.package)
      ? 1
      : a.version !== b.version
      ? a.version < b.version ? -1 : 1
      : byIdPreference(a.id, b.id)
  );
}

/** Groups matched records whose ids or aliases meet (union-find), one finding per group. */
function mergeAliases(
  dist: AuditedDistribution,
  matched: Array<{ record: OsvRecord; fixed: string[] }>,
): AuditFinding[] {
  const parent = matched.map((_, i) => i);
  const find = (i: number): number => parent[i] === i ? i : (parent[i] = find(parent[i]!));
  const owner = new Map<string, number>();
  matched.forEach(({ record }, i) => {
    for (const id of [record.id, ...record.aliases]) {
      const other = owner.get(id);
      if (other === undefined) owner.set(id, i);
      else parent[find(i)] = find(other);
    }
  });
  const groups = new Map<number, Array<{ record: OsvRecord; fixed: string[] }>>();
  matched.forEach((m, i) => {
    const root = find(i);
    const list = groups.get(root);
    if (list === undefined) groups.set(root, [m]);
    else list.push(m);
  });
  const findings: AuditFinding[] = [];
  for (const group of groups.values()) {
    const ids = new Set<string>();
    for (const { record } of group) for (const id of [record.id, ...record.aliases]) ids.add(id);
    const primary = group.map((g) => g.record.id).sort(byIdPreference)[0]!;
    const head = group.find((g) => g.record.id === primary)!.record;
    let severity: Severity = "UNKNOWN", cvss: string | null = null;
    for (const { record } of [{ record: head }, ...group]) {
      const s = recordSeverity(record);
      const better = RANK[s.severity] > RANK[severity] ||
        (RANK[s.severity] === RANK[severity] && cvss === null && s.cvss !== null);
      if (better) ({ severity, cvss } = s);
    }
    const fixed = new Map<string, string>();
    for (const g of group) {
      for (const f of g.fixed) {
        const v = tryParseVersion(f);
        if (v !== null) fixed.set(JSON.stringify(v), f);
      }
    }
    findings.push({
      package: dist.name,
      version: dist.version,
      id: primary,
      aliases: [...ids].filter((id) => id !== primary).sort(byIdPreference),
      severity,
      cvss,
      summary: head.summary || group.find((g) => g.record.summary !== "")?.record.summary ||
        firstLine(head.details),
      fixed_versions: [...fixed.values()].sort((a, b) =>
        compareVersions(tryParseVersion(a)!, tryParseVersion(b)!)
      ),
    });
  }
  return findings;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
