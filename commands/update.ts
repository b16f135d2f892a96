import { buildCommand } from "@stricli/core";
import { updatePackages } from "../lib/environments/mod.ts";
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
import { examples, optionalText, toggle } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

interface UpdateFlags extends GlobalFlags {
  readonly env?: string;
  readonly all?: boolean;
}

/** `gestvenv update [PKG...|--all]`: upgrades distributions to the newest versions. */
export const updateCommand = buildCommand<UpdateFlags, string[], CliContext>({
  docs: {
    brief: "Upgrade packages of an environment to the newest versions the index offers",
    fullDescription: examples([
      ["gestvenv update requests --env web", "one package"],
      ["gestvenv update --all --env web", "everything"],
      ["gestvenv update web --all", "older form: environment first"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: optionalText("Environment (default: the active gestvenv environment)", "name"),
      all: toggle("Upgrade every installed distribution"),
    },
    aliases: { ...GLOBAL_ALIASES, a: "all" },
    positional: {
      kind: "array",
      parameter: { brief: "Distribution names", parse: String, placeholder: "package" },
    },
  },
  func: action("update", async (ctx, flags: UpdateFlags, ...packages: string[]) => {
    formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const target = await resolveTarget(env, flags.env, packages, {
      legacyNeedsMore: !flags.all,
      command: "update",
    });
    if (!flags.all && target.args.length === 0) {
      throw new UsageError("Nothing to update", { hint: "Name packages, or pass `--all`" });
    }
    const change = await updatePackages(env, target.env, {
      names: target.args,
      all: flags.all ?? false,
      dryRun: ctx.dryRun,
    });
    printChanges(ctx, "update", change, ctx.dryRun);
  }),
});
