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
import { environmentFlag, examples, text, toggle } from "../_help.ts";
import { policyCheckOptions } from "../_policy_options.ts";

interface ApplyFlags extends GlobalFlags {
  readonly toEnv?: string;
  readonly global?: boolean;
}

/** `gestvenv policy apply FILE [--to-env ENV|--global]`: a checked policy copied where it applies. */
export const policyApplyCommand = buildCommand<ApplyFlags, [string], CliContext>({
  docs: {
    brief: "Check a policy file, then apply it to every environment (--global) or one (--to-env)",
    fullDescription: examples([
      ["gestvenv policy apply team.toml", "copy into <home>/policies/: every environment"],
      ["gestvenv policy apply team.toml --to-env web", "kept in web's record only"],
      ["gestvenv policy apply team.toml --dry-run", "check the file, change nothing"],
    ]) +
      "\nThe file (TOML, or JSON for a .json name) is checked first: an invalid policy changes nothing." +
      "\nApplying again replaces the earlier copy (same file name, or the environment's).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      toEnv: environmentFlag("Apply to this environment only"),
      global: toggle("Apply to every environment (the default)"),
    },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Policy file (TOML or JSON)", "file")] },
  },
  func: action("policy apply", async (ctx, flags: ApplyFlags, file: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (flags.toEnv !== undefined && flags.global) {
      throw new UsageError("Give --to-env ENV or --global, not both");
    }
    const { applyPolicy, checkEnvironments } = await import("../../lib/policy/mod.ts");
    const env = ctx.environments();
    const applied = await applyPolicy(env, file, flags.toEnv);
    const where = applied.target.global
      ? `${applied.target.path} (every environment)`
      : `the environment ${applied.target.environment}`;
    if (!applied.target.global) ctx.oplog.environment(applied.target.environment);
    if (ctx.dryRun) {
      if (format === "json") {
        ctx.printer.json("policy apply", { file: applied.file, target: where, dry_run: true });
      } else {
        ctx.printer.info(
          `Dry run: ${applied.file} is a valid policy; it would ${
            applied.replaced ? "replace the policy of" : "be applied to"
          } ${where}`,
        );
      }
      return;
    }
    // Say at once what the policy finds in what it now governs (it refuses future installs).
    const checks = await checkEnvironments(
      env,
      applied.target.global ? undefined : [applied.target.environment],
      await policyCheckOptions(ctx, env),
    );
    const violations = checks.flatMap((c) => c.violations);
    if (format === "json") {
      ctx.printer.json("policy apply", {
        file: applied.file,
        target: applied.target.global
          ? { global: true, path: applied.target.path }
          : { global: false, environment: applied.target.environment },
        replaced: applied.replaced,
        violations: violations.length,
      });
      return;
    }
    ctx.printer.success(
      `Applied ${applied.file} to ${where}${applied.replaced ? " (replaced)" : ""}`,
    );
    if (violations.length > 0) {
      ctx.printer.warn(
        `${violations.length} violation${
          violations.length === 1 ? "" : "s"
        } in what it governs now; ` +
          "`gestvenv policy check` lists them (installs that break it are refused from now on)",
      );
    }
  }, { effect: "changes" }),
});
