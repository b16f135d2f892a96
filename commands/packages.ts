import { freezeDistributions } from "../lib/distribution/mod.ts";
import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment, openEnvironment } from "../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { completeEnvironmentNames, environmentFlag, examples, optionalText } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

interface PackagesFlags extends GlobalFlags {
  readonly env?: string;
}

/** `gestvenv packages`: the distributions installed in an environment, read from disk. */
export const packagesCommand = buildCommand<PackagesFlags, [string | undefined], CliContext>({
  docs: {
    brief: "List the distributions installed in an environment (table, json or requirements)",
    fullDescription: examples([
      ["gestvenv packages --env web", "a table"],
      ["gestvenv packages --env web --format requirements", "pip freeze style"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag(),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        ...optionalText("Environment (older form of --env)", "env"),
        proposeCompletions: completeEnvironmentNames,
      }],
    },
  },
  func: action("packages", async (ctx, flags: PackagesFlags, envArg: string | undefined) => {
    const format = formatFor(ctx, ["table", "json", "requirements"], "table");
    const env = ctx.environments();
    const target = await resolveTarget(env, flags.env ?? envArg, [], {
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
      const lines = await freezeDistributions(installed);
      if (lines.length > 0) ctx.printer.data(lines.join("\n"));
    } else if (installed.length === 0) {
      ctx.printer.info(`No distributions installed in \`${record.name}\``);
    } else {
      await ctx.printer.table(
        ["Distribution", "Version", "Installer"],
        installed.map((d) => [d.name, d.version, d.installer ?? ""]),
      );
    }
  }, { effect: "reads" }),
});
