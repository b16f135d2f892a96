import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText, text } from "../_help.ts";

interface TemplateCreateFlags extends GlobalFlags {
  readonly base?: string;
  readonly config?: string;
  readonly from?: string;
  readonly description?: string;
}

/** `gestvenv template create NAME`: a user template in `<home>/templates/NAME/`. */
export const templateCreateCommand = buildCommand<TemplateCreateFlags, [string], CliContext>({
  docs: {
    brief:
      "Create a user template (~/.gestvenv/templates/NAME) extending a template or from a project",
    fullDescription: examples([
      ["gestvenv template create mon-template --base web", "extends web; add files under files/"],
      ["gestvenv template create mon-template --base web --config custom-config.json", "settings"],
      [
        "gestvenv template create from-app --from ~/src/app",
        "a project's files, names → variables",
      ],
    ]) +
      "\n\n--config FILE (JSON or TOML) takes template.toml's keys: description, base, groups, verbatim,\n" +
      "skip, variables ({name: {default, prompt, choices}}) and when ({path: condition}).\n" +
      "--from DIR copies the project (without .git, virtual environments, caches, build output) as\n" +
      "files/, replacing its name by {{ project_name }} and its import name by {{ package_name }}.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      base: optionalText("Template to extend (its files come first)", "template"),
      config: optionalText("Template settings, JSON or TOML (template.toml's keys)", "file"),
      from: optionalText("Project directory whose files become the template's", "dir"),
      description: optionalText("One-line description", "text"),
    },
    aliases: { ...GLOBAL_ALIASES, d: "description" },
    positional: { kind: "tuple", parameters: [text("New template's name", "name")] },
  },
  func: action("template create", async (ctx, flags: TemplateCreateFlags, name: string) => {
    const { createUserTemplate } = await import("../../lib/templates/mod.ts");
    const { absolute } = await import("../../lib/paths/mod.ts");
    const { ConfigError } = await import("../../lib/errors/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    let config: Record<string, unknown> | undefined;
    if (flags.config !== undefined) {
      const file = absolute(flags.config);
      let body: string;
      try {
        body = await Deno.readTextFile(file);
      } catch (error) {
        throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`, {
          cause: error,
          hint: "Check the path given to --config",
        });
      }
      try {
        if (file.endsWith(".json")) config = JSON.parse(body);
        else {
          const { parse } = await import("npm:smol-toml@1.9.1");
          config = parse(body) as Record<string, unknown>;
        }
      } catch (error) {
        throw new ConfigError(`${file} is not valid ${file.endsWith(".json") ? "JSON" : "TOML"}`, {
          cause: error,
          details: (error as Error).message,
          hint: "Fix the file (a .json file is read as JSON, any other as TOML)",
        });
      }
      if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new ConfigError(`${file} must hold a table (an object) of template settings`, {
          hint: 'e.g. {"description": "…", "variables": {"db": {"default": "sqlite"}}}',
        });
      }
    }
    const created = await createUserTemplate(ctx.home, name, {
      base: flags.base,
      description: flags.description,
      config,
      from: flags.from === undefined ? undefined : absolute(flags.from),
      dryRun: ctx.dryRun,
    });
    if (format === "json") {
      ctx.printer.json("template create", {
        name,
        path: created.dir,
        manifest: created.manifest,
        files: created.files,
        project_name: created.projectName ?? null,
        replacements: created.replacements,
        verbatim: created.verbatim,
        dry_run: ctx.dryRun,
      });
      return;
    }
    const p = ctx.printer;
    const verb = ctx.dryRun ? "Would create" : "Created";
    p.success(`${verb} template \`${name}\` in ${created.dir} (${created.files.length} files)`);
    if (created.projectName !== undefined) {
      p.info(
        `  \`${created.projectName}\` replaced by {{ project_name }} / {{ package_name }} ` +
          `${created.replacements} time(s)`,
      );
    }
    if (created.verbatim.length > 0) {
      p.info(`  Kept as they are (they contain {{ or {%): ${created.verbatim.join(", ")}`);
    }
    p.data(created.manifest.trimEnd());
    if (!ctx.dryRun) {
      p.info(`Use it: gestvenv create-from-template ${name} NAME   Edit: ${created.dir}`);
    }
  }, { effect: "changes" }),
});
