import { Command } from "@commander-js/extra-typings";
import { findInterpreters, newestFirst } from "../lib/python/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";

/** `gestvenv pyversions`: the interpreters found on this machine. */
export function pyversionsCommand() {
  return new Command("pyversions")
    .description("List the Python interpreters found (PATH, pyenv, system folders, py launcher)")
    .addHelpText(
      "after",
      examples([["gestvenv pyversions", "a table"], [
        "gestvenv pyversions --format json",
        "with markers and paths",
      ]]),
    )
    .action(async (_opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const interpreters = (await findInterpreters({ cacheDir: ctx.home.cacheDir })).sort((a, b) =>
        newestFirst(a.info, b.info)
      );
      if (format === "json") {
        ctx.printer.json(
          "pyversions",
          interpreters.map((i) => ({
            path: i.path,
            real_path: i.realPath,
            source: i.source,
            ...i.info,
          })),
        );
        return;
      }
      if (interpreters.length === 0) {
        ctx.printer.info("No Python interpreter found");
        return;
      }
      ctx.printer.table(
        ["Version", "Implementation", "Path", "Found via", "Platform"],
        interpreters.map((
          i,
        ) => [
          i.info.version,
          i.info.implementation_display,
          i.path,
          i.source,
          i.info.sysconfig_platform,
        ]),
      );
    });
}
