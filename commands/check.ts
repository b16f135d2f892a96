import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import {
  completeEnvironmentNames,
  environmentFlag,
  examples,
  optionalText,
  toggle,
} from "./_help.ts";
import { resolveTarget } from "./_target.ts";

interface CheckFlags extends GlobalFlags {
  readonly env?: string;
  readonly outdated?: boolean;
}

/** `gestvenv check`: available updates and dependency consistency. */
export const checkCommand = buildCommand<CheckFlags, [string | undefined], CliContext>({
  docs: {
    brief: "Check an environment: newer versions on the index, and broken dependencies",
    fullDescription: examples([
      ["gestvenv check --env web", "every distribution with its newest version"],
      ["gestvenv check --env web --outdated", "only what can be upgraded"],
      ["gestvenv check web", "older form: environment as argument"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag(),
      outdated: toggle("List only distributions that have newer versions"),
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
  func: action("check", async (ctx, flags: CheckFlags, envArg: string | undefined) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { checkPackages } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const target = await resolveTarget(env, flags.env ?? envArg, [], {
      legacyNeedsMore: false,
      command: "check",
    });
    const result = await checkPackages(env, target.env);
    const rows = flags.outdated ? result.packages.filter((p) => p.outdated) : result.packages;
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
      await p.table(
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
  }, { effect: "reads" }),
});
