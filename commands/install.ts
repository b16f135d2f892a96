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
import {
  BACKEND_FLAG,
  COMPILE_FLAG,
  environmentFlag,
  examples,
  LINK_MODE_FLAG,
  optionalText,
  repeatable,
  toggle,
} from "./_help.ts";
import { resolveTarget } from "./_target.ts";

interface InstallFlags extends GlobalFlags {
  readonly env?: string;
  readonly requirement?: readonly string[];
  readonly editable?: readonly string[];
  readonly upgrade?: boolean;
  readonly backend?: "auto" | "native" | "pip" | "uv";
  readonly linkMode?: "clone" | "hardlink" | "copy";
  readonly compile?: boolean;
  readonly indexUrl?: string;
}

/** `gestvenv install PKG...`: installs distributions into an environment. */
export const installCommand = buildCommand<InstallFlags, string[], CliContext>({
  docs: {
    brief: "Install packages into an environment (--env, or the active one)",
    fullDescription: examples([
      ["gestvenv install flask requests --env web", "into `web`"],
      ['gestvenv install "django>=5" --env web --upgrade', "upgrade within a range"],
      ["gestvenv install --env web -r requirements.txt", "from a file"],
      ["gestvenv install --env web --editable .", "the project here, editable"],
      ["gestvenv install web flask", "older form: environment first"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag(),
      requirement: repeatable("Install from a requirements file (repeatable)", "file"),
      editable: repeatable("Install a local project in editable mode (repeatable)", "path"),
      upgrade: toggle("Upgrade to the newest allowed versions"),
      backend: BACKEND_FLAG,
      linkMode: LINK_MODE_FLAG,
      compile: COMPILE_FLAG,
      indexUrl: optionalText(
        "Package index to install from (overrides pip's configuration)",
        "url",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, e: "editable", r: "requirement", U: "upgrade", b: "backend" },
    positional: {
      kind: "array",
      parameter: {
        brief: 'Requirements (PEP 508): flask, "requests>=2.28", "uvicorn[standard]"',
        parse: String,
        placeholder: "package",
      },
    },
  },
  func: action("install", async (ctx, flags: InstallFlags, ...packages: string[]) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { installPackages } = await import("../lib/packages/mod.ts");
    formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const files = [...(flags.requirement ?? [])];
    const editables = [...(flags.editable ?? [])];
    const target = await resolveTarget(env, flags.env, packages, {
      legacyNeedsMore: files.length === 0 && editables.length === 0,
      command: "install",
    });
    if (target.args.length === 0 && files.length === 0 && editables.length === 0) {
      throw new UsageError("Nothing to install", {
        hint: "Name packages, or pass `-r FILE` or `--editable PATH`",
      });
    }
    const change = await installPackages(env, target.env, {
      requirements: target.args,
      requirementFiles: files,
      editables,
      upgrade: flags.upgrade ?? false,
      dryRun: ctx.dryRun,
    });
    printChanges(ctx, "install", change, ctx.dryRun);
  }, { effect: "changes" }),
});
