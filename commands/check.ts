import { Command } from "@commander-js/extra-typings";
import { checkPackages } from "../lib/environments/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

/** `gestvenv check`: available updates and dependency consistency. */
export function checkCommand() {
  return new Command("check")
    .description("Check an environment: newer versions on the index, and broken dependencies")
    .argument("[env]", "environment (older form; same as --env)")
    .option("-e, --env <name>", "environment (default: the active gestvenv environment)")
    .option("--outdated", "list only the distributions that have newer versions")
    .addHelpText(
      "after",
      examples([
        ["gestvenv check --env web", "every distribution with its newest version"],
        ["gestvenv check --env web --outdated", "only what can be upgraded"],
      ]),
    )
    .action(async (envArg, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const env = ctx.environments();
      const target = await resolveTarget(env, opts.env ?? envArg, [], {
        legacyNeedsMore: false,
        command: "check",
      });
      const result = await checkPackages(env, target.env);
      const rows = opts.outdated ? result.packages.filter((p) => p.outdated) : result.packages;
      if (format === "json") {
        ctx.printer.json("check", {
          environment: target.env,
          packages: rows,
          problems: result.problems,
        });
        return;
      }
      const p = ctx.printer;
      if (rows.length > 0) {
        p.table(
          ["Distribution", "Installed", "Latest", "Status"],
          rows.map((r) => [
            r.name,
            r.version,
            r.latest_version,
            r.outdated ? p.out.yellow("outdated") : p.out.green("up to date"),
          ]),
        );
      }
      const outdated = result.packages.filter((r) => r.outdated).length;
      p.info(
        outdated === 0
          ? "Everything is up to date"
          : `${outdated} distribution(s) can be upgraded: gestvenv update --all --env ${target.env}`,
      );
      for (const problem of result.problems) p.warn(problem);
    });
}
