/**
 * Judging an environment's state against policies (issue 12 §3). Several policies apply at once
 * and the strictest wins: a state violates them when it violates any one of them, which is the
 * same as merging them with blocked lists united, allowed lists intersected, the lowest
 * `max_severity`, and every `require_*` that any policy sets. Each violation names the policy
 * file whose rule it breaks.
 *
 * @module
 */
import type { AuditFinding } from "../audit/mod.ts";
import { allowingRule } from "../config/mod.ts";
import type { LicenseInfo } from "../metadata/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { NetworkError } from "../errors/mod.ts";
import { satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import { evaluateMarker, type MarkerEnvironment, parseRequirement } from "../pep508/mod.ts";
import { licenseSatisfies } from "./license_expression.ts";
import type { MaxSeverity, Policy } from "./policy_file.ts";

/** A vulnerability finding, as `lib/audit` reports it (the rows of `audit --format json`). */
export type { AuditFinding };

/**
 * Audits distributions (name and version) for known vulnerabilities: `auditDistributions` of
 * `lib/audit`, injected by the caller.
 * @throws {GestvenvError} when no source of vulnerability data can be read.
 */
export type AuditFunction = (
  dists: Array<{ name: string; version: string }>,
) => Promise<AuditFinding[]>;

/** One distribution of the state a policy judges. */
export interface PolicyDistribution {
  /** PEP 503 name. */
  name: string;
  /** Its version (null for a directory that has none). */
  version: string | null;
  /** Its licence (from METADATA / PKG-INFO), or null when its metadata could not be read. */
  license: LicenseInfo | null;
  /** The URLs of its files (credentials removed), as far as known. */
  urls: string[];
  /** The directory it is installed from (a local project), else null. */
  directory: string | null;
  /** Whether its file is verified by a sha256 known before it was fetched (a lock's hash). */
  hashed: boolean;
}

/** The state of one environment, as policies judge it. */
export interface PolicySubject {
  /** The environment's name. */
  environment: string;
  /** Its Python version (`3.12.1`). */
  python: string;
  /** Its interpreter's marker values, for the markers of `[packages] blocked`. */
  markers: MarkerEnvironment;
  /** Its distributions (after the change, for an install). */
  distributions: PolicyDistribution[];
  /** Its top-level requirements (what the user asked for), or null when unknown. */
  requirements: string[] | null;
}

/** A rule a state breaks. */
export interface PolicyViolation {
  /** The environment. */
  environment: string;
  /** The distribution, or null for a rule on the environment (`python.allowed`). */
  package: string | null;
  /** Its version, or null. */
  version: string | null;
  /** The rule: `packages.blocked`, `licenses.allowed`, `licenses.blocked`, … */
  rule: string;
  /** What is wrong and what to change, for people. */
  message: string;
  /** The policy whose rule it is (its file, or where it is kept). */
  policy: string;
}

/** What judging found: violations (refusals) and warnings (said, not refused). */
export interface PolicyEvaluation {
  /** Every broken rule. */
  violations: PolicyViolation[];
  /** What could not be judged or is worth saying (licence unknown, audit not run). */
  warnings: PolicyViolation[];
}

const RANK: Readonly<Record<string, number>> = {
  NONE: -1,
  LOW: 0,
  MEDIUM: 1,
  HIGH: 2,
  CRITICAL: 3,
  // A finding without a severity cannot be shown to be lower: it counts as CRITICAL.
  UNKNOWN: 3,
};

/** Whether a requirement text pins one version (`==1.2`, `===1.2`, or a direct URL). */
export function isPinned(text: string): boolean {
  try {
    const r = parseRequirement(text);
    if (r.url !== null) return true;
    return r.specifier.specifiers.some((s) =>
      (s.operator === "==" && !s.wildcard) || s.operator === "==="
    );
  } catch {
    return false; // a path, `-e DIR`: not a version pin
  }
}

/**
 * Judges `subject` against every policy of `policies`. `[vulnerabilities]` needs `audit`;
 * without it the rule is a warning saying it could not be checked (never a silent pass).
 * @throws {GestvenvError} what `audit` throws, except a `NetworkError` (no source of vulnerability
 *   data), which makes the rule a warning that it could not be checked.
 */
export async function evaluatePolicies(
  policies: readonly Policy[],
  subject: PolicySubject,
  audit?: AuditFunction,
): Promise<PolicyEvaluation> {
  const violations: PolicyViolation[] = [];
  const warnings: PolicyViolation[] = [];
  const env = subject.environment;
  const add = (
    into: PolicyViolation[],
    policy: Policy,
    rule: string,
    message: string,
    d?: { name: string; version: string | null },
  ) =>
    into.push({
      environment: env,
      package: d?.name ?? null,
      version: d?.version ?? null,
      rule,
      message,
      policy: policy.origin,
    });
  const label = (d: PolicyDistribution) => `${d.name} ${d.version ?? "(directory)"}`;
  for (const policy of policies) {
    if (policy.pythonAllowed !== null) {
      const v = tryParseVersion(subject.python);
      if (v === null || !satisfiesSpecifierSet(v, policy.pythonAllowed.specifier, true)) {
        add(
          violations,
          policy,
          "python.allowed",
          `Python ${subject.python} is not allowed (\`${policy.pythonAllowed.text}\`); use an interpreter that is, e.g. \`--python\` with a matching version`,
        );
      }
    }
    for (const d of subject.distributions) {
      for (const b of policy.blocked) {
        const r = b.requirement;
        if (r.normalizedName !== normalizeName(d.name)) continue;
        if (r.marker !== null && !evaluateMarker(r.marker, subject.markers)) continue;
        if (r.specifier.specifiers.length > 0) {
          const v = d.version === null ? null : tryParseVersion(d.version);
          if (v === null || !satisfiesSpecifierSet(v, r.specifier, true)) continue;
        }
        add(
          violations,
          policy,
          "packages.blocked",
          `${
            label(d)
          } is blocked (\`${b.text}\`); remove it, or choose a version the rule does not match`,
          d,
        );
      }
      const hasLicenseRules = policy.licensesAllowed !== null ||
        policy.licensesBlocked.length > 0 || policy.requireKnownLicense;
      if (hasLicenseRules) {
        const expression = d.license?.expression ?? null;
        if (expression === null) {
          const said = d.license?.text ? ` (it says "${d.license.text}")` : "";
          const message = `${label(d)}: licence unknown, no SPDX expression in its metadata${said}`;
          if (policy.requireKnownLicense) {
            add(
              violations,
              policy,
              "licenses.require_known",
              `${message}; remove it or ask its authors for a License-Expression`,
              d,
            );
          } else {
            add(
              warnings,
              policy,
              "licenses.unknown",
              `${message}; the licence rules could not judge it`,
              d,
            );
          }
        } else {
          const blocked = !licenseSatisfies(expression, {
            allowed: null,
            blocked: policy.licensesBlocked,
          });
          if (blocked) {
            add(
              violations,
              policy,
              "licenses.blocked",
              `${label(d)} is licensed ${expression}, which is blocked (${
                policy.licensesBlocked.join(", ")
              })`,
              d,
            );
          } else if (
            policy.licensesAllowed !== null &&
            !licenseSatisfies(expression, { allowed: policy.licensesAllowed, blocked: [] })
          ) {
            add(
              violations,
              policy,
              "licenses.allowed",
              `${label(d)} is licensed ${expression}, not among the allowed licences (${
                policy.licensesAllowed.join(", ")
              })`,
              d,
            );
          }
        }
      }
      if (policy.requireHashes && (d.directory !== null || !d.hashed)) {
        add(
          violations,
          policy,
          "requirements.require_hashes",
          d.directory !== null
            ? `${
              label(d)
            } is installed from the directory ${d.directory}, which no hash verifies; install a built wheel instead`
            : `${
              label(d)
            } was not installed from a lock with its sha256; sync the environment from its lock (\`gestvenv sync ${env} --locked\`) or reinstall it`,
          d,
        );
      }
      if (policy.sourcesAllowed !== null && d.directory === null) {
        for (const url of d.urls) {
          if (allowingRule(url, policy.sourcesAllowed) !== undefined) continue;
          add(
            violations,
            policy,
            "sources.allowed",
            `${label(d)} comes from ${url}, not an allowed source (${
              policy.sourcesAllowed.rules.map((r) => r.entry).join(", ")
            })`,
            d,
          );
          break;
        }
      }
    }
    if (policy.requirePins) {
      if (subject.requirements === null) {
        add(
          warnings,
          policy,
          "requirements.require_pins",
          "the environment's requirements are not known; the pin rule could not be checked",
        );
      } else {
        for (const text of subject.requirements) {
          if (isPinned(text)) continue;
          add(
            violations,
            policy,
            "requirements.require_pins",
            `\`${text}\` is not pinned to one version; write it as \`name==VERSION\``,
          );
        }
      }
    }
  }
  await judgeVulnerabilities(policies, subject, audit, violations, warnings);
  return { violations, warnings };
}

async function judgeVulnerabilities(
  policies: readonly Policy[],
  subject: PolicySubject,
  audit: AuditFunction | undefined,
  violations: PolicyViolation[],
  warnings: PolicyViolation[],
): Promise<void> {
  const setting = policies.filter((p) => p.maxSeverity !== null);
  if (setting.length === 0) return;
  // The strictest: the lowest tolerated severity.
  const strictest = setting.reduce((a, b) => RANK[b.maxSeverity!]! < RANK[a.maxSeverity!]! ? b : a);
  const max = strictest.maxSeverity as MaxSeverity;
  const base = { environment: subject.environment, version: null, policy: strictest.origin };
  if (audit === undefined) {
    warnings.push({
      ...base,
      package: null,
      rule: "vulnerabilities.max_severity",
      message:
        `the vulnerability rule (max_severity ${max}) could not be checked: no vulnerability audit is available to this command`,
    });
    return;
  }
  const dists = subject.distributions
    .filter((d) => d.version !== null)
    .map((d) => ({ name: d.name, version: d.version! }));
  let findings: AuditFinding[];
  try {
    findings = await audit(dists);
  } catch (error) {
    // No source of vulnerability data (offline without a database, OSV down): said, never a pass.
    if (!(error instanceof NetworkError)) throw error;
    warnings.push({
      ...base,
      package: null,
      rule: "vulnerabilities.max_severity",
      message:
        `the vulnerability rule (max_severity ${max}) could not be checked: ${error.message}`,
    });
    return;
  }
  for (const f of findings) {
    if (RANK[f.severity]! <= RANK[max]!) continue;
    violations.push({
      ...base,
      package: f.package,
      version: f.version,
      rule: "vulnerabilities.max_severity",
      message: `${f.package} ${f.version}: ${f.id}${
        f.aliases.length > 0 ? ` (${f.aliases.join(", ")})` : ""
      } is ${f.severity}, above ${max}: ${f.summary}${
        f.fixed_versions.length > 0
          ? `; fixed in ${f.fixed_versions.join(", ")}`
          : "; no fixed version"
      }`,
    });
  }
}
