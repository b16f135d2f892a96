import { Command } from "@commander-js/extra-typings";
import { findOrphans, readRegistry, registryRecords } from "../lib/environments/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { timeAgo } from "./_output.ts";
import { examples } from "./_help.ts";

/** `gestvenv list`: every registered environment, plus what is out of sync with the disk. */
export function listCommand() {
  return new Command("list")
    .alias("ls")
    .description("List environments (and environments the registry and the disk disagree about)")
    .option("--detailed", "show paths, descriptions and creation times")
    .addHelpText(
      "after",
      examples([
        ["gestvenv list", "a table"],
        ["gestvenv list --detailed", "with paths and descriptions"],
        ["gestvenv list --format json", "for scripts"],
      ]),
    )
    .action(async (opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const env = ctx.environments();
      const records = registryRecords(await readRegistry(ctx.home.registryFile));
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
        if (opts.detailed) head.push("Created", "Path", "Description");
        ctx.printer.table(
          head,
          records.map((r) => {
            const row: string[] = [
              missing.has(r.name) ? `${r.name} (missing)` : r.name,
              r.python.version,
              r.backend,
              String(r.packages.length),
              timeAgo(r.last_used_at),
            ];
            if (opts.detailed) {
              row.push(r.created_at.slice(0, 19).replace("T", " "), r.path, r.description ?? "");
            }
            return row;
          }),
        );
      }
      for (const o of orphans) {
        ctx.printer.warn(
          o.kind === "missing"
            ? `\`${o.name}\` is registered but ${o.path} is gone; drop it with \`gestvenv cleanup --orphaned\``
            : `${o.path} is an environment the registry does not know; adopt it with \`gestvenv cleanup --orphaned\``,
        );
      }
    });
}
