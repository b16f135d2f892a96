import { buildCommand } from "npm:@stricli/core@1.3.0";
import { action, type CliContext, formatFor, GLOBAL_ALIASES, GLOBAL_FLAGS } from "./_context.ts";
import { examples } from "./_help.ts";
import { PackageNotFoundError } from "../lib/errors/mod.ts";
import type { Pyproject } from "../lib/pyproject/mod.ts";
import {
  DEPENDENCY_FLAGS,
  type DependencyFlags,
  dependencyProject,
  dependencyTarget,
  listName,
  printSynced,
} from "./add.ts";

/** Where else `name` is declared in the pyproject.toml `text`, as a hint with the flag to use. */
function declaredElsewhere(
  parsePyproject: (text: string, file: string) => Pyproject,
  normalizeName: (name: string) => string,
  text: string,
  name: string,
): string {
  const want = normalizeName(name);
  let places: string[] = [];
  try {
    const pyproject = parsePyproject(text, "pyproject.toml");
    const has = (list: Array<{ requirement: { normalizedName: string } }>) =>
      list.some((r) => r.requirement.normalizedName === want);
    if (has(pyproject.project?.dependencies ?? [])) places.push("[project] dependencies");
    for (const [extra, list] of pyproject.project?.optionalDependencies ?? []) {
      if (has(list)) places.push(`--optional ${extra}`);
    }
    for (const [group, { entries }] of pyproject.groups) {
      const reqs = entries.flatMap((e) => e.kind === "requirement" ? [e.value] : []);
      if (has(reqs)) places.push(`--group ${group}`);
    }
  } catch {
    places = [];
  }
  return places.length === 0
    ? "Check the name: the project does not declare it anywhere"
    : `It is declared in: ${places.join(", ")}`;
}

/**
 * `gestvenv remove-dependency NAME...` (also `gestvenv remove NAME... --group G | --optional E |
 * --env ENV | --no-sync`): removes requirements from pyproject.toml, keeping its comments, then
 * syncs and uninstalls what is no longer needed.
 */
export const removeDependencyCommand = buildCommand<DependencyFlags, string[], CliContext>({
  docs: {
    brief: "Remove dependencies from the project's pyproject.toml (comments kept), then sync",
    fullDescription: examples([
      ["gestvenv remove-dependency httpx", "from [project] dependencies, then sync"],
      ["gestvenv remove pytest --group dev", "from a dependency group (PEP 735)"],
      ["gestvenv remove asyncpg --optional postgres", "from an extra"],
      ["gestvenv remove httpx --env api", "the project of `api`"],
    ]) +
      "\n`gestvenv remove` takes this form when given --group, --optional, --env or --no-sync;" +
      "\nwithout them it keeps its older meaning (`remove ENV` deletes an environment," +
      "\n`remove ENV PKG` uninstalls). The sync uninstalls a removed dependency unless another" +
      "\nrequirement still needs it.",
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, ...DEPENDENCY_FLAGS },
    aliases: { ...GLOBAL_ALIASES, g: "group" },
    positional: {
      kind: "array",
      parameter: { brief: "Project names to remove", parse: String, placeholder: "name" },
      minimum: 1,
    },
  },
  func: action(
    "remove-dependency",
    async (ctx, flags: DependencyFlags, ...names: string[]) => {
      const { editPyproject, syncProject } = await import("../lib/packages/mod.ts");
      const { parsePyproject, removeRequirement } = await import("../lib/pyproject/mod.ts");
      const { normalizeName } = await import("../lib/names/mod.ts");
      const format = formatFor(ctx, ["table", "json"], "table");
      const target = dependencyTarget(flags);
      const { root, name } = await dependencyProject(ctx, flags);
      const env = ctx.environments();
      const removed: string[] = [];
      const edit = await editPyproject(
        root,
        (text) =>
          names.reduce((t, n) => {
            let out;
            try {
              out = removeRequirement(t, n, target);
            } catch (error) {
              throw error instanceof PackageNotFoundError
                ? new PackageNotFoundError(error.message, {
                  cause: error,
                  hint: declaredElsewhere(parsePyproject, normalizeName, t, n),
                })
                : error;
            }
            removed.push(...out.removed);
            return out.text;
          }, text),
        async () =>
          name === undefined
            ? undefined
            : await syncProject(env, name, { project: root, drop: names }),
        ctx.dryRun,
      );
      const where = listName(target);
      if (format === "json") {
        ctx.printer.json("remove-dependency", {
          file: edit.file,
          list: where,
          removed,
          environment: edit.result?.record.name ?? null,
          uninstalled: edit.result?.plan.remove.map((r) => r.name) ?? [],
          dry_run: ctx.dryRun,
        });
        return;
      }
      if (ctx.dryRun) {
        ctx.printer.info(
          `Dry run: would remove ${removed.join(", ")} from ${where} of ${edit.file}` +
            (name === undefined ? "" : `, then sync \`${name}\``),
        );
        return;
      }
      ctx.printer.success(`Removed ${removed.join(", ")} from ${where} of ${edit.file}`);
      printSynced(ctx, edit.result);
    },
    { effect: "changes" },
  ),
});
