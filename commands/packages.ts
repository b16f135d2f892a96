import { Command } from "@commander-js/extra-typings";
import { getEnvironment, openEnvironment } from "../lib/environments/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

/** `gestvenv packages`: the distributions installed in an environment, read from disk. */
export function packagesCommand() {
  return new Command("packages")
    .description("List the distributions installed in an environment (table, json or requirements)")
    .argument("[env]", "environment (older form; same as --env)")
    .option("-e, --env <name>", "environment (default: the active gestvenv environment)")
    .addHelpText(
      "after",
      examples([
        ["gestvenv packages --env web", "a table"],
        ["gestvenv packages --env web --format requirements", "pip freeze style"],
      ]),
    )
    .action(async (envArg, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json", "requirements"], "table");
      const env = ctx.environments();
      const target = await resolveTarget(env, opts.env ?? envArg, [], {
        legacyNeedsMore: false,
        command: "packages",
      });
      const record = await getEnvironment(env, target.env);
      const { backend, target: t } = await openEnvironment(env, record);
      const installed = await backend.listInstalled(t);
      if (format === "json") {
        ctx.printer.json("packages", {
          environment: record.name,
          packages: installed.map(({ name, version, installer, requested }) => ({
            name,
            version,
            installer,
            requested,
          })),
        });
      } else if (format === "requirements") {
        const lines = await backend.freeze(t);
        if (lines.length > 0) ctx.printer.data(lines.join("\n"));
      } else if (installed.length === 0) {
        ctx.printer.info(`No distributions installed in \`${record.name}\``);
      } else {
        ctx.printer.table(
          ["Distribution", "Version", "Installer"],
          installed.map((d) => [d.name, d.version, d.installer ?? ""]),
        );
      }
    });
}
