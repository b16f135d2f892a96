import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  applyCleanup,
  type CleanupAction,
  type CleanupPlan,
  planCleanup,
} from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
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
import { examples, toggle } from "./_help.ts";
import { formatBytes } from "./_output.ts";

interface CleanupFlags extends GlobalFlags {
  readonly orphaned?: boolean;
  readonly removeUnregistered?: boolean;
  readonly restoreRegistry?: boolean;
}

/** One line per action, in the words of a person. */
function describe(a: CleanupAction, dryRun: boolean): string {
  const size = a.size_bytes === null ? "" : ` (${formatBytes(a.size_bytes)})`;
  const would = (done: string, future: string) => dryRun ? `Would ${future}` : done;
  switch (a.action) {
    case "recover":
      return would(`Finished or undid: ${a.detail}`, `finish or undo: ${a.detail}`);
    case "remove-leftover":
      return would(
        `Removed the leftover ${a.path}${size}: ${a.detail}`,
        `remove the leftover ${a.path}${size}: ${a.detail}`,
      );
    case "drop":
      return would(
        `Dropped the entry of \`${a.name}\` (${a.detail})`,
        `drop the entry of \`${a.name}\` (${a.detail})`,
      );
    case "drop-invalid":
      return would(
        `Dropped the invalid registry entry \`${a.name}\` (${a.detail})`,
        `drop the invalid registry entry \`${a.name}\` (${a.detail})`,
      );
    case "adopt":
      return would(`Adopted \`${a.name}\` (${a.path})`, `adopt \`${a.name}\` (${a.path})`);
    case "restore":
      return would(
        `Restored \`${a.name}\` (${a.path}) ${a.detail}`,
        `restore \`${a.name}\` (${a.path}) ${a.detail}`,
      );
    case "remove":
      return would(
        `Deleted unregistered \`${a.name}\` (${a.path}${size})`,
        `delete unregistered \`${a.name}\` (${a.path}${size})`,
      );
  }
}

/** Asks before deleting environments; refuses without a terminal unless `--yes`. */
async function confirmRemovals(ctx: CommandContext, plan: CleanupPlan): Promise<boolean> {
  const removals = plan.actions.filter((a) => a.action === "remove");
  if (removals.length === 0 || ctx.dryRun) return true;
  const total = removals.reduce((sum, a) => sum + (a.size_bytes ?? 0), 0);
  const list = removals.map((a) => `  ${a.name}  ${a.path}  ${formatBytes(a.size_bytes ?? 0)}`);
  if (!ctx.yes) ctx.printer.info(["These environments will be deleted:", ...list].join("\n"));
  const yes = await confirm(
    ctx,
    `Delete ${removals.length} unregistered environment(s), ${formatBytes(total)}?`,
  );
  if (yes === undefined) {
    throw new UsageError(
      `Refusing to delete ${removals.length} environment(s) without confirmation`,
      { hint: "Run it in a terminal, or pass `--yes` after checking the list with `--dry-run`" },
    );
  }
  return yes;
}

/** `gestvenv cleanup --orphaned`: reconciles the registry with the disk. */
export const cleanupCommand = buildCommand<CleanupFlags, [], CliContext>({
  docs: {
    brief:
      "Reconcile the registry with the disk: finish interrupted commands, drop stale entries, adopt environments",
    fullDescription: examples([
      [
        "gestvenv cleanup --orphaned",
        "finish or undo killed commands, drop entries whose directory is gone, adopt complete environments",
      ],
      ["gestvenv cleanup --orphaned --dry-run", "only show what would be done"],
      [
        "gestvenv cleanup --orphaned --remove-unregistered",
        "delete unregistered environments gestvenv made (asks; --yes in scripts)",
      ],
      [
        "gestvenv cleanup --restore-registry",
        "bring back entries from a registry moved aside after damage",
      ],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      orphaned: toggle("Act on orphans: interrupted commands, stale entries, unknown environments"),
      removeUnregistered: toggle(
        "Delete unregistered environments gestvenv created (its marker proves it) instead of adopting them",
      ),
      restoreRegistry: toggle(
        "Restore entries from registry copies moved aside after damage (environments.json.corrupt-*)",
      ),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("cleanup", async (ctx, flags: CleanupFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (!flags.orphaned && !flags.restoreRegistry) {
      throw new UsageError("Say what to clean up", {
        hint: "Use `gestvenv cleanup --orphaned` (or `--restore-registry`)",
      });
    }
    if (flags.removeUnregistered && !flags.orphaned) {
      throw new UsageError("`--remove-unregistered` goes with `--orphaned`");
    }
    const env = ctx.environments();
    const plan = await planCleanup(env, {
      orphaned: flags.orphaned ?? false,
      removeUnregistered: flags.removeUnregistered ?? false,
      restoreRegistry: flags.restoreRegistry ?? false,
    });
    if (!(await confirmRemovals(ctx, plan))) {
      ctx.printer.info("Nothing deleted");
      return;
    }
    const report = ctx.dryRun
      ? { done: plan.actions, recovered: [], skipped: plan.skipped }
      : await applyCleanup(env, plan);
    if (format === "json") {
      ctx.printer.json("cleanup", { ...report, dry_run: ctx.dryRun });
      return;
    }
    const p = ctx.printer;
    for (const a of report.done) if (a.action !== "recover") p.info(describe(a, ctx.dryRun));
    if (ctx.dryRun) {
      for (const a of report.done) if (a.action === "recover") p.info(describe(a, true));
    }
    for (const s of report.skipped) {
      p.warn(
        `Left \`${s.name}\` alone: ${s.reason}${s.fix === null ? "" : ` (fix: \`${s.fix}\`)`}`,
      );
    }
    if (report.done.length + report.recovered.length === 0 && report.skipped.length === 0) {
      p.success("Registry and disk agree; nothing to do");
    }
  }, { effect: "changes" }),
});
