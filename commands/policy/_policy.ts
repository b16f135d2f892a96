/**
 * What the `policy` commands share: the rows of a violation listing.
 *
 * @module
 */
import type { PolicyViolation } from "../../lib/policy/mod.ts";
import type { CommandContext } from "../_context.ts";

/** A violation as JSON (snake_case, the envelope's data). */
export function violationJson(v: PolicyViolation): Record<string, unknown> {
  return {
    environment: v.environment,
    package: v.package,
    version: v.version,
    rule: v.rule,
    message: v.message,
    policy: v.policy,
  };
}

/** Prints violations as a table: environment, package, rule, what is wrong, policy. */
export async function printViolations(
  ctx: CommandContext,
  violations: readonly PolicyViolation[],
): Promise<void> {
  await ctx.printer.table(
    ["Environment", "Package", "Rule", "Violation", "Policy"],
    violations.map((v) => [
      v.environment,
      v.package === null ? "-" : `${v.package} ${v.version ?? ""}`.trim(),
      v.rule,
      v.message,
      v.policy,
    ]),
  );
}
