import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, repeatable, text, toggle } from "./_help.ts";
import { formatBytes } from "./_output.ts";

interface CreateFromTemplateFlags extends GlobalFlags {
  readonly output?: string;
  readonly author?: string;
  readonly email?: string;
  readonly license?: string;
  readonly pythonVersion?: string;
  readonly framework?: "fastapi" | "flask" | "django";
  readonly description?: string;
  readonly noEnv?: boolean;
  readonly var?: readonly string[];
  readonly docker?: boolean;
  readonly interactive?: boolean;
}

/** `./demo` for a directory below the current one, else the absolute path. */
function shown(dir: string): string {
  const cwd = Deno.cwd();
  return dir.startsWith(`${cwd}/`) ? `./${dir.slice(cwd.length + 1)}` : dir;
}

/**
 * `gestvenv create-from-template TEMPLATE NAME`: renders a project from a built-in or user
 * template (issue 10 §4, spec 001 "Templates de projets") into `./NAME` (or `--output`), then
 * creates the environment NAME from its pyproject.toml with the template's dependency groups and
 * the project editable, as `create-from-pyproject` does.
 */
export const createFromTemplateCommand = buildCommand<
  CreateFromTemplateFlags,
  [string, string],
  CliContext
>({
  docs: {
    brief:
      "Create a project from a template (basic, cli, data-science, web…) and its environment NAME",
    fullDescription: examples([
      ["gestvenv create-from-template basic monprojet", "./monprojet and the environment"],
      ["gestvenv create-from-template cli moncli --author 'Ada L' --email ada@example.com", "CLI"],
      ["gestvenv create-from-template web monapp --framework flask --docker", "with a Dockerfile"],
      ["gestvenv create-from-template data-science etude --var dvc=true", "a template variable"],
      ["gestvenv create-from-template basic lib --output ~/src/lib --no-env", "files only"],
      ["gestvenv create-from-template basic demo --dry-run", "list the files it would write"],
      ["gestvenv create-from-template cli outil --interactive", "asked on the terminal"],
      ["gestvenv template list", "the templates there are"],
    ]) +
      "\n\nThen: cd NAME && gestvenv run NAME pytest (the generated project's own tests pass).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      output: optionalText("Directory to write the project into (default: ./NAME)", "dir"),
      author: optionalText("Author (default: git config user.name)", "name"),
      email: optionalText("Author email (default: git config user.email)", "email"),
      license: optionalText("License, an SPDX expression (default: MIT)", "spdx"),
      pythonVersion: optionalText(
        "Lowest Python version, X.Y (default: the version of the interpreter gestvenv would use)",
        "version",
      ),
      framework: {
        kind: "enum",
        values: ["fastapi", "flask", "django"],
        brief: "Web framework, for templates that offer one (web)",
        optional: true,
      },
      description: optionalText("One-line project description", "text"),
      noEnv: toggle("Only write the project; create no environment"),
      var: repeatable("Set a template variable (repeatable; `gestvenv template info T`)", "k=v"),
      docker: toggle("Add a Dockerfile"),
      interactive: toggle(
        "Ask for the variables on the terminal, each checked as given (no terminal: the defaults)",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, o: "output", d: "description", i: "interactive" },
    positional: {
      kind: "tuple",
      parameters: [
        text("Template name (`gestvenv template list`)", "template"),
        text("Project name (PEP 508), also the environment's name", "name"),
      ],
    },
  },
  func: action(
    "create-from-template",
    async (ctx, flags: CreateFromTemplateFlags, templateName: string, name: string) => {
      const { checkProjectTarget, generateProject, machineDefaults, writeProject } = await import(
        "../lib/templates/mod.ts"
      );
      const { absolute, join } = await import("../lib/paths/mod.ts");
      const format = formatFor(ctx, ["table", "json"], "table");
      const p = ctx.printer;
      const withEnv = !(flags.noEnv ?? false);
      const dir = absolute(flags.output ?? name);

      const given = new Map<string, string | boolean>();
      const flagValues: Array<[string, string | boolean | undefined]> = [
        ["author", flags.author],
        ["email", flags.email],
        ["license", flags.license],
        ["python_version", flags.pythonVersion],
        ["framework", flags.framework],
        ["description", flags.description],
        ["docker", flags.docker],
      ];
      for (const [key, value] of flagValues) if (value !== undefined) given.set(key, value);
      // The interpreter gestvenv would use (`--python`, `GESTVENV_PYTHON`, `default_python`, else
      // the first python3): its X.Y is python_version's default, and the environment's interpreter
      // when it satisfies the generated requires-python.
      // A dry run writes nothing under the home: not even the interpreter probes' cache.
      const cacheDir = ctx.dryRun ? undefined : ctx.home.cacheDir;
      const { findInterpreter, minorVersion } = await import("../lib/python/mod.ts");
      const usual = await findInterpreter(ctx.settings.python.value, { cacheDir })
        .catch(() => undefined);
      const defaultPython = usual === undefined ? undefined : minorVersion(usual.info);
      const defaults = await machineDefaults(defaultPython, dir);
      const vars = [...(flags.var ?? [])];
      if (flags.interactive) {
        const { askChoice, askText, askYesNo, canPrompt } = await import("./_prompts.ts");
        if (!canPrompt()) {
          p.info("No terminal to ask on: --interactive uses the defaults and the flags given");
        } else {
          const { parseVarAssignment, promptableVariables, resolveTemplate, templateValues } =
            await import("../lib/templates/mod.ts");
          const { UsageError } = await import("../lib/errors/mod.ts");
          const { checkLicenseExpression } = await import("../lib/pyproject/mod.ts");
          const template = await resolveTemplate(templateName, ctx.home);
          const input = { projectName: name, given, vars, defaults };
          // The name and the values given are checked before anything is asked.
          templateValues(template, input);
          const check = (key: string) => (answer: string): string | undefined => {
            try {
              templateValues(template, { ...input, vars: [...vars, `${key}=${answer}`] });
            } catch (error) {
              if (error instanceof UsageError) return error.message;
              throw error;
            }
            if (key === "license") return checkLicenseExpression(answer)[0]?.message;
            return undefined;
          };
          const set = new Set([...given.keys(), ...vars.map((v) => parseVarAssignment(v)[0])]);
          const asked: string[] = [];
          for (const q of promptableVariables(template, defaults, set)) {
            const message = q.prompt ?? q.name;
            const answer = typeof q.default === "boolean"
              ? String(await askYesNo(message, q.default))
              : q.choices !== undefined
              ? await askChoice(message, q.choices.map((value) => ({ value })), q.default)
              : await askText(message, q.default, check(q.name));
            asked.push(`${q.name}=${answer}`);
          }
          vars.unshift(...asked);
        }
      }
      const project = await generateProject(templateName, ctx.home, {
        projectName: name,
        given,
        vars,
        defaults,
      });
      await checkProjectTarget(dir);
      const groups = [...project.template.groups];

      // Everything the environment needs is checked before a file is written: its name is free,
      // the generated pyproject.toml reads, an interpreter satisfies its requires-python.
      let environment:
        | { requirements: string[]; python: string; pythonVersion: string; withProject: boolean }
        | undefined;
      const pyprojectFile = project.files.find((f) => f.path === "pyproject.toml");
      if (withEnv && pyprojectFile === undefined) {
        const { UsageError } = await import("../lib/errors/mod.ts");
        throw new UsageError(`Template \`${templateName}\` has no pyproject.toml`, {
          hint: "Add `--no-env` to write its files only",
        });
      }
      const env = ctx.environments();
      if (withEnv && pyprojectFile !== undefined) {
        const { checkFreeName, validateEnvironmentName } = await import(
          "../lib/environments/mod.ts"
        );
        const { parsePyproject, projectInterpreter, projectRequirements } = await import(
          "../lib/pyproject/mod.ts"
        );
        validateEnvironmentName(name);
        await checkFreeName(env, name);
        const pyproject = parsePyproject(
          new TextDecoder().decode(pyprojectFile.content),
          join(dir, "pyproject.toml"),
        );
        const chosen = projectRequirements(pyproject, { groups, extras: [], allGroups: false });
        const interpreter = await projectInterpreter(pyproject, usual?.realPath, cacheDir)
          .catch(() => projectInterpreter(pyproject, undefined, cacheDir));
        environment = {
          requirements: chosen.requirements,
          python: interpreter.realPath,
          pythonVersion: interpreter.info.version,
          withProject: pyproject.project !== null,
        };
      }
      for (const warning of project.warnings) p.warn(warning);

      const files = project.files.map((f) => ({
        path: f.path,
        from: f.from,
        bytes: f.content.length,
      }));
      if (ctx.dryRun) {
        if (format === "json") {
          ctx.printer.json("create-from-template", {
            template: templateName,
            project_dir: dir,
            files,
            variables: project.values,
            environment: environment === undefined ? null : {
              name,
              python: environment.python,
              groups,
              requirements: environment.requirements,
            },
            dry_run: true,
          });
          return;
        }
        p.info(`Would write ${files.length} files into ${dir} from template \`${templateName}\`:`);
        for (const f of files) p.data(`  ${f.path}`);
        if (environment !== undefined) {
          p.info(
            `Would create environment \`${name}\` with Python ${environment.pythonVersion}` +
              (groups.length > 0 ? `, groups ${groups.join(", ")}` : "") +
              ` and ${project.values.project_name} editable`,
          );
        }
        return;
      }

      const written = await writeProject(dir, project.files, ctx.signal);
      if (format !== "json") {
        p.success(
          `Created ${shown(dir)} from template \`${templateName}\` (${written.files} files, ${
            formatBytes(written.bytes)
          })`,
        );
      }
      let record: unknown = null;
      if (environment !== undefined) {
        const { createEnvironment } = await import("../lib/packages/mod.ts");
        try {
          const result = await createEnvironment(env, name, {
            python: environment.python,
            description: flags.description,
            packages: environment.requirements,
            editables: environment.withProject ? [dir] : [],
            project: { path: dir, groups, extras: [], installed: environment.withProject },
          });
          record = result.record;
          ctx.oplog.createdEnvironment(result.record, result.files);
          if (format !== "json") {
            p.success(
              `Created environment \`${name}\` with Python ${result.record.python.version}` +
                (groups.length > 0 ? ` and groups ${groups.join(", ")}` : "") +
                ` (${result.record.packages.length} distributions)`,
            );
          }
        } catch (error) {
          p.warn(
            `The project is written in ${dir}; create its environment later with ` +
              `\`gestvenv create-from-pyproject ${shown(dir)} ${name}` +
              (groups.length > 0 ? ` --groups ${groups.join(",")}` : "") + "`",
          );
          throw error;
        }
      }
      if (format === "json") {
        ctx.printer.json("create-from-template", {
          template: templateName,
          project_dir: dir,
          files,
          variables: project.values,
          environment: record,
          dry_run: false,
        });
        return;
      }
      p.info("\nNext steps:");
      p.info(`  cd ${shown(dir)}`);
      if (environment === undefined) {
        p.info(
          `  gestvenv create-from-pyproject . ${name}` +
            (groups.length > 0 ? ` --groups ${groups.join(",")}` : ""),
        );
      }
      p.info(`  gestvenv run ${name} pytest        # the project's tests`);
      p.info(`  gestvenv activate ${name}          # work inside the environment`);
    },
    { effect: "changes" },
  ),
});
