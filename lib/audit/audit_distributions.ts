/**
 * `auditDistributions`: the vulnerabilities of a set of distribution versions, from the OSV API
 * or the offline database, and which source answered.
 *
 * @module
 */
import { NetworkError } from "../errors/mod.ts";
import type { HttpClient } from "../index/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { type AuditDbInfo, openAuditDb } from "./audit_db.ts";
import { type AuditedDistribution, type AuditFinding, findingsFor } from "./findings.ts";
import { DEFAULT_OSV_URL, queryOsv } from "./osv_client.ts";
import type { OsvRecord } from "./osv_record.ts";

/** Where vulnerability data comes from: the OSV API, or the offline database. */
export type AuditSource = "osv" | "db";

/** Options of {@linkcode auditDistributions}. */
export interface AuditOptions {
  /**
   * `osv` or `db`; undefined = OSV online, the database when `offline` or when OSV cannot be
   * reached and a database exists.
   */
  source?: AuditSource | undefined;
  /** The HTTP client (its `offline` flag chooses the database by default). */
  http: HttpClient;
  /** The cache root (database, kept OSV records). */
  cacheDir: string;
  /** The OSV API's base URL. @default DEFAULT_OSV_URL */
  osvUrl?: string | undefined;
  /** The time, for the database's age. @default now */
  now?: Date;
}

/** What {@linkcode auditDistributions} found, and from where. */
export interface AuditReport {
  /** The source that answered. */
  source: AuditSource;
  /** The OSV URL, or the database's description. */
  osv_url?: string;
  /** With `db`: the database's description. */
  database?: AuditDbInfo;
  /** Why the database answered when OSV was asked first (unreachable), else absent. */
  fallback_reason?: string;
  /** Distinct distributions audited. */
  audited: number;
  /** The findings (see {@linkcode AuditFinding}). */
  findings: AuditFinding[];
  /** Things the reader should know (an old database, severities that could not be computed). */
  notes: string[];
  /** Every record read for these distributions (`--fix` checks its candidates against them). */
  records: OsvRecord[];
}

function noDatabase(why: string): NetworkError {
  return new NetworkError(`${why}, and there is no offline vulnerability database`, {
    hint: "Run `gestvenv audit db update` on a connected machine (then `gestvenv cache export` " +
      "carries it to this one), or run without --offline",
  });
}

/**
 * The vulnerabilities of `dists` (name and version; duplicates audited once), with OSV's matching
 * semantics and aliases merged (see `findingsFor`). Never answers "no vulnerabilities" without a
 * source: when none can be read it throws.
 *
 * @throws {NetworkError} (exit 5) When OSV cannot be reached (or `offline`) and there is no
 *   offline database, or the chosen source is missing.
 */
export async function auditDistributions(
  dists: AuditedDistribution[],
  options: AuditOptions,
): Promise<AuditReport> {
  const osvUrl = options.osvUrl ?? DEFAULT_OSV_URL;
  const unique = new Map<string, AuditedDistribution>();
  for (const d of dists) unique.set(`${normalizeName(d.name)}==${d.version}`, d);
  const list = [...unique.values()];
  const fromDb = async (fallback?: string): Promise<AuditReport> => {
    const db = await openAuditDb(options.cacheDir, options.now);
    if (db === undefined) {
      throw noDatabase(
        fallback ??
          (options.source === "db"
            ? "`--source db` was asked for"
            : "Network access is disabled (--offline)"),
      );
    }
    const records = new Set<OsvRecord>();
    for (const d of list) for (const r of db.recordsFor(d.name)) records.add(r);
    const report = build("db", list, [...records]);
    report.database = db.info;
    if (fallback !== undefined) report.fallback_reason = fallback;
    if (db.info.stale) {
      report.notes.unshift(
        `The offline database is ${db.info.age_days} days old (imported ${db.info.imported_at}); ` +
          "run `gestvenv audit db update`",
      );
    }
    return report;
  };
  if (options.source === "db" || (options.source === undefined && options.http.offline)) {
    return await fromDb();
  }
  try {
    const records = await queryOsv(list, {
      baseUrl: osvUrl,
      http: options.http,
      cacheDir: options.cacheDir,
    });
    const report = build("osv", list, records);
    report.osv_url = osvUrl;
    return report;
  } catch (error) {
    if (!(error instanceof NetworkError) || options.source === "osv") throw error;
    const why = `OSV could not be reached (${error.message})`;
    if (await openAuditDb(options.cacheDir, options.now) === undefined) {
      throw new NetworkError(`${why}, and there is no offline vulnerability database`, {
        cause: error,
        hint: "Run `gestvenv audit db update` on a connected machine (then `gestvenv cache " +
          "export` carries it here), or check the network and `audit.osv_url`",
      });
    }
    return await fromDb(why);
  }
}

function build(source: AuditSource, dists: AuditedDistribution[], records: OsvRecord[]) {
  const findings = findingsFor(dists, records);
  const notes: string[] = [];
  const unscored = findings.filter((f) => f.severity === "UNKNOWN");
  if (unscored.length > 0) {
    notes.push(
      `${unscored.length} finding(s) have no CVSS v3 vector nor database rating (a CVSS v4 ` +
        `vector is not scored): severity UNKNOWN (${unscored.map((f) => f.id).join(", ")})`,
    );
  }
  const report: AuditReport = { source, audited: dists.length, findings, notes, records };
  return report;
}
