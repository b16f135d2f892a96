import { buildCommand } from "npm:@stricli/core@1.3.0";
import type { LockPlan } from "../lib/packages/mod.ts";
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
  readonly locked?: boolean;
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

/** `gestvenv sync ENV --locked`: makes an environment match a lock exactly. */
export const syncCommand = buildCommand<SyncFlags, [string], CliContext>({
  docs: {
    brief: "Make an environment match a PEP 751 lock exactly (install its files, remove the rest)",
    fullDescription: examples([
      ["gestvenv sync web --locked", "back to web's own pylock.toml"],
      ["gestvenv sync web --locked --lock-file pylock.toml", "to another lock"],
      ["gestvenv sync web --locked --dry-run", "show what would be installed and removed"],
    ]) +
      "\nEvery file is fetched and checked against the lock's sha256 before anything is installed;" +
      "\nany mismatch fails and changes nothing.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      locked: toggle("Install from the lock without resolving (required)"),
      lockFile: optionalText("Lock to apply (default: the environment's pylock.toml)", "file"),
      backend: BACKEND_FLAG,
      linkMode: LINK_MODE_FLAG,
      compile: COMPILE_FLAG,
    },
    aliases: { ...GLOBAL_ALIASES, b: "backend" },
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("sync", async (ctx, flags: SyncFlags, name: string) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { syncEnvironment } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    if (!flags.locked) {
      throw new UsageError("`gestvenv sync` needs --locked", {
        hint: "It installs a lock exactly; to add packages use `gestvenv install`",
      });
    }
    const env = ctx.environments();
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
