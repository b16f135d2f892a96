import { buildCommand } from "npm:@stricli/core@1.3.0";
import { findInterpreters, newestFirst } from "../lib/python/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples } from "./_help.ts";

/** `gestvenv pyversions`: the interpreters found on this machine. */
export const pyversionsCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "List the Python interpreters found (PATH, pyenv, system folders, py launcher)",
    fullDescription: examples([["gestvenv pyversions", "a table"], [
      "gestvenv pyversions --format json",
      "with markers and paths",
    ]]),
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("pyversions", async (ctx, _flags: GlobalFlags) => {
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
    await ctx.printer.table(
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
  }, { effect: "reads" }),
});
