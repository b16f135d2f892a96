/**
 * `policy.*` findings of `doctor` (issue 12 §3): each environment as installed against the
 * policies that apply to it. Violations are errors with the change that ends them; nothing is
 * fixed automatically (a policy decides what may be installed, not what to remove).
 *
 * @module
 */
import type { EnvironmentContext, EnvironmentRecord } from "../environments/mod.ts";
import { GestvenvError } from "../errors/mod.ts";
import { checkEnvironments, type CheckOptions, type PolicyViolation } from "../policy/mod.ts";
import { type DoctorCheck, environmentSubject, ok } from "./doctor_check.ts";

/** The command that ends a violation, for people. */
function fixFor(v: PolicyViolation): string {
  const pkg = v.package ?? "PACKAGE";
  switch (v.rule) {
    case "packages.blocked":
    case "licenses.allowed":
    case "licenses.blocked":
    case "licenses.require_known":
      return `gestvenv uninstall ${pkg} --env ${v.environment} (or install a version the policy allows), or change ${v.policy}`;
    case "vulnerabilities.max_severity":
      return `gestvenv update ${pkg} --env ${v.environment} (a fixed version), or change ${v.policy}`;
    case "python.allowed":
      return `gestvenv clone ${v.environment} NEW --python VERSION with an allowed Python, or change ${v.policy}`;
    case "requirements.require_pins":
      return `pin it: gestvenv install NAME==VERSION --env ${v.environment}, or change ${v.policy}`;
    case "requirements.require_hashes":
      return `gestvenv sync ${v.environment} --locked (a lock with sha256), or install a wheel instead of a directory`;
    case "sources.allowed":
      return `reinstall ${pkg} from an allowed index (gestvenv install ${pkg} --env ${v.environment} --index-url URL), or change ${v.policy}`;
    default:
      return `change what is installed in ${v.environment}, or ${v.policy}`;
  }
}

/**
 * `policy.violations` (an error per violation), `policy.unchecked` (a warning per rule that could
 * not be judged) and `policy.file` (a policy that is not valid) for `records`. Reads only.
 * `options` adds the project's policies and the vulnerability audit of `[vulnerabilities]` rules.
 */
export async function checkPolicies(
  ctx: EnvironmentContext,
  records: readonly EnvironmentRecord[],
  options: CheckOptions = {},
): Promise<DoctorCheck[]> {
  if (records.length === 0) return [];
  let checks;
  try {
    checks = await checkEnvironments(ctx, records.map((r) => r.name), options);
  } catch (error) {
    if (!(error instanceof GestvenvError)) throw error;
    return [{
      id: "policy.file",
      severity: "error",
      subject: "policies",
      message: `a policy cannot be read, so no policy was checked: ${error.message}`,
      fix: { command: error.hint ?? "fix the policy file" },
    }];
  }
  const out: DoctorCheck[] = [];
  for (const c of checks) {
    const subject = environmentSubject(c.environment);
    if (c.policies.length === 0) continue;
    for (const v of c.violations) {
      out.push({
        id: "policy.violations",
        severity: "error",
        subject,
        message: `[${v.rule}] ${v.message} (policy: ${v.policy})`,
        fix: { command: fixFor(v) },
        ...(v.package === null ? {} : { items: [v.package] }),
      });
    }
    for (const w of c.warnings) {
      out.push({
        id: "policy.unchecked",
        severity: "warning",
        subject,
        message: `[${w.rule}] ${w.message} (policy: ${w.policy})`,
      });
    }
    if (c.error !== null) {
      out.push({
        id: "policy.violations",
        severity: "error",
        subject,
        message: `its policies could not be checked: ${c.error}`,
      });
    } else if (c.violations.length === 0) {
      out.push(ok("policy.violations", subject, `complies with ${c.policies.length} policies`));
    }
  }
  return out;
}
