import { buildCommand } from "@stricli/core";
import {
  findOrphans,
  loadRegistry,
  type Orphan,
  registryRecords,
} from "../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { timeAgo } from "./_output.ts";
import { examples, toggle } from "./_help.ts";

interface ListFlags extends GlobalFlags {
  readonly detailed?: boolean;
}

/** One warning line about an orphan, with what fixes it. */
export function describeOrphan(o: Orphan): string {
  const busy = o.busy === false
    ? ""
    : ` (in progress: ${
      o.busy === null ? "another process" : `\`${o.busy.command}\` pid ${o.busy.pid}`
    })`;
  const fix = o.fix === null || o.busy !== false ? "" : `; fix: \`${o.fix}\``;
  switch (o.kind) {
    case "missing":
      return `\`${o.name}\` is registered but ${o.path} is gone${fix}`;
    case "unregistered":
      return `${o.path} is an environment the registry does not know${busy}${fix}`;
    case "broken":
      return `${o.registered ? `\`${o.name}\`` : o.path} is broken: ${o.reason}${busy}${fix}`;
    case "leftover":
      return `${o.path} is ${o.reason}${busy}${fix}`;
    case "interrupted":
      return `${o.reason} (${o.name})${busy}${fix}`;
    case "invalid":
      return `The registry entry \`${o.name}\` is invalid: ${o.reason}${fix}`;
  }
}

/** `gestvenv list`: every registered environment, plus what is out of sync with the disk. */
export const listCommand = buildCommand<ListFlags, [], CliContext>({
  docs: {
    brief: "List environments (and those the registry and the disk disagree about)",
    fullDescription: examples([
      ["gestvenv list", "a table"],
      ["gestvenv list --detailed", "with paths and descriptions"],
      ["gestvenv list --format json", "for scripts"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, detailed: toggle("Show paths, descriptions and creation times") },
    aliases: GLOBAL_ALIASES,
  },
  func: action("list", async (ctx, flags: ListFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const records = registryRecords(await loadRegistry(env));
    const orphans = await findOrphans(env);
    if (format === "json") {
      ctx.printer.json("list", { environments: records, orphans });
      return;
    }
    const missing = new Set(orphans.filter((o) => o.kind === "missing").map((o) => o.name));
    if (records.length === 0) {
      ctx.printer.info("No environments yet. Create one with `gestvenv create NAME`.");
    } else {
      const head = ["Name", "Python", "Backend", "Packages", "Last used"];
      if (flags.detailed) head.push("Created", "Path", "Description");
      await ctx.printer.table(
        head,
        records.map((r) => {
          const row: string[] = [
            missing.has(r.name) ? `${r.name} (missing)` : r.name,
            r.python.version,
            r.backend,
            String(r.packages.length),
            timeAgo(r.last_used_at),
          ];
          if (flags.detailed) {
            row.push(r.created_at.slice(0, 19).replace("T", " "), r.path, r.description ?? "");
          }
          return row;
        }),
      );
    }
    for (const o of orphans) ctx.printer.warn(describeOrphan(o));
  }, { effect: "reads" }),
});
