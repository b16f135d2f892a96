import { Command } from "@commander-js/extra-typings";
import { uninstallPackages } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { printChanges } from "./_changes.ts";
import { examples } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

/** `gestvenv uninstall PKG...`: removes distributions from an environment. */
export function uninstallCommand() {
  return new Command("uninstall")
    .description("Uninstall packages from an environment (--env, or the active one)")
    .argument("<packages...>", "distribution names")
    .option("-e, --env <name>", "environment (default: the active gestvenv environment)")
    .addHelpText(
      "after",
      examples([
        ["gestvenv uninstall requests --env web", "one package"],
        ["gestvenv uninstall web requests flask", "older form: environment first"],
      ]),
    )
    .action(async (packages, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      formatFor(ctx, ["table", "json"], "table");
      const env = ctx.environments();
      const target = await resolveTarget(env, opts.env, packages, {
        legacyNeedsMore: true,
        command: "uninstall",
      });
      if (target.args.length === 0) {
        throw new UsageError("Nothing to uninstall", { hint: "Name the packages to remove" });
      }
      const change = await uninstallPackages(env, target.env, target.args, { dryRun: ctx.dryRun });
      printChanges(ctx, "uninstall", change, ctx.dryRun);
    });
}
