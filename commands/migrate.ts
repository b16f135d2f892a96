import { buildCommand } from "npm:@stricli/core@1.3.0";
import { GestvenvError, UsageError } from "../lib/errors/mod.ts";
import type {
  AdoptMode,
  AdoptResult,
  MigrationAnalysis,
  MigrationSource,
  MigrationStep,
} from "../lib/migrate/mod.ts";
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
import { formatBytes } from "./_output.ts";

/**
 * The `--from` values: lib/migrate's `MIGRATION_SOURCES`, spelled out here because importing a
 * value from lib/migrate would load it on every command's start-up (it is loaded when `migrate`
 * runs). The type checks keep both lists the same.
 */
const SOURCES = [
  "gestvenv2",
  "gestvenv1",
  "virtualenvwrapper",
  "pyenv-virtualenv",
  "pipenv",
  "poetry",
] as const satisfies readonly MigrationSource[];
type _EverySourceListed = MigrationSource extends (typeof SOURCES)[number] ? true : never;
const _everySourceListed: _EverySourceListed = true;

interface MigrateFlags extends GlobalFlags {
  readonly adopt?: string;
  readonly name?: string;
  readonly move?: boolean;
  readonly inPlace?: boolean;
  readonly from?: MigrationSource;
  readonly "fromV1.0"?: boolean;
  readonly analyze?: boolean;
  readonly detailed?: boolean;
  readonly suggestOptimizations?: boolean;
  readonly backup?: boolean;
  readonly indexUrl?: string;
}

/** `gestvenv migrate`: finds, analyzes and adopts environments other tools made. */
export const migrateCommand = buildCommand<MigrateFlags, [], CliContext>({
  docs: {
    brief: "Adopt environments made by other tools (Python gestvenv, virtualenvwrapper, …)",
    fullDescription: examples([
      ["gestvenv migrate --analyze", "what is there, and what adopting it would save"],
      ["gestvenv migrate --from poetry --yes", "copy every poetry environment into gestvenv"],
      ["gestvenv migrate --from-v1.0 --backup", "Python gestvenv 1.x environments and settings"],
      ["gestvenv migrate --adopt ~/.virtualenvs/web", "copy one environment (source untouched)"],
      ["gestvenv migrate --adopt ./venv --name app --in-place", "register it where it is"],
    ]) +
      "\n\nSources: gestvenv2 (~/.gestvenv), gestvenv1 (~/.gestvenv_v1, ~/.config/gestvenv), " +
      "virtualenvwrapper ($WORKON_HOME, ~/.virtualenvs), pyenv-virtualenv ($PYENV_ROOT), pipenv " +
      "(~/.local/share/virtualenvs), poetry (virtualenvs.path). conda environments are not " +
      "supported.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      adopt: optionalText("Adopt the environment at this path", "path"),
      name: optionalText("Name of the adopted environment (default: its folder name)", "name"),
      move: toggle("Copy, verify, then remove the source's own files"),
      inPlace: toggle("Register the environment where it is (delete then only unregisters it)"),
      from: {
        kind: "enum",
        values: SOURCES,
        brief: "Only this tool's environments",
        optional: true,
      },
      "fromV1.0": toggle("Python gestvenv 1.x (same as --from gestvenv1)"),
      analyze: toggle("Report what is there and what adopting it would improve; change nothing"),
      detailed: toggle("With --analyze: every distribution of every environment"),
      suggestOptimizations: toggle("Report only what adopting would improve; change nothing"),
      backup: toggle("Copy gestvenv's registry and configuration to <home>/backups first"),
      indexUrl: optionalText("Package index the copies are installed from", "url"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("migrate", async (ctx, flags: MigrateFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (flags.move && flags.inPlace) {
      throw new UsageError("--move and --in-place cannot be combined", {
        hint: "--move copies then removes the source; --in-place keeps it where it is",
      });
    }
    const mode: AdoptMode = flags.move ? "move" : flags.inPlace ? "in-place" : "copy";
    if (flags.adopt === undefined && flags.name !== undefined) {
      throw new UsageError("--name goes with --adopt PATH", {
        hint: "`gestvenv migrate --adopt PATH --name NAME`",
      });
    }
    if (flags.detailed && !flags.analyze) {
      throw new UsageError("--detailed goes with --analyze", {
        hint: "`gestvenv migrate --analyze --detailed`",
      });
    }
    const migrate = await import("../lib/migrate/mod.ts");
    const env = ctx.environments();
    if (flags.adopt !== undefined) {
      if (flags.analyze || flags.suggestOptimizations || flags.from || flags["fromV1.0"]) {
        throw new UsageError(
          "--adopt PATH takes one environment; it is not combined with sources",
          {
            hint: "Run `gestvenv migrate --analyze` to see the others",
          },
        );
      }
      const backup = await maybeBackup(ctx, flags);
      const result = await migrate.adoptEnvironment(env, flags.adopt, {
        name: flags.name,
        mode,
      });
      if (!ctx.dryRun) logAdoption(ctx, result);
      if (format === "json") {
        ctx.printer.json("migrate", {
          adopted: [adoptionJson(result)],
          backup,
          dry_run: ctx.dryRun,
        });
        return;
      }
      printAdoption(ctx, result);
      return;
    }
    const sources: MigrationSource[] = flags["fromV1.0"]
      ? ["gestvenv1"]
      : flags.from !== undefined
      ? [flags.from]
      : [...migrate.MIGRATION_SOURCES];
    const candidates = await migrate.detectCandidates(sources);
    if (flags.analyze || flags.suggestOptimizations) {
      const analysis = await migrate.analyzeCandidates(candidates);
      if (format === "json") {
        ctx.printer.json("migrate", analysisJson(analysis, flags.detailed ?? false));
        return;
      }
      await printAnalysis(ctx, analysis, {
        candidates: flags.analyze ?? false,
        detailed: flags.detailed ?? false,
      });
      return;
    }
    const steps = await migrate.planMigration(env, candidates);
    const adopt = steps.filter((s) => s.action === "adopt");
    if (format !== "json") printPlan(ctx, steps, mode);
    // What the settings would become, computed without writing, so it is confirmed too.
    const configPlan = await migrate.carryPythonGestvenvConfig({ ...env, dryRun: true }, sources);
    const carries = configPlan.some((c) => Object.keys(c.mapping.values).length > 0);
    if (format !== "json" && !ctx.dryRun) printConfig(ctx, configPlan, true, false, true);
    if ((adopt.length > 0 || carries) && !ctx.dryRun) {
      const yes = await confirm(
        ctx,
        adopt.length > 0
          ? `${modeVerb(mode)} ${adopt.length} environment(s) into gestvenv?`
          : "Carry these settings into gestvenv's config.toml?",
      );
      if (yes === undefined) {
        throw new UsageError("Refusing to migrate without confirmation", {
          hint: "Pass `--yes` when not running in a terminal (or `--dry-run` to see the plan)",
        });
      }
      if (!yes) {
        ctx.printer.info("Nothing migrated");
        return;
      }
    }
    const backup = await maybeBackup(ctx, flags);
    const config = await migrate.carryPythonGestvenvConfig(env, sources);
    if (ctx.dryRun) {
      if (format === "json") {
        ctx.printer.json("migrate", {
          plan: steps.map(stepJson),
          config: config.map(configJson),
          dry_run: true,
        });
        return;
      }
      printConfig(ctx, config, true);
      return;
    }
    const outcome = await migrate.runMigration(env, steps, mode, (result) => {
      logAdoption(ctx, result);
      if (format !== "json") printAdoption(ctx, result);
    });
    for (const f of outcome.failed) {
      ctx.printer.warn(
        `${f.candidate.source} \`${f.candidate.name}\` (${f.candidate.path}) was not migrated: ${
          f.error instanceof Error ? f.error.message : String(f.error)
        }${f.error instanceof GestvenvError && f.error.hint ? ` (${f.error.hint})` : ""}`,
      );
    }
    if (format === "json") {
      ctx.printer.json("migrate", {
        plan: steps.map(stepJson),
        adopted: outcome.adopted.map(adoptionJson),
        failed: outcome.failed.map((f) => ({
          source: f.candidate.source,
          name: f.candidate.name,
          path: f.candidate.path,
          error: f.error instanceof Error ? f.error.message : String(f.error),
        })),
        config: config.map(configJson),
        backup,
        dry_run: false,
      });
    } else {
      if (adopt.length === 0) ctx.printer.info("Nothing to migrate");
    }
    printConfig(ctx, config, false, format === "json");
    return outcome.failed.length > 0 ? 1 : 0;
  }, {
    // The analysis only reads: no operation-log line, no cache clean-up after it.
    effect: (flags: MigrateFlags) =>
      (flags.analyze || flags.suggestOptimizations) && flags.adopt === undefined
        ? "reads"
        : "changes",
  }),
});

function modeVerb(mode: AdoptMode): string {
  return mode === "move" ? "Move" : mode === "in-place" ? "Register in place" : "Copy";
}

/** `--backup`: the registry and configuration copied to `<home>/backups/<time>/`. */
async function maybeBackup(ctx: CommandContext, flags: MigrateFlags): Promise<string | null> {
  if (!flags.backup) return null;
  if (ctx.dryRun) {
    ctx.printer.info(`Would back up the registry and configuration to ${ctx.home.root}/backups/`);
    return null;
  }
  const { backupHomeFiles } = await import("../lib/migrate/mod.ts");
  const backup = await backupHomeFiles(ctx.home, [
    "environments.json",
    "config.toml",
    "config.json",
  ]);
  ctx.printer.info(
    `Backed up ${backup.files.join(", ") || "nothing (no files yet)"} to ${backup.path}`,
  );
  return backup.path;
}

function logAdoption(ctx: CommandContext, result: AdoptResult): void {
  ctx.oplog.packageChange({
    record: result.record,
    changes: result.mode === "in-place"
      ? []
      : result.packages.map((p) => ({ name: p.name, before: null, after: p.version })),
  });
}

function adoptionJson(result: AdoptResult) {
  return {
    name: result.name,
    source: result.source,
    from: result.record.adopted?.from ?? "path",
    mode: result.mode,
    path: result.record.path,
    python: result.record.python.version,
    packages: result.packages.map((p) => `${p.name}==${p.version}`),
    unlocked: result.unlocked,
    source_removed: result.sourceRemoved,
    kept_source_files: result.keptSourceFiles,
    dry_run: result.dryRun,
  };
}

function printAdoption(ctx: CommandContext, result: AdoptResult): void {
  const count = `${result.packages.length} distribution(s)`;
  if (result.dryRun) {
    ctx.printer.info(
      result.mode === "in-place"
        ? `Would register ${result.source} in place as \`${result.name}\` (${count})`
        : `Would ${result.mode} ${result.source} to \`${result.name}\` (${result.record.path}, ${count}, Python ${result.record.python.version})`,
    );
    for (const u of result.unlocked) {
      ctx.printer.warn(`${u.name} ${u.version} cannot be copied: ${u.reason}`);
    }
    return;
  }
  if (result.mode === "in-place") {
    ctx.printer.success(
      `Registered ${result.source} as \`${result.name}\` (in place, ${count}; delete only unregisters it)`,
    );
    return;
  }
  ctx.printer.success(
    `Adopted ${result.source} as \`${result.name}\` (${result.record.path}): ${count} installed from the lock and verified`,
  );
  if (result.mode === "move") {
    ctx.printer.info(`  Removed the source's own files from ${result.source}`);
    if (result.keptSourceFiles.length > 0) {
      ctx.printer.info(
        `  Kept ${result.keptSourceFiles.length} file(s) it did not make: ${
          result.keptSourceFiles.slice(0, 5).join(", ")
        }${result.keptSourceFiles.length > 5 ? ", …" : ""}`,
      );
    }
  }
}

function stepJson(step: MigrationStep) {
  return {
    source: step.candidate.source,
    name: step.candidate.name,
    path: step.candidate.path,
    python: step.candidate.python.version,
    packages: step.candidate.packages.length,
    action: step.action,
    reason: step.reason,
  };
}

function printPlan(ctx: CommandContext, steps: readonly MigrationStep[], mode: AdoptMode): void {
  if (steps.length === 0) {
    ctx.printer.info("No environment of another tool was found");
    return;
  }
  for (const step of steps) {
    const c = step.candidate;
    ctx.printer.info(
      step.action === "adopt"
        ? `${modeVerb(mode)}: ${c.source} \`${c.name}\` (${c.path}, Python ${
          c.python.version ?? "?"
        }, ${c.packages.length} distribution(s))`
        : `Skip: ${c.source} \`${c.name}\` (${c.path}): ${step.reason}`,
    );
  }
}

type CarriedConfig = Awaited<
  ReturnType<typeof import("../lib/migrate/mod.ts").carryPythonGestvenvConfig>
>[number];

function configJson(c: CarriedConfig) {
  return {
    file: c.file,
    values: c.mapping.values,
    written: c.written,
    kept: c.kept,
    not_carried: c.mapping.notCarried,
  };
}

function printConfig(
  ctx: CommandContext,
  config: readonly CarriedConfig[],
  dryRun: boolean,
  warningsOnly = false,
  planOnly = false,
) {
  for (const c of config) {
    const keys = Object.entries(c.mapping.values).map(([k, v]) => `${k} = ${v}`);
    if (keys.length > 0 && !warningsOnly) {
      ctx.printer.info(
        dryRun
          ? `${
            planOnly ? "Settings to carry" : "Would carry"
          } from ${c.file} (unless config.toml sets them): ${keys.join(", ")}`
          : `Settings from ${c.file}: ${
            c.written.length > 0 ? `wrote ${c.written.join(", ")}` : "nothing new"
          }${c.kept.length > 0 ? `; config.toml already sets ${c.kept.join(", ")}` : ""}`,
      );
    }
    if (c.mapping.notCarried.length > 0 && !planOnly) {
      ctx.printer.warn(
        `Settings of ${c.file} with no meaning in gestvenv, not carried: ${
          c.mapping.notCarried.join(", ")
        }`,
      );
    }
  }
}

function analysisJson(a: MigrationAnalysis, detailed: boolean) {
  return {
    candidates: a.candidates.map((c) => ({
      source: c.candidate.source,
      name: c.candidate.name,
      path: c.candidate.path,
      python: c.candidate.python.version,
      packages: c.candidate.packages.length,
      size_bytes: c.sizeBytes,
      adoptable: c.candidate.problem === null,
      problem: c.candidate.problem,
      ...(detailed
        ? { distributions: c.candidate.packages.map((p) => `${p.name}==${p.version}`) }
        : {}),
    })),
    adoptable: a.adoptable,
    not_adoptable: a.notAdoptable,
    share_cache: a.cacheCandidates.map((c) => ({
      name: c.name,
      path: c.path,
      size_bytes: c.sizeBytes,
    })),
    shared: a.shared.map((s) => ({
      name: s.name,
      version: s.version,
      environments: s.environments,
      size_bytes: s.sizeBytes,
      saved_bytes: s.savedBytes,
    })),
    saved_bytes: a.savedBytes,
  };
}

async function printAnalysis(
  ctx: CommandContext,
  a: MigrationAnalysis,
  show: { candidates: boolean; detailed: boolean },
): Promise<void> {
  if (show.candidates) {
    if (a.candidates.length === 0) {
      ctx.printer.info("No environment of another tool was found");
      return;
    }
    await ctx.printer.table(
      ["Source", "Name", "Python", "Packages", "Size", "Adoptable"],
      a.candidates.map((c) => [
        c.candidate.source,
        c.candidate.name,
        c.candidate.python.version ?? "?",
        c.candidate.packages.length,
        formatBytes(c.sizeBytes),
        c.candidate.problem === null ? "yes" : "no",
      ]),
    );
    if (show.detailed) {
      for (const c of a.candidates) {
        ctx.printer.data(
          `${c.candidate.source} ${c.candidate.name} (${c.candidate.path}): ${
            c.candidate.packages.map((p) => `${p.name}==${p.version}`).join(", ") ||
            "no distributions"
          }`,
        );
      }
    }
  }
  ctx.printer.data("Suggestions:");
  for (const n of a.notAdoptable) {
    ctx.printer.data(`  - \`${n.name}\` (${n.path}) cannot be adopted: ${n.reason}`);
  }
  if (a.cacheCandidates.length > 0) {
    const bytes = a.cacheCandidates.reduce((n, c) => n + c.sizeBytes, 0);
    ctx.printer.data(
      `  - ${a.cacheCandidates.length} environment(s) installed by pip or another tool (${
        formatBytes(bytes)
      }) keep their own copy of every file; adopted, they are linked from gestvenv's cache`,
    );
  }
  for (const s of a.shared.slice(0, show.detailed ? a.shared.length : 10)) {
    ctx.printer.data(
      `  - ${s.name}==${s.version} is installed in ${s.environments.length} environments: one cached copy saves ${
        formatBytes(s.savedBytes)
      }`,
    );
  }
  if (a.savedBytes > 0) {
    ctx.printer.data(`  Total the cache would save: ${formatBytes(a.savedBytes)}`);
  }
  if (a.notAdoptable.length === 0 && a.cacheCandidates.length === 0 && a.shared.length === 0) {
    ctx.printer.data("  Nothing to improve");
  }
}
