import type { PackageChange } from "../lib/packages/mod.ts";
import { type CommandContext, formatFor } from "./_context.ts";

/** Prints what a package operation changed, uv style: `+ name==1.0`, `- name==1.0`, `~ a 1 → 2`. */
export function printChanges(
  ctx: CommandContext,
  command: string,
  change: PackageChange,
  dryRun: boolean,
): void {
  const p = ctx.printer;
  if (!dryRun) ctx.oplog.packageChange(change);
  if (formatFor(ctx, ["table", "json"], "table") === "json") {
    p.json(command, {
      environment: change.record.name,
      dry_run: dryRun,
      changes: change.changes,
      ...(change.plan === undefined ? {} : { plan: change.plan }),
      ...(change.heldBack === undefined ? {} : { held_back: change.heldBack }),
    });
    return;
  }
  for (const h of change.heldBack ?? []) {
    p.info(
      `held back: ${h.requirement} (${
        h.reason === "pinned" ? "pinned" : "asked for at a URL"
      }; \`update ${h.name}\` or \`--force-unpin\` to move it)`,
    );
  }
  if (dryRun) {
    if (change.changes.length === 0) p.info(`Nothing would change in \`${change.record.name}\``);
    for (const c of change.changes) {
      if (c.before === null) {
        p.info(` ${p.err.green("+")} ${c.name}==${c.after} (would be installed)`);
      } else if (c.after === null) {
        p.info(` ${p.err.red("-")} ${c.name}==${c.before} (would be removed)`);
      } else p.info(` ${p.err.yellow("~")} ${c.name} ${c.before} → ${c.after} (would change)`);
    }
    return;
  }
  if (change.changes.length === 0) {
    p.info(`Nothing changed in \`${change.record.name}\``);
    return;
  }
  for (const c of change.changes) {
    if (c.before === null) p.info(` ${p.err.green("+")} ${c.name}==${c.after}`);
    else if (c.after === null) p.info(` ${p.err.red("-")} ${c.name}==${c.before}`);
    else p.info(` ${p.err.yellow("~")} ${c.name} ${c.before} → ${c.after}`);
  }
  p.success(`\`${change.record.name}\` now has ${change.record.packages.length} distributions`);
}
