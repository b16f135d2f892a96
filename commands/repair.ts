import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  type CommandContext,
  confirm,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { completeEnvironmentNames, examples, optionalText, toggle } from "./_help.ts";
import { printDoctorReport } from "./_doctor_report.ts";
import { GestvenvError, InterruptedError, UsageError } from "../lib/errors/mod.ts";
import type { DoctorCheck, RepairResult } from "../lib/doctor/mod.ts";

interface RepairFlags extends GlobalFlags {
  readonly fix?: string;
  readonly list?: boolean;
  readonly auto?: boolean;
  readonly interactive?: boolean;
  readonly stepByStep?: boolean;
}

type Fix = RepairResult["fixes"][number];

/** The fixes `repair` would apply to `name` (a dry run of the repair: nothing changes). */
async function plannedFixes(
  ctx: CommandContext,
  name: string,
  only: ReadonlySet<string> | undefined,
): Promise<{ fixes: Fix[]; checks: DoctorCheck[] }> {
  const doctor = await import("../lib/doctor/mod.ts");
  const result = await doctor.repairEnvironment({ ...ctx.environments(), dryRun: true }, name, {
    only,
    removeExtras: true,
  });
  return { fixes: result.fixes, checks: result.before };
}

/** Asks whether to apply `fix` (a terminal is required: checked before). */
async function ask(name: string, fix: Fix): Promise<boolean> {
  const { askYesNo } = await import("./_prompts.ts");
  return await askYesNo(`${name}: fix ${fix.id}? (${fix.action})`, true);
}

/** `gestvenv repair [ENV]`: applies `doctor`'s fixes to environments, then checks them again. */
export const repairCommand = buildCommand<RepairFlags, [string | undefined], CliContext>({
  docs: {
    brief: "Repair an environment: what `doctor` finds, fixed from the lock and the cache",
    fullDescription: examples([
      ["gestvenv repair web", "every fix `doctor web --full` proposes"],
      ["gestvenv repair web --list", "the fixes it would apply (ids, what each does)"],
      ["gestvenv repair web --dry-run", "what would be fixed, changing nothing"],
      ["gestvenv repair web --fix env.shebangs,env.interpreter", "only these checks"],
      ["gestvenv repair web --interactive", "ask before each fix (--step-by-step: apply each)"],
      ["gestvenv repair --auto", "every environment, every safe fix, no questions"],
      ["gestvenv repair web --yes", "also uninstall what pylock.toml does not list"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      fix: optionalText(
        "Only fix these checks (comma-separated ids: env.interpreter, env.shebangs, env.permissions, env.files, env.dependencies, env.lock, env.lock_extras)",
        "ids",
      ),
      list: toggle("List the fixes it would apply (ids, what each does), apply nothing"),
      auto: toggle(
        "Apply every safe fix without asking (uninstalling what the lock does not list still needs --yes)",
      ),
      interactive: toggle("Ask before each fix (needs a terminal)"),
      stepByStep: toggle("Ask before each fix and apply it before the next question (terminal)"),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        ...optionalText("Environment to repair (default with --auto or --list: every one)", "env"),
        proposeCompletions: completeEnvironmentNames,
      }],
    },
  },
  func: action("repair", async (ctx, flags: RepairFlags, name: string | undefined) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const doctor = await import("../lib/doctor/mod.ts");
    const asking = (flags.interactive ?? false) || (flags.stepByStep ?? false);
    const modes = [flags.list, flags.auto, asking].filter(Boolean).length;
    if (modes > 1) {
      throw new UsageError("--list, --auto and --interactive/--step-by-step exclude each other");
    }
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
    if (asking) {
      const { canPrompt } = await import("./_prompts.ts");
      if (!canPrompt()) {
        throw new UsageError(
          `--${
            flags.stepByStep ? "step-by-step" : "interactive"
          } asks questions, and there is no terminal`,
          { hint: "Use --auto to apply every safe fix, or --fix ID,ID to choose them" },
        );
      }
    }
    const env = ctx.environments();
    let names: string[];
    if (name !== undefined) names = [name];
    else if (flags.auto || flags.list) {
      const { loadRegistry, registryRecords } = await import("../lib/environments/mod.ts");
      names = registryRecords(await loadRegistry(env)).map((r) => r.name);
    } else {
      throw new UsageError("Say which environment to repair", {
        hint: "`gestvenv repair ENV`, or `gestvenv repair --auto` for every environment",
      });
    }

    if (flags.list) {
      const listed: Array<{ environment: string } & Fix> = [];
      for (const n of names) {
        for (const f of (await plannedFixes(ctx, n, only)).fixes) {
          listed.push({ environment: n, ...f });
        }
      }
      if (format === "json") {
        ctx.printer.json("repair", { fixes: listed, dry_run: true });
        return 0;
      }
      if (listed.length === 0) {
        ctx.printer.success("Nothing to fix");
        return 0;
      }
      await ctx.printer.table(
        ["Environment", "Fix", "What it does"],
        listed.map((f) => [f.environment, f.id, f.action]),
      );
      return 0;
    }

    const results: Array<{ environment: string; fixes: Fix[]; checks: DoctorCheck[] }> = [];
    const failed: string[] = [];
    const repairOne = async (n: string) => {
      let removeExtras = false;
      let chosen = only;
      if (asking && !ctx.dryRun) {
        const planned = await plannedFixes(ctx, n, only);
        chosen = new Set<string>();
        const applied: Fix[] = [];
        for (const f of planned.fixes) {
          if (!(await ask(n, f))) continue;
          if (flags.stepByStep) {
            const step = await doctor.repairEnvironment(env, n, {
              only: new Set([f.id]),
              removeExtras: f.id === "env.lock_extras",
            });
            for (const s of step.fixes) ctx.printer.info(`Fixed ${s.id}: ${s.action}`);
            applied.push(...step.fixes);
          } else chosen.add(f.id);
        }
        if (flags.stepByStep) {
          const after = await doctor.diagnoseEnvironment(
            env,
            await (await import("../lib/environments/mod.ts")).getEnvironment(env, n),
            { full: true },
          );
          if (applied.length > 0) ctx.oplog.environment(n);
          results.push({ environment: n, fixes: applied, checks: after });
          return;
        }
        if (chosen.size === 0) {
          ctx.printer.info(`Nothing applied to ${n}`);
          results.push({ environment: n, fixes: [], checks: planned.checks });
          return;
        }
        removeExtras = chosen.has("env.lock_extras");
      } else if (!ctx.dryRun && (only === undefined || only.has("env.lock_extras"))) {
        const { getEnvironment } = await import("../lib/environments/mod.ts");
        const before = await doctor.diagnoseEnvironment(env, await getEnvironment(env, n));
        const extras = before.find((c) => c.id === "env.lock_extras");
        if (extras !== undefined) {
          const yes = flags.auto && !ctx.yes ? undefined : await confirm(
            ctx,
            `Uninstall ${extras.items?.join(", ")} from ${n} (not in its pylock.toml)?`,
          );
          removeExtras = yes === true;
          if (yes === undefined) {
            ctx.printer.warn(
              `Left ${extras.items?.join(", ")} in ${n}: pass --yes to uninstall them`,
            );
          }
        }
      }
      const result = await doctor.repairEnvironment(env, n, { only: chosen, removeExtras });
      for (const f of result.fixes) {
        ctx.printer.info(`${ctx.dryRun ? "Would fix" : "Fixed"} ${f.id}: ${f.action}`);
      }
      if (result.fixes.length > 0 && !ctx.dryRun) ctx.oplog.environment(n);
      results.push({ environment: n, fixes: result.fixes, checks: result.after });
    };
    for (const n of names) {
      try {
        await repairOne(n);
      } catch (error) {
        // One environment that cannot be repaired (a file neither cached nor reachable, a lock
        // held elsewhere) does not stop the others; it is reported, and the exit code is 1.
        if (!(error instanceof GestvenvError) || error instanceof InterruptedError) throw error;
        failed.push(n);
        ctx.printer.warn(
          `Could not repair ${n}: ${error.message}` +
            (error.hint === undefined ? "" : ` (${error.hint})`),
        );
        // Fixes applied before the failure may have changed it.
        if (!ctx.dryRun) ctx.oplog.environment(n);
        const { getEnvironment } = await import("../lib/environments/mod.ts");
        const after = await getEnvironment(env, n)
          .then((r) => doctor.diagnoseEnvironment(env, r, { full: true }))
          .catch((): DoctorCheck[] => []);
        results.push({
          environment: n,
          fixes: [],
          checks: [...after, {
            id: "repair.failed",
            severity: "error",
            subject: doctor.environmentSubject(n),
            message: `could not repair: ${error.message}`,
            ...(error.hint === undefined ? {} : { fix: { command: error.hint } }),
          }],
        });
      }
    }
    if (failed.length === 0 && results.every((r) => r.fixes.length === 0)) {
      ctx.printer.info("Nothing to fix");
    }
    const checks = results.flatMap((r) => r.checks);
    if (format === "json") {
      ctx.printer.json("repair", {
        ...(name === undefined ? {} : { environment: name }),
        fixes: results.flatMap((r) => r.fixes.map((f) => ({ environment: r.environment, ...f }))),
        checks,
        healthy: !doctor.hasErrors(checks),
        failed,
        dry_run: ctx.dryRun,
      });
    } else {
      printDoctorReport(ctx, checks);
    }
    return doctor.hasErrors(checks) ? 1 : 0;
  }, { effect: (flags: RepairFlags) => flags.list ? "reads" : "changes" }),
});
