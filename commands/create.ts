import { Command, Option } from "@commander-js/extra-typings";
import { createEnvironment } from "../lib/environments/mod.ts";
import { buildContext, formatFor, globalOptions } from "./_context.ts";
import { collect, examples } from "./_help.ts";

/** `gestvenv create NAME`: a new named environment, optionally with packages. */
export function createCommand() {
  return new Command("create")
    .description(
      "Create a named environment (PEP 405, created natively) and install packages into it",
    )
    .argument("<name>", "environment name (letters, digits, `.`, `_`, `-`)")
    .option(
      "-p, --python <request>",
      "interpreter: 3.12, 3.11.7, >=3.10, python3.12, pypy3 or a path",
    )
    .option("-d, --description <text>", "free-text description kept in the registry")
    .option(
      "--packages <list>",
      'packages to install, space- or comma-separated ("flask requests")',
    )
    .option("-r, --requirement <file>", "install from a requirements file (repeatable)", collect)
    .addOption(
      new Option("-b, --backend <backend>", "installer backend").choices(
        ["auto", "pip", "uv"] as const,
      ),
    )
    .option("--seed", "put pip into the environment")
    .option("--path <dir>", "create the environment in DIR instead of the environments directory")
    .option("--index-url <url>", "package index to install from (overrides pip's configuration)")
    .addHelpText(
      "after",
      examples([
        ["gestvenv create web --python 3.12", "an empty environment"],
        ['gestvenv create web --packages "flask requests"', "with packages"],
        [
          "gestvenv create api -r requirements.txt --backend uv",
          "from a requirements file, with uv",
        ],
        ["gestvenv create tool --path ./.venv --seed", "in a project folder, with pip inside"],
      ]),
    )
    .action(async (name, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const env = ctx.environments({
        backend: opts.backend,
        python: opts.python,
        indexUrl: opts.indexUrl,
      });
      const packages = (opts.packages ?? "").split(/[\s,]+/).filter((p) => p !== "");
      const result = await createEnvironment(env, name, {
        python: opts.python,
        description: opts.description,
        packages,
        requirementFiles: opts.requirement ?? [],
        seed: opts.seed ?? false,
        path: opts.path,
        dryRun: ctx.dryRun,
      });
      const r = result.record;
      if (format === "json") {
        ctx.printer.json("create", { ...r, dry_run: result.dryRun });
        return;
      }
      const p = ctx.printer;
      if (result.dryRun) {
        p.info(
          `Would create \`${r.name}\` at ${r.path} with ${r.python.implementation} ${r.python.version} (${r.python.path}), backend ${r.backend}`,
        );
        if (r.requirements.length > 0) p.info(`Would install: ${r.requirements.join(" ")}`);
        return;
      }
      p.success(
        `Created \`${r.name}\` with ${r.python.implementation} ${r.python.version} at ${
          p.err.cyan(r.path)
        }`,
      );
      if (r.packages.length > 0) {
        p.info(`  ${r.packages.length} distributions installed with ${r.backend}`);
      }
      p.info(`  Activate: gestvenv activate ${r.name}   Run: gestvenv run ${r.name} python`);
    });
}
