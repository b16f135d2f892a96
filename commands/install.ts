import { Command, Option } from "@commander-js/extra-typings";
import { installPackages } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { printChanges } from "./_changes.ts";
import { collect, examples } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

/** `gestvenv install PKG...`: installs distributions into an environment. */
export function installCommand() {
  return new Command("install")
    .description("Install packages into an environment (--env, or the active one)")
    .argument(
      "[packages...]",
      'requirements (PEP 508): flask, "requests>=2.28", "uvicorn[standard]"',
    )
    .option(
      "-e, --env <name>",
      "environment to install into (default: the active gestvenv environment)",
    )
    .option("-r, --requirement <file>", "install from a requirements file (repeatable)", collect)
    .option("--editable <path>", "install a local project in editable mode (repeatable)", collect)
    .option("-U, --upgrade", "upgrade to the newest allowed versions")
    .addOption(
      new Option("-b, --backend <backend>", "installer backend for this command").choices(
        ["auto", "pip", "uv"] as const,
      ),
    )
    .option("--index-url <url>", "package index to install from (overrides pip's configuration)")
    .addHelpText(
      "after",
      examples([
        ["gestvenv install flask requests --env web", "into `web`"],
        ['gestvenv install "django>=5" --env web --upgrade', "upgrade to a range"],
        ["gestvenv install --env web -r requirements.txt", "from a file"],
        ["gestvenv install --env web --editable .", "the project here, editable"],
        ["gestvenv install web flask", "older form: environment first"],
      ]),
    )
    .action(async (packages, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      formatFor(ctx, ["table", "json"], "table");
      const env = ctx.environments({ backend: opts.backend, indexUrl: opts.indexUrl });
      const files = opts.requirement ?? [];
      const editables = opts.editable ?? [];
      const target = await resolveTarget(env, opts.env, packages, {
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
        upgrade: opts.upgrade ?? false,
        dryRun: ctx.dryRun,
      });
      printChanges(ctx, "install", change, ctx.dryRun);
    });
}
