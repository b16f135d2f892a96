/**
 * The OSV record (Open Source Vulnerability schema 1.6, https://ossf.github.io/osv-schema/): the
 * fields gestvenv reads, and a parser that checks their types so a hostile or malformed record is
 * refused (or the field ignored) rather than trusted.
 *
 * @module
 */
import { InvalidSyntaxError } from "../errors/mod.ts";

/** One event of a range (OSV §affected[].ranges[].events): exactly one key is set. */
export interface OsvEvent {
  /** The version the vulnerability starts at (`"0"`: every version before the next event). */
  introduced?: string;
  /** The first version that is no longer affected (exclusive end). */
  fixed?: string;
  /** The last affected version (inclusive end). */
  last_affected?: string;
  /** An upper limit of the range (exclusive; used by GIT ranges). */
  limit?: string;
}

/** A range of affected versions (OSV §affected[].ranges[]). */
export interface OsvRange {
  /** `ECOSYSTEM` (PEP 440 ordering for PyPI), `SEMVER` or `GIT` (commits: ignored here). */
  type: string;
  /** The events, in any order. */
  events: OsvEvent[];
}

/** One affected package (OSV §affected[]). */
export interface OsvAffected {
  /** The package: `ecosystem` (`PyPI`) and `name` (as published). */
  package: { ecosystem: string; name: string };
  /** Version ranges. */
  ranges: OsvRange[];
  /** Explicitly affected versions. */
  versions: string[];
  /** `ecosystem_specific` / `database_specific` of the affected entry are not read. */
}

/** A severity score (OSV §severity[]): `type` CVSS_V2/CVSS_V3/CVSS_V4, `score` the vector. */
export interface OsvSeverity {
  /** `CVSS_V3`, `CVSS_V4`, `CVSS_V2`, `Ubuntu`. */
  type: string;
  /** For CVSS: the vector string (`CVSS:3.1/AV:N/...`). */
  score: string;
}

/** An OSV vulnerability record, as far as gestvenv reads it. */
export interface OsvRecord {
  /** `PYSEC-2018-28`, `GHSA-x84v-xcm2-53pg`. */
  id: string;
  /** RFC 3339 time of the last change. */
  modified: string;
  /** Other ids of the same vulnerability (`CVE-2018-18074`). */
  aliases: string[];
  /** RFC 3339 time of withdrawal: a withdrawn record is never reported. */
  withdrawn?: string;
  /** One line. */
  summary: string;
  /** Longer Markdown text. */
  details: string;
  /** Scores. */
  severity: OsvSeverity[];
  /** Affected packages. */
  affected: OsvAffected[];
  /** `database_specific.severity` (GHSA: `LOW`, `MODERATE`, `HIGH`, `CRITICAL`), when a string. */
  database_severity?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

const text = (v: unknown): string => typeof v === "string" ? v : "";

function parseEvent(v: unknown): OsvEvent | null {
  if (!isObject(v)) return null;
  for (const key of ["introduced", "fixed", "last_affected", "limit"] as const) {
    if (typeof v[key] === "string") return { [key]: v[key] } as OsvEvent;
  }
  return null;
}

function parseAffected(v: unknown): OsvAffected | null {
  if (!isObject(v) || !isObject(v.package)) return null;
  const { ecosystem, name } = v.package;
  if (typeof ecosystem !== "string" || typeof name !== "string") return null;
  const ranges: OsvRange[] = [];
  for (const r of Array.isArray(v.ranges) ? v.ranges : []) {
    if (!isObject(r) || typeof r.type !== "string" || !Array.isArray(r.events)) continue;
    ranges.push({
      type: r.type,
      events: r.events.map(parseEvent).filter((e): e is OsvEvent => e !== null),
    });
  }
  return { package: { ecosystem, name }, ranges, versions: strings(v.versions) };
}

/**
 * Checks and narrows one OSV record (JSON already parsed). Unknown fields are ignored; fields of
 * the wrong type are dropped (a range without events, a non-string alias).
 *
 * @param source Names the record in errors (a URL, `all.zip:PYSEC-2018-28.json`).
 * @throws {InvalidSyntaxError} (exit 2) When it is not an object with a string `id`.
 */
export function parseOsvRecord(value: unknown, source: string): OsvRecord {
  if (!isObject(value) || typeof value.id !== "string" || value.id === "") {
    throw new InvalidSyntaxError(`${source} is not an OSV record (no \`id\`)`, source, {
      hint: "Expected an OSV JSON record (https://ossf.github.io/osv-schema/)",
    });
  }
  const record: OsvRecord = {
    id: value.id,
    modified: text(value.modified),
    aliases: strings(value.aliases),
    summary: text(value.summary),
    details: text(value.details),
    severity: (Array.isArray(value.severity) ? value.severity : []).filter((s): s is OsvSeverity =>
      isObject(s) && typeof s.type === "string" && typeof s.score === "string"
    ).map((s) => ({ type: s.type, score: s.score })),
    affected: (Array.isArray(value.affected) ? value.affected : []).map(parseAffected)
      .filter((a): a is OsvAffected => a !== null),
  };
  if (typeof value.withdrawn === "string") record.withdrawn = value.withdrawn;
  if (isObject(value.database_specific) && typeof value.database_specific.severity === "string") {
    record.database_severity = value.database_specific.severity;
  }
  return record;
}
