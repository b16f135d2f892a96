import { Command } from "@commander-js/extra-typings";
import { getEnvironment } from "../lib/environments/mod.ts";
import { pathExists, treeSize } from "../lib/fs/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { formatBytes } from "./_output.ts";
import { examples } from "./_help.ts";

/** `gestvenv info NAME`: everything the registry knows about one environment. */
export function infoCommand() {
  return new Command("info")
    .description(
      "Show an environment's details: interpreter, backend, requirements, installed distributions",
    )
    .argument("<name>", "environment name")
    .addHelpText(
      "after",
      examples([["gestvenv info web", "details"], ["gestvenv info web --format json", "as JSON"]]),
    )
    .action(async (name, _opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const r = await getEnvironment(ctx.environments(), name);
      const exists = await pathExists(r.path);
      const size = exists ? await treeSize(r.path) : 0;
      if (format === "json") {
        ctx.printer.json("info", { ...r, exists, size_bytes: size });
        return;
      }
      const p = ctx.printer;
      p.table(["Field", "Value"], [
        ["Name", r.name],
        ["Path", exists ? r.path : `${r.path} (missing)`],
        ["Python", `${r.python.implementation} ${r.python.version} (${r.python.path})`],
        ["Backend", r.backend],
        ["Description", r.description ?? ""],
        ["Created", r.created_at],
        ["Last used", r.last_used_at],
        ["Size", formatBytes(size)],
        ["Requirements", r.requirements.join("\n")],
      ]);
      if (r.packages.length > 0) {
        p.table(["Distribution", "Version"], r.packages.map((d) => [d.name, d.version]));
      }
    });
}
