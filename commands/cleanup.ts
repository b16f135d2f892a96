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
  readonly all?: boolean;
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

/** The rows of `cleanup --all`'s summary: what goes, and its size in bytes. */
interface SummaryRow {
  kind: "registry" | "cache" | "logs";
  what: string;
  bytes: number;
}

/**
 * `cleanup --all` (spec 001 "nettoyage complet"): the `--orphaned` reconciliation, what
 * `cache clean --unpacked` removes (unpacked wheels and stored files no environment uses), and
 * rotated operation logs past `logs.retention_days`; shown as one table, confirmed, then applied.
 * Only what gestvenv made goes: marked environments and its leftovers, the cache's own entries,
 * `logs/operations.N.jsonl`.
 */
async function cleanupAll(
  ctx: CommandContext,
  flags: CleanupFlags,
  format: string,
): Promise<number | void> {
  if (flags.restoreRegistry) {
    throw new UsageError("`--restore-registry` is its own command", {
      hint: "Run `gestvenv cleanup --restore-registry` first, then `gestvenv cleanup --all`",
    });
  }
  const { cleanCache } = await import("../lib/cache/mod.ts");
  const { expiredLogs, logsDirOf, removeExpiredLogs } = await import("../lib/oplog/mod.ts");
  const { environmentReferences, withCache } = await import("./cache/_cache.ts");
  const { cleanReportJson } = await import("./cache/_clean_report.ts");
  const env = ctx.environments();
  const plan = await planCleanup(env, {
    orphaned: true,
    removeUnregistered: flags.removeUnregistered ?? false,
  });
  const refs = await environmentReferences(ctx);
  for (const name of refs.unlocked) {
    ctx.printer.warn(
      `\`${name}\` has no readable pylock.toml: only its hard links protect its files ` +
        `(\`gestvenv lock ${name}\` writes one)`,
    );
  }
  const cachePlan = await withCache(
    ctx,
    (cache) => cleanCache(cache, { unpacked: true }, { dryRun: true, referenced: refs.references }),
  );
  const retention = ctx.settings.logsRetentionDays.value;
  const logsDir = logsDirOf(ctx.home);
  const logs = await expiredLogs(logsDir, retention);

  const rows: SummaryRow[] = [];
  for (const a of plan.actions) {
    rows.push({
      kind: "registry",
      what: describe(a, true).replace(/^Would /, ""),
      bytes: a.size_bytes ?? 0,
    });
  }
  const byKind = new Map<string, { count: number; bytes: number }>();
  for (const e of cachePlan.entries) {
    const k = byKind.get(e.kind) ?? { count: 0, bytes: 0 };
    k.count++;
    k.bytes += e.bytes;
    byKind.set(e.kind, k);
  }
  const words: Record<string, string> = {
    "manifest": "unpacked wheel(s) no environment uses",
    "stored-file": "unpacked file(s) nothing links to",
    "artifact": "artifact(s)",
  };
  for (const [kind, k] of byKind) {
    rows.push({ kind: "cache", what: `${k.count} ${words[kind] ?? kind}`, bytes: k.bytes });
  }
  for (const l of logs) {
    rows.push({
      kind: "logs",
      what: `${l.path} (last written ${new Date(l.modified).toISOString().slice(0, 10)}, ` +
        `over ${retention} days)`,
      bytes: l.bytes,
    });
  }
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  const p = ctx.printer;
  if (rows.length === 0 && plan.skipped.length === 0) {
    if (format === "json") {
      p.json("cleanup", { summary: [], total_bytes: 0, dry_run: ctx.dryRun });
    } else p.success("Nothing to clean up");
    return;
  }
  if (format !== "json" && rows.length > 0) {
    await p.table(
      ["Kind", "What goes", "Size", "Bytes"],
      [
        ...rows.map((r) => [r.kind, r.what, formatBytes(r.bytes), String(r.bytes)]),
        ["total", "", formatBytes(total), String(total)],
      ],
    );
  }
  if (!ctx.dryRun && rows.length > 0) {
    const yes = await confirm(ctx, `Clean up all of this (${formatBytes(total)})?`);
    if (yes === undefined) {
      throw new UsageError("Refusing to clean up without confirmation", {
        hint: "Run it in a terminal, or pass `--yes` after checking the list with `--dry-run`",
      });
    }
    if (!yes) {
      p.info("Nothing removed");
      return;
    }
  }
  const orphans = ctx.dryRun
    ? { done: plan.actions, recovered: [], skipped: plan.skipped }
    : await applyCleanup(env, plan);
  const cache = ctx.dryRun ? cachePlan : await withCache(
    ctx,
    (c) =>
      cleanCache(c, { unpacked: true }, {
        referenced: refs.references,
        signal: ctx.signal,
        onWait: () => p.warn("Waiting for the package cache: another gestvenv process is using it"),
      }),
  );
  // Under the logs lock, chosen again by age and inode: a log rotated since the plan stays.
  const gone = ctx.dryRun
    ? logs
    : await removeExpiredLogs(logsDir, logs, retention, { timeoutMs: 60_000 });
  const removedLogs = gone.map((l) => l.path);
  for (const a of orphans.done) {
    if (a.action === "adopt" || a.action === "restore") ctx.oplog.environment(a.name);
  }
  if (format === "json") {
    p.json("cleanup", {
      summary: rows,
      total_bytes: total,
      orphans: orphans,
      cache: cleanReportJson(cache),
      logs: removedLogs,
      dry_run: ctx.dryRun,
    });
    return;
  }
  for (const s of orphans.skipped) {
    p.warn(`Left \`${s.name}\` alone: ${s.reason}${s.fix === null ? "" : ` (fix: \`${s.fix}\`)`}`);
  }
  if (ctx.dryRun) p.info(`Would free ${formatBytes(total)}; nothing was changed (--dry-run)`);
  else {
    const freed = orphans.done.reduce((sum, a) => sum + (a.size_bytes ?? 0), 0) + cache.bytes +
      gone.reduce((sum, l) => sum + l.bytes, 0);
    p.success(`Cleaned up: ${formatBytes(freed)} freed`);
  }
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
        "gestvenv cleanup --all",
        "also unused cache files and rotated logs past logs.retention_days (asks; --yes)",
      ],
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
      all: toggle(
        "Everything: orphans and leftovers, cache files no environment uses, rotated logs past logs.retention_days",
      ),
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
    if (flags.all) return await cleanupAll(ctx, flags, format);
    if (!flags.orphaned && !flags.restoreRegistry) {
      throw new UsageError("Say what to clean up", {
        hint: "Use `gestvenv cleanup --orphaned`, `--all` (or `--restore-registry`)",
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
