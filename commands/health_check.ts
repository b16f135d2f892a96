import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, toggle } from "./_help.ts";
import { printDoctorReport } from "./_doctor_report.ts";

interface HealthCheckFlags extends GlobalFlags {
  readonly alertOnIssues?: boolean;
}

/** `gestvenv health-check`: `doctor`'s fast subset, for scripts and schedulers. */
export const healthCheckCommand = buildCommand<HealthCheckFlags, [], CliContext>({
  docs: {
    brief: "Fast health check for scripts: registry, interpreters, cache, config (no network)",
    fullDescription: examples([
      [
        "gestvenv health-check",
        "silent and exit 0 when healthy; the problems and exit 1 on errors",
      ],
      ["gestvenv health-check --alert-on-issues", "exit 1 on warnings too"],
      ["gestvenv health-check --verbose", "every check, also when healthy"],
      ["gestvenv health-check --format json", "the findings as data"],
    ]) +
      "\nChecks the registry against the disk, each environment's pyvenv.cfg and interpreter, the" +
      "\ncache's size and disk space, and the configuration. No file is hashed, no index asked and" +
      "\nno backend run: `gestvenv doctor --full` does that.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      alertOnIssues: toggle("Exit 1 on any warning as well as on errors"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("health-check", async (ctx, flags: HealthCheckFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const doctor = await import("../lib/doctor/mod.ts");
    const env = ctx.environments();
    const checks = await doctor.healthCheck(env, {
      configFile: ctx.home.configFile,
      cacheMaxSize: env.settings.cacheMaxSize.value,
    });
    const errors = checks.filter((c) => c.severity === "error").length;
    const warnings = checks.filter((c) => c.severity === "warning").length;
    const failed = errors > 0 || (flags.alertOnIssues === true && warnings > 0);
    if (format === "json") {
      ctx.printer.json("health-check", {
        checks,
        errors,
        warnings,
        healthy: errors === 0,
      }, failed ? "error" : "success");
    } else if (ctx.printer.verbose) {
      printDoctorReport(ctx, checks);
    } else if (errors + warnings > 0) {
      printDoctorReport(
        ctx,
        checks.filter((c) => c.severity === "error" || c.severity === "warning"),
        checks,
      );
    }
    return failed ? 1 : 0;
  }, { effect: "reads" }),
});
