import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { environmentFlag, examples, toggle } from "../_help.ts";
import { printViolations, violationJson } from "./_policy.ts";
import { policyCheckOptions } from "../_policy_options.ts";

interface CheckFlags extends GlobalFlags {
  readonly env?: string;
  readonly all?: boolean;
}

/** `gestvenv policy check [--env ENV|--all]`: the installed state against the policies. */
export const policyCheckCommand = buildCommand<CheckFlags, [], CliContext>({
  docs: {
    brief: "Check environments as installed against the policies that apply (exit 1 on violations)",
    fullDescription: examples([
      ["gestvenv policy check --env web", "one environment"],
      ["gestvenv policy check --all --format json", "every environment, as data (the default)"],
    ]) +
      "\nPolicies: <home>/policies/*.toml, the environment's own (`policy apply FILE --to-env`)," +
      "\n[tool.gestvenv.policy] / .gestvenv.toml [policy] of its project and of the current one.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag("Environment to check"),
      all: toggle("Check every environment (the default without --env)"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("policy check", async (ctx, flags: CheckFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (flags.env !== undefined && flags.all) {
      throw new UsageError("Give --env ENV or --all, not both");
    }
    const { checkEnvironments } = await import("../../lib/policy/mod.ts");
    if (flags.env !== undefined) ctx.oplog.environment(flags.env);
    const env = ctx.environments();
    const checks = await checkEnvironments(
      env,
      flags.env === undefined ? undefined : [flags.env],
      await policyCheckOptions(ctx, env),
    );
    const violations = checks.flatMap((c) => c.violations);
    const failed = violations.length > 0 || checks.some((c) => c.error !== null);
    if (format === "json") {
      ctx.printer.json("policy check", {
        environments: checks.map((c) => ({
          environment: c.environment,
          policies: c.policies,
          compliant: c.violations.length === 0 && c.error === null,
          violations: c.violations.map(violationJson),
          warnings: c.warnings.map(violationJson),
          error: c.error,
        })),
        violations: violations.length,
      });
      return failed ? 1 : 0;
    }
    for (const c of checks) {
      for (const w of c.warnings) {
        ctx.printer.warn(`${c.environment}: ${w.message} (policy: ${w.policy})`);
      }
      if (c.error !== null) ctx.printer.warn(`${c.environment} could not be checked: ${c.error}`);
    }
    if (checks.every((c) => c.policies.length === 0)) {
      ctx.printer.info(
        "No policy applies: add one with `gestvenv policy apply FILE --global` (or --to-env ENV)",
      );
      return 0;
    }
    if (violations.length > 0) await printViolations(ctx, violations);
    const judged = checks.filter((c) => c.policies.length > 0);
    const bad = judged.filter((c) => c.violations.length > 0 || c.error !== null).length;
    if (failed) {
      ctx.printer.info(
        `${violations.length} violation${
          violations.length === 1 ? "" : "s"
        } in ${bad} of ${judged.length} environment${judged.length === 1 ? "" : "s"}`,
      );
      return 1;
    }
    ctx.printer.success(
      `${judged.length} environment${judged.length === 1 ? "" : "s"} comply with their policies`,
    );
    return 0;
  }, { effect: "reads" }),
});
