import { buildCommand } from "@stricli/core";
import { cleanupOrphaned } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, toggle } from "./_help.ts";

interface CleanupFlags extends GlobalFlags {
  readonly orphaned?: boolean;
  readonly removeUnregistered?: boolean;
}

/** `gestvenv cleanup --orphaned`: reconciles the registry with the disk. */
export const cleanupCommand = buildCommand<CleanupFlags, [], CliContext>({
  docs: {
    brief: "Reconcile the registry with the disk: drop stale entries, adopt unknown environments",
    fullDescription: examples([
      [
        "gestvenv cleanup --orphaned",
        "drop entries whose directory is gone, adopt environments found on disk",
      ],
      [
        "gestvenv cleanup --orphaned --remove-unregistered",
        "delete unknown environments gestvenv made instead",
      ],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      orphaned: toggle("Act on orphans (required)"),
      removeUnregistered: toggle(
        "Delete unregistered environments gestvenv created instead of adopting them",
      ),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("cleanup", async (ctx, flags: CleanupFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (!flags.orphaned) {
      throw new UsageError("Say what to clean up", { hint: "Use `gestvenv cleanup --orphaned`" });
    }
    const report = await cleanupOrphaned(ctx.environments(), {
      removeUnregistered: flags.removeUnregistered ?? false,
      dryRun: ctx.dryRun,
    });
    if (format === "json") {
      ctx.printer.json("cleanup", { ...report, dry_run: ctx.dryRun });
      return;
    }
    const p = ctx.printer;
    const say = (done: string, would: string) => ctx.dryRun ? `Would ${would}` : done;
    for (const name of report.dropped) {
      p.info(
        say(`Dropped the entry of \`${name}\` (directory gone)`, `drop the entry of \`${name}\``),
      );
    }
    for (const name of report.adopted) p.info(say(`Adopted \`${name}\``, `adopt \`${name}\``));
    for (const name of report.removed) {
      p.info(say(`Deleted unregistered \`${name}\``, `delete unregistered \`${name}\``));
    }
    for (const s of report.skipped) p.warn(`Left \`${s.name}\` alone: ${s.reason}`);
    if (report.dropped.length + report.adopted.length + report.removed.length === 0) {
      p.success("Registry and disk agree; nothing to do");
    }
  }),
});
