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
import { examples, optionalText } from "../_help.ts";
import { printViolations, violationJson } from "./_policy.ts";
import { policyCheckOptions } from "../_policy_options.ts";

/** `gestvenv policy report [violations]`: every environment's violations, grouped by rule. */
export const policyReportCommand = buildCommand<GlobalFlags, [string?], CliContext>({
  docs: {
    brief: "Report every environment's policy violations, grouped by rule",
    fullDescription: examples([
      ["gestvenv policy report violations", "a table per rule"],
      ["gestvenv policy report --format json", "as data"],
    ]) + "\nA report: it exits 0 whatever it finds (`policy check` is the gate).",
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [optionalText("What to report: `violations` (the default)", "what")],
    },
  },
  func: action("policy report", async (ctx, _flags: GlobalFlags, what?: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (what !== undefined && what !== "violations") {
      throw new UsageError(`\`policy report\` reports \`violations\`, not \`${what}\``, {
        hint: "Run `gestvenv policy report violations`",
      });
    }
    const { checkEnvironments } = await import("../../lib/policy/mod.ts");
    const env = ctx.environments();
    const checks = await checkEnvironments(env, undefined, await policyCheckOptions(ctx, env));
    const byRule = new Map<string, typeof checks[number]["violations"]>();
    for (const v of checks.flatMap((c) => c.violations)) {
      const list = byRule.get(v.rule) ?? [];
      list.push(v);
      byRule.set(v.rule, list);
    }
    const rules = [...byRule.keys()].sort();
    if (format === "json") {
      ctx.printer.json("policy report", {
        environments: checks.length,
        checked: checks.filter((c) => c.policies.length > 0).length,
        violations: checks.reduce((n, c) => n + c.violations.length, 0),
        rules: Object.fromEntries(rules.map((r) => [r, byRule.get(r)!.map(violationJson)])),
        warnings: checks.flatMap((c) => c.warnings.map(violationJson)),
        errors: checks.filter((c) => c.error !== null).map((c) => ({
          environment: c.environment,
          error: c.error,
        })),
      });
      return;
    }
    for (const c of checks) {
      if (c.error !== null) ctx.printer.warn(`${c.environment} could not be checked: ${c.error}`);
    }
    if (rules.length === 0) {
      ctx.printer.success(
        `No violations in ${checks.length} environment${checks.length === 1 ? "" : "s"}`,
      );
      return;
    }
    for (const rule of rules) {
      const list = byRule.get(rule)!;
      ctx.printer.info(`${rule}: ${list.length} violation${list.length === 1 ? "" : "s"}`);
      await printViolations(ctx, list);
    }
  }, { effect: "reads" }),
});
