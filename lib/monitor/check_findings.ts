/**
 * Findings of a health check as alert findings, each with a fingerprint stable across runs.
 *
 * @module
 */
import type { DoctorCheck } from "../doctor/mod.ts";
import type { AlertFinding } from "../notify/mod.ts";
import type { LastCheckFinding, LastCheckVulnerability } from "./last_check.ts";

const ENVIRONMENT_SUBJECT = /^environment (.+)$/;

/** The environment a check is about, from its subject (`environment NAME`), or undefined. */
export function checkEnvironment(subject: string): string | undefined {
  return ENVIRONMENT_SUBJECT.exec(subject)?.[1];
}

/** The failed checks (`error` and `warning`) as stored in `last_check.json`. */
export function failedChecks(checks: readonly DoctorCheck[]): LastCheckFinding[] {
  return checks.filter((c) => c.severity === "error" || c.severity === "warning").map((c) => ({
    id: c.id,
    severity: c.severity,
    subject: c.subject,
    message: c.message,
    fix: c.fix?.command ?? null,
  }));
}

/**
 * Every registered environment (`names`) by the worst severity of its checks: `error`,
 * `warning`, else `ok`.
 */
export function environmentHealth(
  names: readonly string[],
  checks: readonly DoctorCheck[],
): Record<string, "ok" | "warning" | "error"> {
  const health: Record<string, "ok" | "warning" | "error"> = Object.create(null);
  for (const name of names) health[name] = "ok";
  for (const c of checks) {
    const name = checkEnvironment(c.subject);
    if (name === undefined || !(name in health)) continue;
    if (c.severity === "error") health[name] = "error";
    else if (c.severity === "warning" && health[name] === "ok") health[name] = "warning";
  }
  return health;
}

/**
 * What alerts are about: every check in error (fingerprint `check:<id>:<subject>`; a warning does
 * not alert) and every vulnerability (fingerprint
 * `vuln:<environment>:<package>:<version>:<id>`).
 */
export function alertFindings(
  checks: readonly LastCheckFinding[],
  vulnerabilities: readonly LastCheckVulnerability[],
): AlertFinding[] {
  const out: AlertFinding[] = [];
  for (const c of checks) {
    if (c.severity !== "error") continue;
    const environment = checkEnvironment(c.subject);
    out.push({
      fingerprint: `check:${c.id}:${c.subject}`,
      severity: c.severity,
      title: `${c.subject}: ${c.message}`,
      ...(c.fix === null ? {} : { fix: c.fix }),
      ...(environment === undefined ? {} : { environment }),
    });
  }
  for (const v of vulnerabilities) {
    const fixed = v.fixed_versions[0];
    out.push({
      fingerprint: `vuln:${v.environment}:${v.package.toLowerCase()}:${v.version}:${v.id}`,
      severity: v.severity.toLowerCase(),
      title: `${v.package} ${v.version}: ${v.id}`,
      ...(v.summary === "" ? {} : { detail: v.summary }),
      ...(fixed === undefined
        ? {}
        : { fix: `gestvenv install "${v.package}>=${fixed}" --env ${v.environment}` }),
      environment: v.environment,
    });
  }
  return out;
}
