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

interface UpdateFlags extends GlobalFlags {
  readonly env?: string;
  readonly all?: boolean;
  readonly forceUnpin?: boolean;
  readonly addMissing?: boolean;
}

/** Whether the first argument names a project file (`update pyproject.toml --add-missing`). */
function isProjectFile(arg: string | undefined): arg is string {
  return arg !== undefined && /(^|[\\/])pyproject\.toml$/.test(arg);
}

/** `gestvenv update [PKG...|--all]`: upgrades distributions to the newest versions. */
export const updateCommand = buildCommand<UpdateFlags, string[], CliContext>({
  docs: {
    brief: "Upgrade packages of an environment to the newest versions the index offers",
    fullDescription: examples([
      ["gestvenv update requests --env web", "one package"],
      ["gestvenv update --all --env web", "everything but your pins (`==`)"],
      ["gestvenv update --all --force-unpin --env web", "everything, pins too"],
      ["gestvenv update web --all", "older form: environment first"],
      [
        "gestvenv update pyproject.toml --add-missing --env web",
        "declare what `web` has installed but the project does not",
      ],
    ]) +
      "\nYour requirements stay true: a range (`django>=4,<5`) is kept, and a pin (`six==1.16.0`)" +
      "\nis held back by --all; naming it (`update six`) or --force-unpin moves it and loosens" +
      "\nthe pin.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag(),
      all: toggle("Upgrade every installed distribution (your pins are held back)"),
      forceUnpin: toggle("With --all: move pinned distributions too, and loosen their pins"),
      addMissing: toggle(
        "With pyproject.toml: add the environment's top-level distributions it does not declare",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, a: "all" },
    positional: {
      kind: "array",
      parameter: { brief: "Distribution names", parse: String, placeholder: "package" },
    },
  },
  func: action("update", async (ctx, flags: UpdateFlags, ...packages: string[]) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { updatePackages } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    if (isProjectFile(packages[0]) || flags.addMissing) {
      if (!isProjectFile(packages[0]) || packages.length > 1 || !flags.addMissing) {
        throw new UsageError(
          "The project-file form is `gestvenv update pyproject.toml --add-missing [--env NAME]`",
          { hint: "Name the pyproject.toml, give --add-missing, and nothing else" },
        );
      }
      const { addMissingToPyproject } = await import("./_update_project.ts");
      return await addMissingToPyproject(ctx, packages[0], flags.env, format);
    }
    const env = ctx.environments();
    const target = await resolveTarget(env, flags.env, packages, {
      legacyNeedsMore: !flags.all,
      command: "update",
    });
    if (!flags.all && target.args.length === 0) {
      throw new UsageError("Nothing to update", { hint: "Name packages, or pass `--all`" });
    }
    if (flags.forceUnpin && !flags.all) {
      throw new UsageError("`--force-unpin` goes with `--all`", {
        hint: "Naming a package (`gestvenv update six`) already moves its pin",
      });
    }
    const change = await updatePackages(env, target.env, {
      names: target.args,
      all: flags.all ?? false,
      forceUnpin: flags.forceUnpin ?? false,
      dryRun: ctx.dryRun,
    });
    printChanges(ctx, "update", change, ctx.dryRun);
    return 0;
  }, { effect: "changes" }),
});
