import { buildCommand } from "npm:@stricli/core@1.3.0";
import type { LockPlan, ProjectSyncResult } from "../lib/packages/mod.ts";
import type { EnvironmentContext } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import {
  BACKEND_FLAG,
  COMPILE_FLAG,
  environmentName,
  examples,
  LINK_MODE_FLAG,
  optionalText,
  toggle,
} from "./_help.ts";

interface SyncFlags extends GlobalFlags {
  readonly groups?: string;
  readonly extras?: string;
  readonly allGroups?: boolean;
  readonly noProject?: boolean;
  readonly clean?: boolean;
  readonly cleanAll?: boolean;
  readonly locked?: boolean;
  readonly frozen?: boolean;
  readonly lock?: boolean;
  readonly lockFile?: string;
  readonly backend?: "auto" | "native" | "pip" | "uv";
  readonly linkMode?: "clone" | "hardlink" | "copy";
  readonly compile?: boolean;
}

/** The plan as JSON data: what is installed (name, version, file), kept and removed. */
function planData(plan: LockPlan) {
  return {
    install: plan.install.map((p) => ({
      name: p.name,
      version: p.version,
      file: p.file,
      url: p.url,
      path: p.path,
      editable: p.editable,
      replaces: p.replaces,
    })),
    unchanged: plan.unchanged,
    remove: plan.remove,
  };
}

/** Prints a dry run's plan: a table on stdout, a summary on stderr. */
async function printPlan(ctx: CommandContext, name: string, lockFile: string, plan: LockPlan) {
  const rows: string[][] = [
    ...plan.install.map((p) => [
      p.replaces === null ? "install" : "replace",
      p.name,
      p.replaces === null ? p.version ?? "" : `${p.replaces} → ${p.version ?? "?"}`,
      p.file ?? `${p.path}${p.editable ? " (editable)" : ""}`,
    ]),
    ...plan.remove.map((r) => ["remove", r.name, r.version, ""]),
  ];
  if (rows.length > 0) await ctx.printer.table(["Action", "Package", "Version", "File"], rows);
  const parts = [
    `install ${plan.install.length}`,
    `remove ${plan.remove.length}`,
    `keep ${plan.unchanged.length}`,
  ];
  ctx.printer.info(
    rows.length === 0
      ? `Dry run: \`${name}\` already matches ${lockFile}; nothing would change`
      : `Dry run: syncing \`${name}\` with ${lockFile} would ${parts.join(", ")}; ` +
        "nothing was changed",
  );
}

/** `a,b c` → `["a", "b", "c"]`; undefined when the flag was not given. */
export function nameList(list: string | undefined): string[] | undefined {
  return list === undefined ? undefined : list.split(/[\s,]+/).filter((s) => s !== "");
}

/** Flags that only mean something for a project's environment. */
function projectFlags(flags: SyncFlags): string[] {
  const given: Array<[unknown, string]> = [
    [flags.groups, "--groups"],
    [flags.extras, "--extras"],
    [flags.allGroups, "--all-groups"],
    [flags.noProject, "--no-project"],
    [flags.clean, "--clean"],
    [flags.cleanAll, "--clean-all"],
    [flags.frozen, "--frozen"],
    [flags.lock, "--lock"],
  ];
  return given.filter(([v]) => v !== undefined && v !== false).map(([, f]) => f);
}

/**
 * Which environment and which kind of sync: a project's environment (its binding, or the
 * project in the current directory, which the sync binds), or an environment's own lock
 * (`--locked` without a project, the behaviour before projects).
 */
async function chooseSync(
  env: EnvironmentContext,
  given: string | undefined,
  flags: SyncFlags,
): Promise<{ name: string; project: string | undefined; kind: "project" | "lock" }> {
  const { findProjectRoot, projectEnvironment } = await import("../lib/packages/mod.ts");
  const { getEnvironment } = await import("../lib/environments/mod.ts");
  if (given === undefined) {
    if (flags.lockFile !== undefined) {
      throw new UsageError("--lock-file needs the environment's name", {
        hint: "gestvenv sync NAME --locked --lock-file FILE",
      });
    }
    const { name, root } = await projectEnvironment(env, Deno.cwd());
    return { name, project: root, kind: "project" };
  }
  const record = await getEnvironment(env, given);
  if (record.project !== undefined && flags.lockFile === undefined) {
    return { name: given, project: record.project.path, kind: "project" };
  }
  const here = flags.locked || flags.lockFile !== undefined
    ? undefined
    : await findProjectRoot(Deno.cwd());
  if (here !== undefined) return { name: given, project: here, kind: "project" };
  const extra = projectFlags(flags);
  if (extra.length > 0) {
    throw new UsageError(
      `${extra.join(", ")} need${
        extra.length === 1 ? "s" : ""
      } a project, and \`${given}\` is bound to none`,
      {
        hint: `Run it in the project's directory to bind \`${given}\`, ` +
          "or create the environment with `gestvenv create-from-pyproject`",
      },
    );
  }
  if (!flags.locked) {
    throw new UsageError(
      `\`${given}\` is bound to no project, so \`gestvenv sync\` needs --locked`,
      {
        hint: "--locked installs the environment's lock exactly; to add packages use " +
          "`gestvenv install`, or run the sync in a project's directory to bind it",
      },
    );
  }
  return { name: given, project: undefined, kind: "lock" };
}

/** Prints a project sync's outcome. */
async function printProjectSync(ctx: CommandContext, name: string, result: ProjectSyncResult) {
  const chosen = [
    result.groups.length > 0 ? `groups ${result.groups.join(", ")}` : "",
    result.extras.length > 0 ? `extras ${result.extras.join(", ")}` : "",
  ].filter((s) => s !== "").join("; ");
  const what = `the project at ${result.project}${chosen === "" ? "" : ` (${chosen})`}`;
  if (result.dryRun) {
    await printPlan(ctx, name, what, result.plan);
    return;
  }
  const removed = result.plan.remove.map((r) => r.name);
  ctx.printer.success(
    `\`${name}\` matches ${what}: ${result.record.packages.length} distributions` +
      (result.plan.install.length > 0 ? `, installed ${result.plan.install.length}` : "") +
      (removed.length > 0 ? `, removed ${removed.join(", ")}` : ""),
  );
  if (result.lockWritten) ctx.printer.info(`  Locked in ${result.lockFile}`);
  else if (!result.resolved) ctx.printer.info(`  From ${result.lockFile}`);
}

/**
 * `gestvenv sync [ENV]`: makes a project's environment match what the project declares (or its
 * lock), or an environment match a PEP 751 lock exactly.
 */
export const syncCommand = buildCommand<SyncFlags, [string | undefined], CliContext>({
  docs: {
    brief:
      "Make an environment match its project (pyproject.toml, groups, extras, pylock.toml) or a lock",
    fullDescription: examples([
      ["gestvenv sync", "the environment bound to the project here"],
      ["gestvenv sync web --groups dev,test", "with these dependency groups (PEP 735)"],
      ["gestvenv sync web --clean", "also remove what the project does not declare"],
      ["gestvenv sync --locked", "fail when pylock.toml is out of date with pyproject.toml"],
      ["gestvenv sync --frozen", "install pylock.toml as it is, without checking it"],
      ["gestvenv sync web --locked", "an environment without a project: its own pylock.toml"],
      ["gestvenv sync web --locked --lock-file pylock.toml", "to another lock"],
      ["gestvenv sync web --dry-run", "show what would be installed and removed"],
    ]) +
      "\nWithout ENV: the environment named by `environment` in .gestvenv.toml or" +
      "\n[tool.gestvenv], else the one whose record is bound to the project here." +
      "\nGroups and extras default to those of the last sync. The project's pylock.toml is used" +
      "\nwhen it is up to date, else the project is resolved again and the lock rewritten" +
      "\n(created with --lock). --clean keeps pip, setuptools and wheel; --clean-all does not." +
      "\n--locked fails (exit 1) when pylock.toml is missing or out of date, naming what changed." +
      "\nEvery file is fetched and checked against the lock's sha256 before anything is installed;" +
      "\nany mismatch fails and changes nothing.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      groups: optionalText(
        "Dependency groups (PEP 735), comma-separated (default: as before)",
        "list",
      ),
      extras: optionalText("Extras of the project, comma-separated (default: as before)", "list"),
      allGroups: toggle("Every dependency group of the project"),
      noProject: toggle("Leave the project itself out (removed if it was installed)"),
      clean: toggle("Also remove what is not declared (pip, setuptools and wheel stay)"),
      cleanAll: toggle("Also remove what is not declared, pip, setuptools and wheel included"),
      locked: toggle("Fail unless the lock is up to date (project), or install the env's lock"),
      frozen: toggle("Install the project's pylock.toml as it is, without checking it"),
      lock: toggle("Write the project's pylock.toml even if it does not exist yet"),
      lockFile: optionalText("Lock to apply to an environment without a project", "file"),
      backend: BACKEND_FLAG,
      linkMode: LINK_MODE_FLAG,
      compile: COMPILE_FLAG,
    },
    aliases: { ...GLOBAL_ALIASES, b: "backend" },
    positional: {
      kind: "tuple",
      parameters: [{
        ...environmentName("Environment (default: the one bound to the project here)"),
        optional: true,
      }],
    },
  },
  func: action("sync", async (ctx, flags: SyncFlags, given: string | undefined) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { syncEnvironment, syncProject } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    if (flags.locked && flags.frozen) {
      throw new UsageError("--locked and --frozen contradict each other", {
        hint: "--locked checks the lock against pyproject.toml; --frozen skips the check",
      });
    }
    const env = ctx.environments();
    const chosen = await chooseSync(env, given, flags);
    const name = chosen.name;
    if (chosen.kind === "project") {
      const result = await syncProject(env, name, {
        project: chosen.project,
        groups: nameList(flags.groups),
        extras: nameList(flags.extras),
        allGroups: flags.allGroups ?? false,
        noProject: flags.noProject,
        clean: flags.cleanAll ? "all" : flags.clean ? "declared" : "none",
        lock: flags.locked ? "locked" : flags.frozen ? "frozen" : "auto",
        writeLock: flags.lock ?? false,
        dryRun: ctx.dryRun,
      });
      if (format === "json") {
        ctx.printer.json("sync", {
          environment: name,
          project: result.project,
          groups: result.groups,
          extras: result.extras,
          lock: result.lockFile,
          lock_written: result.lockWritten,
          resolved: result.resolved,
          dry_run: result.dryRun,
          ...planData(result.plan),
          removed: result.plan.remove.map((r) => r.name),
          packages: result.record.packages,
        });
        return;
      }
      await printProjectSync(ctx, name, result);
      return;
    }
    const result = await syncEnvironment(env, name, {
      lockFile: flags.lockFile === undefined ? undefined : absolute(flags.lockFile),
      dryRun: ctx.dryRun,
    });
    const removed = result.plan.remove.map((r) => r.name);
    if (format === "json") {
      ctx.printer.json("sync", {
        environment: name,
        lock: result.lockFile,
        dry_run: result.dryRun,
        ...planData(result.plan),
        removed,
        packages: result.record.packages,
      });
      return;
    }
    if (result.dryRun) {
      await printPlan(ctx, name, result.lockFile, result.plan);
      return;
    }
    ctx.printer.success(
      `\`${name}\` matches ${result.lockFile}: ${result.record.packages.length} distributions` +
        (result.plan.install.length > 0 ? `, installed ${result.plan.install.length}` : "") +
        (removed.length > 0 ? `, removed ${removed.join(", ")}` : ""),
    );
  }, { effect: "changes" }),
});
