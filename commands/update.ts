import { Command } from "@commander-js/extra-typings";
import { updatePackages } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { printChanges } from "./_changes.ts";
import { examples } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

/** `gestvenv update [PKG...|--all]`: upgrades distributions to the newest versions. */
export function updateCommand() {
  return new Command("update")
    .alias("upgrade")
    .description("Upgrade packages of an environment to the newest versions the index offers")
    .argument("[packages...]", "distribution names")
    .option("-e, --env <name>", "environment (default: the active gestvenv environment)")
    .option("-a, --all", "upgrade every installed distribution")
    .addHelpText(
      "after",
      examples([
        ["gestvenv update requests --env web", "one package"],
        ["gestvenv update --all --env web", "everything"],
        ["gestvenv update web --all", "older form: environment first"],
      ]),
    )
    .action(async (packages, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      formatFor(ctx, ["table", "json"], "table");
      const env = ctx.environments();
      const target = await resolveTarget(env, opts.env, packages, {
        legacyNeedsMore: !opts.all,
        command: "update",
      });
      if (!opts.all && target.args.length === 0) {
        throw new UsageError("Nothing to update", { hint: "Name packages, or pass `--all`" });
      }
      const change = await updatePackages(env, target.env, {
        names: target.args,
        all: opts.all ?? false,
        dryRun: ctx.dryRun,
      });
      printChanges(ctx, "update", change, ctx.dryRun);
    });
}
