import { buildCommand } from "npm:@stricli/core@1.3.0";
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

/** One warning line about an orphan, with the command that fixes it. */
export function describeOrphan(o: Orphan): string {
  if (o.busy !== false) {
    const who = o.busy === null ? "another process" : `\`${o.busy.command}\` (pid ${o.busy.pid})`;
    return `${o.path} is being changed by ${who}`;
  }
  const run = (what: string) => o.fix === null ? "" : `; \`${o.fix}\` ${what}`;
  switch (o.kind) {
    case "missing":
      return `\`${o.name}\` is registered but ${o.path} no longer exists${run("drops the entry")}`;
    case "unregistered":
      return `${o.path} is an environment the registry does not know${run("adopts it")}`;
    case "broken":
      return `${o.registered ? `\`${o.name}\`` : o.path} is broken: ${o.reason}` +
        (o.fix === null ? "" : `; fix: \`${o.fix}\``);
    case "leftover":
      return `${o.path} is ${o.reason}${run("removes it")}`;
    case "interrupted":
      return `${o.reason}${run(`(or the next command on \`${o.name}\`) finishes or undoes it`)}`;
    case "invalid":
      return `The registry entry \`${o.name}\` is invalid: ${o.reason}${run("drops it")}`;
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
