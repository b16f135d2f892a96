/**
 * Enforcement before changes (issue 12 §3): a lifecycle listener that judges the environment as
 * it will be after a planned install against every policy that applies, and (in strict mode)
 * audits the plan, refusing with every violation listed before anything in the environment is
 * written. At `pre-create` it checks `[python] allowed` before anything is made.
 *
 * @module
 */
import {
  type DistributionChange,
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  type LifecycleEvent,
  type LifecycleListener,
} from "../environments/mod.ts";
import { EXIT_CODE, GestvenvError, NetworkError, OperationError } from "../errors/mod.ts";
import {
  type AuditFinding,
  type AuditFunction,
  evaluatePolicies,
  type PolicyEvaluation,
  type PolicySubject,
  type PolicyViolation,
} from "./evaluate_policy.ts";
import { normalizeName } from "../names/mod.ts";
import type { Policy } from "./policy_file.ts";
import { policiesFor } from "./policy_sources.ts";
import { plannedSubject } from "./policy_subject.ts";

/** An operation refused by policies (exit 1), listing every violation. */
export class PolicyViolationError extends GestvenvError {
  /** Every violation, in rule order. */
  readonly violations: PolicyViolation[];
  /**
   * Creates the error.
   * @param what The refused operation, for people (`install into web`).
   * @param violations Every violation found.
   */
  constructor(what: string, violations: PolicyViolation[]) {
    super(
      `Policy refused to ${what}: ${violations.length} violation${
        violations.length === 1 ? "" : "s"
      }; nothing was changed`,
      EXIT_CODE.GENERAL,
      "policy_violation",
      {
        details: formatViolations(violations),
        hint:
          "Change what the plan installs, or the policy (`gestvenv policy check --env ENV` lists what applies)",
      },
    );
    this.violations = violations;
  }
}

/** One line per violation: `package version: rule: message [policy]`. */
export function formatViolations(violations: readonly PolicyViolation[]): string {
  return violations.map((v) => `  - [${v.rule}] ${v.message} (policy: ${v.policy})`).join("\n");
}

/** Options of {@linkcode policyListener}. */
export interface PolicyListenerOptions {
  /** Project directories whose policies apply (the current directory's project). @default [] */
  projectDirs?: readonly string[];
  /**
   * The vulnerability audit (`auditDistributions` of lib/audit). Without it, a
   * `[vulnerabilities]` rule is a warning, and strict mode refuses every install.
   */
  audit?: AuditFunction | undefined;
}

/** Strict mode's audit threshold: findings of this severity or above refuse an install. */
export const STRICT_AUDIT_SEVERITY = "HIGH";

/**
 * Strict mode (`security.mode = strict`): the plan is audited and findings at HIGH or above
 * refuse it; without an audit the install is refused (an unchecked install is not strict).
 * @throws {OperationError} `strict_audit_unavailable` when no audit is available.
 * @throws {NetworkError} (exit 5) when the audit has no source (OSV unreachable, no database).
 */
async function strictAudit(
  ctx: EnvironmentContext,
  subject: PolicySubject,
  changes: readonly DistributionChange[],
  audit: AuditFunction | undefined,
): Promise<PolicyViolation[]> {
  const origin = ctx.settings.securityMode?.origin ?? "security.mode";
  // Only what the plan adds or changes is audited: what stays was audited when it came in, and a
  // removal brings nothing new (an air-gapped strict machine can still remove a package).
  const added = new Set(
    changes.filter((c) => c.after !== null).map((c) => normalizeName(c.name)),
  );
  const planned = subject.distributions.filter((d) =>
    d.version !== null && added.has(normalizeName(d.name))
  );
  if (planned.length === 0) return [];
  if (audit === undefined) {
    throw new OperationError(
      `Strict mode (${origin}) audits every install for vulnerabilities (severity ${STRICT_AUDIT_SEVERITY} and above), and no vulnerability audit is available to this command: the install into ${subject.environment} is refused, nothing was changed`,
      "strict_audit_unavailable",
      {
        hint:
          "An unchecked install is not strict. Set `gestvenv config set security.mode default` to install without the audit",
      },
    );
  }
  let findings: AuditFinding[];
  try {
    findings = await audit(planned.map((d) => ({ name: d.name, version: d.version! })));
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    throw new NetworkError(
      `Strict mode (${origin}) audits every install for vulnerabilities, and the audit could not run: ${error.message}. The install into ${subject.environment} is refused, nothing was changed`,
      { cause: error, hint: error.hint },
    );
  }
  return findings
    .filter((f) => ["HIGH", "CRITICAL", "UNKNOWN"].includes(f.severity))
    .map((f) => ({
      environment: subject.environment,
      package: f.package,
      version: f.version,
      rule: "security.mode",
      message: `${f.package} ${f.version}: ${f.id} is ${f.severity}: ${f.summary}${
        f.fixed_versions.length > 0 ? `; fixed in ${f.fixed_versions.join(", ")}` : ""
      }`,
      policy: origin,
    }));
}

/**
 * A lifecycle listener enforcing policies and strict mode for `ctx`'s operations:
 * - `pre-install`: the environment after the change is judged (see `evaluatePolicies`);
 *   violations refuse the install (a {@linkcode PolicyViolationError}, exit 1) before the lock or
 *   any environment file is written; warnings go to `ctx.reporter.warn`;
 * - `pre-create`: `[python] allowed`, when the event names the interpreter.
 *
 * Nothing is read when no policy applies and strict mode is off.
 */
export function policyListener(
  ctx: EnvironmentContext,
  options: PolicyListenerOptions = {},
): LifecycleListener {
  return async (event: LifecycleEvent) => {
    if (event.event !== "pre-install" && event.event !== "pre-create") return;
    // An environment being created is not registered yet (its files are in a staging directory).
    const record = inPlace(
      await getEnvironment(ctx, event.environment).catch(() => undefined),
      event,
    );
    const policies = await policiesFor(ctx.home, {
      record,
      projectDirs: options.projectDirs ?? [],
    });
    const strict = ctx.settings.securityMode?.value === "strict";
    if (event.event === "pre-create") {
      await checkCreate(event, policies);
      return;
    }
    if (policies.length === 0 && !strict) return;
    if ((event.changes ?? []).length === 0) return;
    const subject = await plannedSubject(ctx, event, record);
    const evaluation: PolicyEvaluation = await evaluatePolicies(policies, subject, options.audit);
    const unfetched = event.dryRun === true ? unfetchedNames(event) : new Set<string>();
    // Licences are read from the files, which a dry run does not fetch: said, not guessed.
    const judged = (v: PolicyViolation) =>
      !(v.rule.startsWith("licenses.") && v.package !== null &&
        unfetched.has(normalizeName(v.package)));
    for (const w of evaluation.warnings.filter(judged)) {
      ctx.reporter.warn(`${w.message} (policy: ${w.policy})`);
    }
    if (unfetched.size > 0 && policies.some(hasLicenseRules)) {
      ctx.reporter.warn(
        `Licences not checked in a dry run (the files are not fetched): ${
          [...unfetched].sort().join(", ")
        }; the real run checks them before installing`,
      );
    }
    const violations = evaluation.violations.filter(judged);
    if (strict) {
      violations.push(...await strictAudit(ctx, subject, event.changes ?? [], options.audit));
    }
    if (violations.length > 0) {
      throw new PolicyViolationError(operationOf(event), violations);
    }
  };
}

/**
 * The operation an event stands for, for people: `uninstall from app` when every change is a
 * removal, `change app` when some are, `install into app` otherwise.
 */
export function operationOf(event: LifecycleEvent): string {
  const changes = event.changes ?? [];
  const removals = changes.filter((c) => c.after === null).length;
  if (changes.length > 0 && removals === changes.length) {
    return `uninstall from ${event.environment}`;
  }
  return removals > 0 ? `change ${event.environment}` : `install into ${event.environment}`;
}

/** The names a dry-run event would install from files it did not fetch. */
function unfetchedNames(event: LifecycleEvent): Set<string> {
  return new Set(
    (event.changes ?? []).filter((c) =>
      c.after !== null && c.artifact === null && c.directory === null
    )
      .map((c) => normalizeName(c.name)),
  );
}

/** Whether a policy has rules that read licences. */
function hasLicenseRules(policy: Policy): boolean {
  return policy.licensesAllowed !== null || policy.licensesBlocked.length > 0 ||
    policy.requireKnownLicense;
}

/** The record, when the event is about the registered environment (not one being created). */
function inPlace(
  record: EnvironmentRecord | undefined,
  event: LifecycleEvent,
): EnvironmentRecord | undefined {
  return record !== undefined && record.path === event.path ? record : undefined;
}

/** `pre-create`: only the interpreter is known; `[python] allowed` is judged on it. */
async function checkCreate(event: LifecycleEvent, policies: readonly Policy[]): Promise<void> {
  if (event.python === undefined) return;
  const rules = policies.filter((p) => p.pythonAllowed !== null);
  if (rules.length === 0) return;
  const { violations } = await evaluatePolicies(rules, {
    environment: event.environment,
    python: event.python.version,
    markers: {} as PolicySubject["markers"],
    distributions: [],
    requirements: null,
  });
  if (violations.length > 0) {
    throw new PolicyViolationError(`create ${event.environment}`, violations);
  }
}
