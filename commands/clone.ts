import { Command } from "@commander-js/extra-typings";
import { cloneEnvironment } from "../lib/environments/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";

/** `gestvenv clone SRC DST`: a copy of an environment, optionally on another Python. */
export function cloneCommand() {
  return new Command("clone")
    .description(
      "Clone an environment: an exact copy, or a reinstall of its requirements on another Python",
    )
    .argument("<source>", "environment to clone")
    .argument("<target>", "name of the new environment")
    .option(
      "-p, --python <request>",
      "interpreter for the clone (reinstalls the source's requirements)",
    )
    .addHelpText(
      "after",
      examples([
        ["gestvenv clone web web-dev", "exact copy (offline)"],
        ["gestvenv clone web web-312 --python 3.12", "same requirements on Python 3.12"],
      ]),
    )
    .action(async (source, target, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const result = await cloneEnvironment(
        ctx.environments({ python: opts.python }),
        source,
        target,
        {
          python: opts.python,
          dryRun: ctx.dryRun,
        },
      );
      const r = result.record;
      if (format === "json") {
        ctx.printer.json("clone", { ...r, method: result.method, dry_run: ctx.dryRun });
      } else if (ctx.dryRun) {
        ctx.printer.info(
          `Would clone \`${source}\` to \`${target}\` by ${result.method} (${r.path})`,
        );
      } else {ctx.printer.success(
          `Cloned \`${source}\` to \`${target}\` by ${result.method} (${r.python.implementation} ${r.python.version}, ${r.packages.length} distributions)`,
        );}
    });
}
