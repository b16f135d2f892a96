import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  confirm,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, optionalText } from "./_help.ts";
import { printDoctorReport } from "./_doctor_report.ts";
import { UsageError } from "../lib/errors/mod.ts";

interface RepairFlags extends GlobalFlags {
  readonly fix?: string;
}

/** `gestvenv repair ENV`: applies `doctor`'s fixes to one environment, then checks it again. */
export const repairCommand = buildCommand<RepairFlags, [string], CliContext>({
  docs: {
    brief: "Repair an environment: what `doctor` finds, fixed from the lock and the cache",
    fullDescription: examples([
      ["gestvenv repair web", "every fix `doctor web --full` proposes"],
      ["gestvenv repair web --dry-run", "what would be fixed, changing nothing"],
      ["gestvenv repair web --fix env.shebangs,env.interpreter", "only these checks"],
      ["gestvenv repair web --yes", "also uninstall what pylock.toml does not list"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      fix: optionalText(
        "Only fix these checks (comma-separated ids: env.interpreter, env.shebangs, env.files, env.dependencies, env.lock, env.lock_extras)",
        "ids",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("repair", async (ctx, flags: RepairFlags, name: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const doctor = await import("../lib/doctor/mod.ts");
    let only: Set<string> | undefined;
    if (flags.fix !== undefined) {
      only = new Set(flags.fix.split(",").map((s) => s.trim()).filter((s) => s !== ""));
      const unknown = [...only].filter((id) => !doctor.FIXABLE.includes(id));
      if (unknown.length > 0) {
        throw new UsageError(`No fix for ${unknown.join(", ")}`, {
          hint: `Fixable checks: ${doctor.FIXABLE.join(", ")}`,
        });
      }
    }
    const env = ctx.environments();
    let removeExtras = false;
    if (!ctx.dryRun && (only === undefined || only.has("env.lock_extras"))) {
      const { getEnvironment } = await import("../lib/environments/mod.ts");
      const before = await doctor.diagnoseEnvironment(env, await getEnvironment(env, name));
      const extras = before.find((c) => c.id === "env.lock_extras");
      if (extras !== undefined) {
        const yes = await confirm(
          ctx,
          `Uninstall ${extras.items?.join(", ")} from ${name} (not in its pylock.toml)?`,
        );
        removeExtras = yes === true;
        if (yes === undefined) {
          ctx.printer.warn(
            `Left ${extras.items?.join(", ")} in ${name}: pass --yes to uninstall them`,
          );
        }
      }
    }
    const result = await doctor.repairEnvironment(env, name, { only, removeExtras });
    for (const f of result.fixes) {
      ctx.printer.info(`${ctx.dryRun ? "Would fix" : "Fixed"} ${f.id}: ${f.action}`);
    }
    if (result.fixes.length === 0) ctx.printer.info("Nothing to fix");
    if (format === "json") {
      ctx.printer.json("repair", {
        environment: name,
        fixes: result.fixes,
        checks: result.after,
        healthy: !doctor.hasErrors(result.after),
        dry_run: ctx.dryRun,
      });
    } else {
      printDoctorReport(ctx, result.after);
    }
    return doctor.hasErrors(result.after) ? 1 : 0;
  }, { effect: "changes" }),
});
