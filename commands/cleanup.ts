import { Command } from "@commander-js/extra-typings";
import { cleanupOrphaned } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";

/** `gestvenv cleanup --orphaned`: reconciles the registry with the disk. */
export function cleanupCommand() {
  return new Command("cleanup")
    .description(
      "Reconcile the registry with the disk: drop entries whose directory is gone, adopt unknown environments",
    )
    .option("--orphaned", "act on orphans (required)")
    .option(
      "--remove-unregistered",
      "delete unregistered environments gestvenv created instead of adopting them",
    )
    .addHelpText(
      "after",
      examples([
        ["gestvenv cleanup --orphaned", "drop stale entries, adopt environments found on disk"],
        [
          "gestvenv cleanup --orphaned --remove-unregistered",
          "delete unknown environments gestvenv made",
        ],
      ]),
    )
    .action(async (opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      if (!opts.orphaned) {
        throw new UsageError("Say what to clean up", { hint: "Use `gestvenv cleanup --orphaned`" });
      }
      const report = await cleanupOrphaned(ctx.environments(), {
        removeUnregistered: opts.removeUnregistered ?? false,
        dryRun: ctx.dryRun,
      });
      if (format === "json") {
        ctx.printer.json("cleanup", { ...report, dry_run: ctx.dryRun });
        return;
      }
      const verb = ctx.dryRun ? "Would " : "";
      const p = ctx.printer;
      for (const name of report.dropped) {
        p.info(`${verb}${verb ? "drop" : "Dropped"} the entry of \`${name}\` (directory gone)`);
      }
      for (const name of report.adopted) p.info(`${verb}${verb ? "adopt" : "Adopted"} \`${name}\``);
      for (const name of report.removed) {
        p.info(`${verb}${verb ? "delete" : "Deleted"} unregistered \`${name}\``);
      }
      for (const s of report.skipped) p.warn(`Left \`${s.name}\` alone: ${s.reason}`);
      const total = report.dropped.length + report.adopted.length + report.removed.length;
      if (total === 0) p.success("Registry and disk agree; nothing to do");
    });
}
