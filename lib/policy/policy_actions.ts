/**
 * What `policy check`, `policy report` and `policy apply` do (issue 12 §3; spec 001 "Politiques
 * de sécurité"): environments judged as installed, and policies copied where they apply.
 *
 * @module
 */
import {
  assertMayChange,
  changeRegistry,
  type EnvironmentContext,
  getEnvironment,
  loadRegistry,
  now,
  registryRecords,
  withEnvironmentLock,
} from "../environments/mod.ts";
import { ConfigError, EnvironmentNotFoundError, GestvenvError } from "../errors/mod.ts";
import { absolute, basename, join } from "../paths/mod.ts";
import { type AuditFunction, evaluatePolicies, type PolicyViolation } from "./evaluate_policy.ts";
import { parsePolicy, type Policy } from "./policy_file.ts";
import { installGlobalPolicy, policiesDir, policiesFor } from "./policy_sources.ts";
import { installedSubject } from "./policy_subject.ts";

/** One environment judged against its policies. */
export interface PolicyCheck {
  /** The environment. */
  environment: string;
  /** The policies that apply (where each is kept). */
  policies: string[];
  /** Every broken rule. */
  violations: PolicyViolation[];
  /** What could not be judged (licence unknown, no audit). */
  warnings: PolicyViolation[];
  /**
   * Why the environment could not be judged (its directory or interpreter is gone), or null.
   * Such an environment counts as failing the check.
   */
  error: string | null;
}

/** Options of {@linkcode checkEnvironments}. */
export interface CheckOptions {
  /** Project directories whose policies apply too (the current directory's). @default [] */
  projectDirs?: readonly string[];
  /** The vulnerability audit for `[vulnerabilities]` rules. @default none: a warning */
  audit?: AuditFunction | undefined;
}

/**
 * Judges each environment of `names` (all registered ones when `names` is undefined) as
 * installed, against every policy that applies to it. Reads only.
 * @throws {EnvironmentNotFoundError} for a name that is not registered.
 * @throws {ConfigError} for a policy that is not valid.
 */
export async function checkEnvironments(
  ctx: EnvironmentContext,
  names: readonly string[] | undefined,
  options: CheckOptions = {},
): Promise<PolicyCheck[]> {
  const records = names === undefined
    ? registryRecords(await loadRegistry(ctx))
    : await Promise.all(names.map((n) => getEnvironment(ctx, n)));
  const out: PolicyCheck[] = [];
  for (const record of records) {
    const policies: Policy[] = await policiesFor(ctx.home, {
      record,
      projectDirs: options.projectDirs ?? [],
    });
    const check: PolicyCheck = {
      environment: record.name,
      policies: policies.map((p) => p.origin),
      violations: [],
      warnings: [],
      error: null,
    };
    if (policies.length > 0) {
      try {
        const subject = await installedSubject(ctx, record);
        const evaluation = await evaluatePolicies(policies, subject, options.audit);
        check.violations = evaluation.violations;
        check.warnings = evaluation.warnings;
      } catch (error) {
        if (!(error instanceof GestvenvError)) throw error;
        check.error = error.message;
      }
    }
    out.push(check);
  }
  return out;
}

/** What {@linkcode applyPolicy} did (or would do). */
export interface AppliedPolicy {
  /** The file applied (absolute). */
  file: string;
  /** `global` (copied into `<home>/policies/`) or the environment it was applied to. */
  target: { global: true; path: string } | { global: false; environment: string };
  /** The policy, checked. */
  policy: Policy;
  /** Whether it replaced a policy of the same name (global) or the environment's earlier one. */
  replaced: boolean;
}

/**
 * Checks the policy file at `file`, then (unless `ctx.dryRun`) copies it into
 * `<home>/policies/` (`environment` undefined: it then applies to every environment) or into the
 * record of `environment` (under its lock and the registry lock; it replaces an earlier one).
 * A file that is not a valid policy changes nothing.
 * @throws {ConfigError} (exit 10) when the file cannot be read or is not a valid policy.
 * @throws {EnvironmentNotFoundError} when `environment` is not registered.
 */
export async function applyPolicy(
  ctx: EnvironmentContext,
  file: string,
  environment?: string,
): Promise<AppliedPolicy> {
  const path = absolute(file);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read the policy file ${path}`, {
      cause: error,
      hint: "Check the path",
    });
  }
  const policy = parsePolicy(text, path);
  if (environment === undefined) {
    const dest = join(policiesDir(ctx.home), basename(path));
    const replaced = await Deno.lstat(dest).then(() => true, () => false);
    if (!ctx.dryRun) {
      assertMayChange(ctx, `copy ${path} into ${policiesDir(ctx.home)}`);
      await installGlobalPolicy(ctx.home, path, text);
    }
    return { file: path, target: { global: true, path: dest }, policy, replaced };
  }
  const record = await getEnvironment(ctx, environment);
  if (ctx.dryRun) {
    return {
      file: path,
      target: { global: false, environment },
      policy,
      replaced: record.policy !== undefined,
    };
  }
  return await withEnvironmentLock(ctx, environment, async () => {
    const replaced = await changeRegistry(ctx, (registry) => {
      const current = registry.environments.get(environment);
      if (current === undefined) throw new EnvironmentNotFoundError(environment);
      const had = current.policy !== undefined;
      current.policy = { file: path, text, applied_at: now() };
      return had;
    });
    return { file: path, target: { global: false, environment }, policy, replaced };
  });
}
