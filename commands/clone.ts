import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, optionalText, text, toggle } from "./_help.ts";

interface CloneFlags extends GlobalFlags {
  readonly python?: string;
  readonly packagesOnly?: boolean;
}

/** `gestvenv clone SRC DST`: a copy of an environment, optionally on another Python. */
export const cloneCommand = buildCommand<CloneFlags, [string, string], CliContext>({
  docs: {
    brief: "Clone an environment: an exact copy, or its requirements reinstalled on another Python",
    fullDescription: examples([
      ["gestvenv clone web web-dev", "exact copy (works offline)"],
      ["gestvenv clone web web-312 --python 3.12", "same requirements on Python 3.12"],
      ["gestvenv clone web web-clean --packages-only", "same distributions, no other files"],
    ]) +
      "\nA plain clone is the whole environment: its distributions and every file put into it" +
      "\nby hand (scripts, data, .pth files of no distribution). --packages-only makes a fresh" +
      "\nenvironment with the same distributions at the same versions, and leaves those out.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      python: optionalText("Interpreter for the clone (reinstalls the requirements)", "request"),
      packagesOnly: toggle("Only the distributions (same versions), not the other files"),
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
  func: action("clone", async (ctx, flags: CloneFlags, source: string, target: string) => {
    ctx.oplog.environment(target);
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { cloneEnvironment } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const result = await cloneEnvironment(
      ctx.environments(),
      source,
      target,
      { dryRun: ctx.dryRun, packagesOnly: flags.packagesOnly ?? false },
    );
    const r = result.record;
    if (!ctx.dryRun) ctx.oplog.createdEnvironment(r, result.files);
    if (format === "json") {
      ctx.printer.json("clone", {
        ...r,
        method: result.method,
        packages_only: flags.packagesOnly ?? false,
        extra_files: result.extraFiles,
        dry_run: ctx.dryRun,
      });
    } else if (ctx.dryRun) {
      ctx.printer.info(
        `Would clone \`${source}\` to \`${target}\` by ${result.method} (${r.path})`,
      );
    } else {
      ctx.printer.success(
        `Cloned \`${source}\` to \`${target}\` by ${result.method} (${r.python.implementation} ${r.python.version}, ${r.packages.length} distributions)`,
      );
      if (result.extraFiles.length > 0) {
        ctx.printer.info(
          `${flags.packagesOnly ? "Left out" : "Carried"} ${result.extraFiles.length} ` +
            `paths no distribution installed: ${result.extraFiles.slice(0, 5).join(", ")}` +
            (result.extraFiles.length > 5 ? ", ..." : ""),
        );
      }
    }
  }, { effect: "changes" }),
});
