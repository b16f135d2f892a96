import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { printChanges } from "./_changes.ts";
import { environmentFlag, examples, toggle } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

interface UninstallFlags extends GlobalFlags {
  readonly env?: string;
  readonly dependencies?: boolean;
}

/** `gestvenv uninstall PKG...`: removes distributions from an environment. */
export const uninstallCommand = buildCommand<UninstallFlags, string[], CliContext>({
  docs: {
    brief: "Uninstall packages from an environment (--env, or the active one)",
    fullDescription: examples([
      ["gestvenv uninstall requests --env web", "one package"],
      ["gestvenv uninstall flask --dependencies --env web", "with what only it needed"],
      ["gestvenv uninstall web requests flask", "older form: environment first"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag(),
      dependencies: toggle("Also remove the dependencies nothing else needs any more"),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: { brief: "Distribution names", parse: String, placeholder: "package" },
      minimum: 1,
    },
  },
  func: action("uninstall", async (ctx, flags: UninstallFlags, ...packages: string[]) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { uninstallPackages } = await import("../lib/packages/mod.ts");
    formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const target = await resolveTarget(env, flags.env, packages, {
      legacyNeedsMore: true,
      command: "uninstall",
    });
    if (target.args.length === 0) {
      throw new UsageError("Nothing to uninstall", { hint: "Name the packages to remove" });
    }
    const change = await uninstallPackages(env, target.env, target.args, {
      dryRun: ctx.dryRun,
      dependencies: flags.dependencies ?? false,
    });
    printChanges(ctx, "uninstall", change, ctx.dryRun);
  }, { effect: "changes" }),
});
