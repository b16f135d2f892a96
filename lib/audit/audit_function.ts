/**
 * The vulnerability audit as one function of an environment context: what policies'
 * `[vulnerabilities]` rules and strict mode call before an install (issue 12 §3).
 *
 * @module
 */
import { httpTimeouts } from "../config/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { HttpClient } from "../index/mod.ts";
import { auditDistributions, type AuditSource } from "./audit_distributions.ts";
import type { AuditedDistribution, AuditFinding } from "./findings.ts";

/**
 * The HTTP client audits use (OSV API, OSV's export): `ctx`'s timeouts, retries
 * (`performance.max_retries`), offline mode and reporter. Not bound by `security.allowed_sources`:
 * OSV is a source of advisories, not of distributions.
 */
export function auditHttpClient(ctx: EnvironmentContext): HttpClient {
  return new HttpClient({
    ...httpTimeouts(ctx.settings),
    offline: ctx.settings.offline.value,
    events: ctx.reporter,
  });
}

/**
 * An audit of `ctx`'s kind: OSV online (`audit.osv_url`), the offline database with `--offline`
 * or when OSV cannot be reached, exactly as `gestvenv audit` decides. Each call asks again (the
 * HTTP cache keeps OSV's answers).
 *
 * @param source `osv` or `db` to insist on one source. @default OSV, then the database
 * @returns A function from distributions (name, version) to their findings (aliases merged).
 * @throws {NetworkError} (exit 5, from the returned function) when neither OSV nor an offline
 *   database can answer: an audit never answers "no vulnerabilities" without a source.
 */
export function auditFunctionFor(
  ctx: EnvironmentContext,
  source?: AuditSource,
): (dists: AuditedDistribution[]) => Promise<AuditFinding[]> {
  return async (dists) => {
    if (dists.length === 0) return [];
    const report = await auditDistributions(dists, {
      source,
      http: auditHttpClient(ctx),
      cacheDir: ctx.home.cacheDir,
      osvUrl: ctx.settings.auditOsvUrl.value,
    });
    for (const note of report.notes) ctx.reporter.warn(note);
    return report.findings;
  };
}
