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
import { policyCheckOptions } from "./_policy_options.ts";

interface DoctorFlags extends GlobalFlags {
  readonly full?: boolean;
  readonly fix?: boolean;
  readonly cache?: boolean;
  readonly config?: boolean;
  readonly backend?: "native" | "pip" | "uv";
  readonly suggest?: boolean;
  readonly export?: string;
}

/** Which families of checks run. */
interface Scope {
  /** One environment (ENV), or undefined. */
  name: string | undefined;
  /** Every environment (no ENV and no family asked for). */
  allEnvironments: boolean;
  registry: boolean;
  config: boolean;
  cache: boolean;
  /** `backend.<name>` of every backend (true), of one backend (its name), or none (false). */
  backends: boolean | string;
}

/** The scope of `doctor [ENV] [--cache] [--config] [--backend NAME]`: see the command's help. */
function scopeOf(name: string | undefined, flags: DoctorFlags): Scope {
  const families = flags.cache === true || flags.config === true || flags.backend !== undefined;
  const everything = name === undefined && !families;
  return {
    name,
    allEnvironments: everything,
    registry: everything,
    config: everything || flags.config === true,
    cache: everything || flags.cache === true,
    backends: flags.backend ?? everything,
  };
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

/** The findings of `scope`, and the environments it covers. */
async function diagnose(
  ctx: CommandContext,
  scope: Scope,
  full: boolean,
): Promise<{ checks: DoctorCheck[]; records: EnvironmentRecord[] }> {
  const doctor = await import("../lib/doctor/mod.ts");
  const environments = await import("../lib/environments/mod.ts");
  const env = ctx.environments();
  let present: EnvironmentRecord[] = [];
  // Read without writing: a damaged registry is reported, and only `--fix` rebuilds it.
  const registry = scope.registry || scope.allEnvironments
    ? await doctor.readRegistryForChecks(env)
    : undefined;
  if (scope.name !== undefined) {
    present = [await environments.getEnvironment(env, scope.name)];
  } else if (scope.allEnvironments) {
    for (const r of registry!.records) {
      if (await Deno.stat(r.path).then(() => true, () => false)) present.push(r);
    }
  }
  const checks: DoctorCheck[] = [];
  if (scope.registry) {
    checks.push(
      ...registry?.damaged === undefined ? await doctor.checkRegistry(env) : [registry.damaged],
    );
  }
  if (scope.config) {
    checks.push(...await doctor.checkConfig(ctx.home.configFile));
    // Whether the indexes answer: online only (offline, nothing may open a connection).
    if (!env.settings.offline.value) {
      checks.push(
        ...await doctor.checkIndexes(
          env.settings.indexUrl.value,
          env.settings.extraIndexUrls.value,
          undefined,
          env.settings.allowedSources.value,
        ),
      );
    }
  }
  if (scope.cache) {
    checks.push(
      ...await doctor.checkCache(ctx.home.cacheDir, {
        maxSize: env.settings.cacheMaxSize.value,
        full,
      }),
    );
  }
  if (scope.backends !== false) {
    const backends = await backendsFor(ctx);
    checks.push(
      ...doctor.checkBackends(
        scope.backends === true ? backends : backends.filter((b) => b.name === scope.backends),
      ),
    );
  }
  const perEnvironment = await mapBounded(
    present,
    4,
    (r) => doctor.diagnoseEnvironment(env, r, { full }),
  );
  checks.push(...perEnvironment.flat());
  // Issue 12 §3: the environments against their policies (`policy.violations`).
  checks.push(
    ...await doctor.checkPolicies(env, present, await policyCheckOptions(ctx, env)),
  );
  return { checks, records: present };
}

/** `doctor --fix`: repairs what the findings of `scope` show, and says what it did. */
async function applyFixes(
  ctx: CommandContext,
  scope: Scope,
  checks: DoctorCheck[],
  records: EnvironmentRecord[],
  full: boolean,
): Promise<Array<{ subject: string; id: string; action: string }>> {
  const doctor = await import("../lib/doctor/mod.ts");
  const env = ctx.environments();
  const fixes: Array<{ subject: string; id: string; action: string }> = [];
  // Which environments need repairs (damaged files are only seen by the full checks).
  const toRepair: Array<{ record: EnvironmentRecord; mine: DoctorCheck[] }> = [];
  for (const record of records) {
    let mine = checks.filter((c) =>
      c.subject === doctor.environmentSubject(record.name) &&
      (c.severity === "error" || c.severity === "warning") && doctor.FIXABLE.includes(c.id)
    );
    if (mine.length === 0 && !full) {
      const all = await doctor.diagnoseEnvironment(env, record, { full: true });
      mine = all.filter((c) =>
        (c.severity === "error" || c.severity === "warning") && doctor.FIXABLE.includes(c.id)
      );
    }
    if (mine.length > 0) toRepair.push({ record, mine });
  }
  // The cache first: a file edited in place through a hard link is corrupt in the cache too, and
  // a reinstall must not link it again.
  const filesDamaged = toRepair.some((r) => r.mine.some((c) => c.id === "env.files"));
  const cacheCorrupt = checks.some((c) => c.id === "cache.integrity" && c.severity === "error");
  let cacheDone = false;
  if (cacheCorrupt || filesDamaged) {
    const repaired = await doctor.repairCacheIntegrity(ctx.home.cacheDir, {
      dryRun: ctx.dryRun,
      signal: ctx.signal,
    });
    cacheDone = true;
    if (repaired.removed.length > 0) {
      fixes.push({
        subject: "cache",
        id: "cache.integrity",
        action: `removed ${repaired.removed.length} corrupt cache entr(ies) (downloaded or ` +
          "unpacked again when needed)",
      });
    }
  }
  for (const { record, mine } of toRepair) {
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
      const result = await doctor.repairEnvironment(env, record.name, {
        removeExtras,
        repairCache: !cacheDone,
      });
      for (const f of result.fixes) fixes.push({ subject: record.name, ...f });
      if (result.fixes.length > 0) ctx.oplog.environment(record.name);
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
  if (scope.registry) {
    const registry = await doctor.repairRegistry(env);
    for (const a of registry.actions) {
      fixes.push({ subject: "registry", id: "registry", action: a });
    }
  }
  return fixes;
}

/** `gestvenv doctor`: checks environments, the registry and the backends; `--fix` repairs. */
export const doctorCommand = buildCommand<DoctorFlags, [string | undefined], CliContext>({
  docs: {
    brief:
      "Check environments, the registry, the configuration, the cache and the backends; --fix repairs",
    fullDescription: examples([
      ["gestvenv doctor", "every environment, the registry, config, cache and backends"],
      ["gestvenv doctor web --full", "also hash every installed file of `web` against RECORD"],
      ["gestvenv doctor --cache --config", "only the cache and the configuration"],
      ["gestvenv doctor --backend uv", "only the uv backend (as if it were the configured one)"],
      ["gestvenv doctor --fix", "repair what can be repaired, then check again"],
      ["gestvenv doctor --suggest", "also suggest what would save disk space or time"],
      [
        "gestvenv doctor --export diagnostic.json",
        "one file for a bug report: system, config (no secrets), checks, last operations",
      ],
      [
        "gestvenv doctor --format json",
        "the findings as data (id, severity, subject, message, fix)",
      ],
    ]) +
      "\nWith ENV, only that environment is checked; --cache, --config and --backend each add one" +
      "\nfamily (and, without ENV, only those run).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      full: toggle(
        "Also hash every installed file against its RECORD, and every cached file (slower)",
      ),
      fix: toggle(
        "Repair what can be repaired (reinstall from the lock and cache, shebangs, permissions, interpreter link, corrupt cache entries, registry)",
      ),
      cache: toggle("Check the cache (size, disk space; with --full every cached file)"),
      config: toggle("Check the configuration file, and whether the indexes answer"),
      backend: {
        kind: "enum",
        values: ["native", "pip", "uv"],
        brief: "Check this backend (as the configured one)",
        optional: true,
      },
      suggest: toggle(
        "Also suggest improvements (cache size, backend, unused environments, copied files)",
      ),
      export: optionalText(
        "Write the diagnosis to FILE as JSON (system, redacted config, checks, last 50 operations)",
        "file",
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
    const scope = scopeOf(name, flags);
    const full = flags.full ?? false;
    let { checks, records } = await diagnose(ctx, scope, full);
    let fixes: Array<{ subject: string; id: string; action: string }> = [];
    if (flags.fix) {
      fixes = await applyFixes(ctx, scope, checks, records, full);
      for (const f of fixes) {
        ctx.printer.info(
          `${ctx.dryRun ? "Would fix" : "Fixed"} ${f.id} (${f.subject}): ${f.action}`,
        );
      }
      if (fixes.length === 0) ctx.printer.info("Nothing to fix");
      // Checked again in full: the repair looked at every file, so the report must too.
      if (!ctx.dryRun) ({ checks, records } = await diagnose(ctx, scope, true));
    }
    if (flags.suggest) {
      const cacheScope = scope.cache;
      checks.push(
        ...await doctor.suggestImprovements(records, {
          cacheRoot: ctx.home.cacheDir,
          cacheMaxSize: cacheScope ? ctx.settings.cacheMaxSize.value : undefined,
          linkMode: ctx.settings.linkMode.value,
        }),
      );
    }
    if (flags.export !== undefined) {
      const { writeDiagnosis } = await import("./_doctor_export.ts");
      if (ctx.dryRun) ctx.printer.info(`Would write the diagnosis to ${flags.export}`);
      else {
        await writeDiagnosis(ctx, flags.export, checks, fixes);
        ctx.printer.success(`Wrote the diagnosis to ${flags.export}`);
      }
    }
    if (format === "json") {
      ctx.printer.json("doctor", { checks, fixes, healthy: !doctor.hasErrors(checks) });
    } else {
      printDoctorReport(ctx, checks);
    }
    return doctor.hasErrors(checks) ? 1 : 0;
  }, { effect: (flags: DoctorFlags) => flags.fix ? "changes" : "reads" }),
});
