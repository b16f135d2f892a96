/**
 * How commands judge environments against policies: the project's policies apply too, and
 * `[vulnerabilities]` rules are checked by lib/audit (issue 12 §3).
 *
 * @module
 */
import type { EnvironmentContext } from "../lib/environments/mod.ts";
import type { CheckOptions } from "../lib/policy/mod.ts";
import type { CommandContext } from "./_context.ts";

/** The `checkEnvironments` options of `ctx` (`env` is the context the checks run in). */
export async function policyCheckOptions(
  ctx: CommandContext,
  env: EnvironmentContext,
): Promise<CheckOptions> {
  const { auditFunctionFor } = await import("../lib/audit/mod.ts");
  return {
    projectDirs: ctx.project === undefined ? [] : [ctx.project.root],
    audit: auditFunctionFor(env),
  };
}
