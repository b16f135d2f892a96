import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, optionalText, text } from "./_help.ts";

interface CloneFlags extends GlobalFlags {
  readonly python?: string;
}

/** `gestvenv clone SRC DST`: a copy of an environment, optionally on another Python. */
export const cloneCommand = buildCommand<CloneFlags, [string, string], CliContext>({
  docs: {
    brief: "Clone an environment: an exact copy, or its requirements reinstalled on another Python",
    fullDescription: examples([
      ["gestvenv clone web web-dev", "exact copy (works offline)"],
      ["gestvenv clone web web-312 --python 3.12", "same requirements on Python 3.12"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      python: optionalText("Interpreter for the clone (reinstalls the requirements)", "request"),
    },
    aliases: { ...GLOBAL_ALIASES, p: "python" },
    positional: {
      kind: "tuple",
      parameters: [
        environmentName("Environment to clone", "source"),
        text("Name of the new environment", "target"),
      ],
    },
  },
  func: action("clone", async (ctx, _flags: CloneFlags, source: string, target: string) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { cloneEnvironment } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const result = await cloneEnvironment(
      ctx.environments(),
      source,
      target,
      { dryRun: ctx.dryRun },
    );
    const r = result.record;
    if (format === "json") {
      ctx.printer.json("clone", { ...r, method: result.method, dry_run: ctx.dryRun });
    } else if (ctx.dryRun) {
      ctx.printer.info(
        `Would clone \`${source}\` to \`${target}\` by ${result.method} (${r.path})`,
      );
    } else {
      ctx.printer.success(
        `Cloned \`${source}\` to \`${target}\` by ${result.method} (${r.python.implementation} ${r.python.version}, ${r.packages.length} distributions)`,
      );
    }
  }, { effect: "changes" }),
});
