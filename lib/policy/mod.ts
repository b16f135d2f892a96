/**
 * Policies (issue 12 §3): a versioned TOML format (`[packages] blocked`, `[licenses]`,
 * `[vulnerabilities] max_severity`, `[requirements]`, `[python] allowed`, `[sources] allowed`),
 * where policies live (global, per environment, per project), how they judge an environment (the
 * strictest wins), and the lifecycle listener that refuses an install that breaks them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePolicy } from "./mod.ts";
 *
 * const policy = parsePolicy('version = 1\n[packages]\nblocked = ["six"]\n', "team.toml");
 * assert.equal(policy.blocked[0]!.requirement.normalizedName, "six");
 * assert.throws(() => parsePolicy("version = 1\n[pakages]\n", "team.toml"), /did you mean `\[packages\]`/);
 * ```
 *
 * @module
 */
export * from "./policy_file.ts";
export * from "./license_expression.ts";
export * from "./evaluate_policy.ts";
export * from "./policy_sources.ts";
export * from "./policy_subject.ts";
export * from "./policy_listener.ts";
export * from "./policy_actions.ts";
