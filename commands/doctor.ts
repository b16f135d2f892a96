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
import { examples, optionalText, toggle } from "./_help.ts";
import { completeEnvironmentNames } from "./_help.ts";
import { backendsFor } from "./backend/_describe.ts";
import { printDoctorReport } from "./_doctor_report.ts";
import type { DoctorCheck } from "../lib/doctor/mod.ts";
import { GestvenvError, InterruptedError } from "../lib/errors/mod.ts";
import type { EnvironmentRecord } from "../lib/environments/mod.ts";

interface DoctorFlags extends GlobalFlags {
  readonly full?: boolean;
  readonly fix?: boolean;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of `items`. */
async function mapBounded<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The findings for `name` (one environment) or for the whole home. */
async function diagnose(
  ctx: CommandContext,
  name: string | undefined,
  full: boolean,
): Promise<{ checks: DoctorCheck[]; records: EnvironmentRecord[] }> {
  const doctor = await import("../lib/doctor/mod.ts");
  const environments = await import("../lib/environments/mod.ts");
  const env = ctx.environments();
  if (name !== undefined) {
    const record = await environments.getEnvironment(env, name);
    return {
      checks: await doctor.diagnoseEnvironment(env, record, { full }),
      records: [record],
    };
  }
  const records = environments.registryRecords(await environments.loadRegistry(env));
  const present: EnvironmentRecord[] = [];
  for (const r of records) {
    if (await Deno.stat(r.path).then(() => true, () => false)) present.push(r);
  }
  const perEnvironment = await mapBounded(
    present,
    4,
    (r) => doctor.diagnoseEnvironment(env, r, { full }),
  );
  return {
    checks: [
      ...await doctor.checkRegistry(env),
      ...await doctor.checkConfig(ctx.home.configFile),
      ...await doctor.checkCache(ctx.home.cacheDir, {
        maxSize: env.settings.cacheMaxSize.value,
        full,
      }),
      ...doctor.checkBackends(await backendsFor(ctx)),
      ...perEnvironment.flat(),
    ],
    records: present,
  };
}

/** `gestvenv doctor`: checks environments, the registry and the backends; `--fix` repairs. */
export const doctorCommand = buildCommand<DoctorFlags, [string | undefined], CliContext>({
  docs: {
    brief:
      "Check environments, the registry, the configuration, the cache and the backends; --fix repairs",
    fullDescription: examples([
      ["gestvenv doctor", "every environment, the registry, config, cache and backends"],
      ["gestvenv doctor web --full", "also hash every installed file of `web` against RECORD"],
      ["gestvenv doctor --fix", "repair what can be repaired, then check again"],
      [
        "gestvenv doctor --format json",
        "the findings as data (id, severity, subject, message, fix)",
      ],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      full: toggle(
        "Also hash every installed file against its RECORD, and every cached file (slower)",
      ),
      fix: toggle(
        "Repair what can be repaired (reinstall from the lock and cache, shebangs, interpreter link, registry)",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        ...optionalText("Environment to check (default: everything)", "env"),
        proposeCompletions: completeEnvironmentNames,
      }],
    },
  },
  func: action("doctor", async (ctx, flags: DoctorFlags, name: string | undefined) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const doctor = await import("../lib/doctor/mod.ts");
    let { checks, records } = await diagnose(ctx, name, flags.full ?? false);
    const fixes: Array<{ subject: string; id: string; action: string }> = [];
    if (flags.fix) {
      const env = ctx.environments();
      for (const record of records) {
        const mine = checks.filter((c) =>
          c.subject === doctor.environmentSubject(record.name) &&
          (c.severity === "error" || c.severity === "warning") && doctor.FIXABLE.includes(c.id)
        );
        if (mine.length === 0 && !flags.full) {
          // Damaged files are only seen by the full checks: repair looks at them too.
          const full = await doctor.diagnoseEnvironment(env, record, { full: true });
          if (!doctor.hasErrors(full)) continue;
        } else if (mine.length === 0) continue;
        let removeExtras = false;
        const extras = mine.find((c) => c.id === "env.lock_extras");
        if (extras !== undefined && !ctx.dryRun) {
          const yes = await confirm(
            ctx,
            `Uninstall ${extras.items?.join(", ")} from ${record.name} (not in its pylock.toml)?`,
          );
          removeExtras = yes === true;
          if (yes === undefined) {
            ctx.printer.warn(
              `Left ${extras.items?.join(", ")} in ${record.name}: pass --yes to uninstall them`,
            );
          }
        }
        try {
          const result = await doctor.repairEnvironment(env, record.name, { removeExtras });
          for (const f of result.fixes) fixes.push({ subject: record.name, ...f });
        } catch (error) {
          // One environment that cannot be repaired (a file neither cached nor reachable) does
          // not stop the others; the checks that follow still report it.
          if (!(error instanceof GestvenvError) || error instanceof InterruptedError) throw error;
          ctx.printer.warn(
            `Could not repair ${record.name}: ${error.message}` +
              (error.hint === undefined ? "" : ` (${error.hint})`),
          );
        }
      }
      if (name === undefined) {
        const registry = await doctor.repairRegistry(env);
        for (const a of registry.actions) {
          fixes.push({ subject: "registry", id: "registry", action: a });
        }
      }
      for (const f of fixes) {
        ctx.printer.info(
          `${ctx.dryRun ? "Would fix" : "Fixed"} ${f.id} (${f.subject}): ${f.action}`,
        );
      }
      if (fixes.length === 0) ctx.printer.info("Nothing to fix");
      // Checked again in full: the repair looked at every file, so the report must too.
      if (!ctx.dryRun) ({ checks, records } = await diagnose(ctx, name, true));
    }
    if (format === "json") {
      ctx.printer.json("doctor", { checks, fixes, healthy: !doctor.hasErrors(checks) });
    } else {
      printDoctorReport(ctx, checks);
    }
    return doctor.hasErrors(checks) ? 1 : 0;
  }, { effect: "changes" }),
});
