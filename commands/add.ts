import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentFlag, examples, optionalText, toggle } from "./_help.ts";
import { projectTarget } from "./_project.ts";

/** The flags `add` and `remove-dependency` share. */
export interface DependencyFlags extends GlobalFlags {
  readonly group?: string;
  readonly optional?: string;
  readonly env?: string;
  readonly noSync?: boolean;
}

/** The flags `add` and `remove-dependency` share, as stricli parameters. */
export const DEPENDENCY_FLAGS = {
  group: optionalText("The dependency group (PEP 735) to edit instead of dependencies", "name"),
  optional: optionalText("The extra ([project.optional-dependencies]) to edit instead", "name"),
  env: environmentFlag("Environment to sync (default: the one bound to the project here)"),
  noSync: toggle("Only edit pyproject.toml; do not sync the environment"),
} as const;

/** Which list of pyproject.toml: `--group`, `--optional`, or `[project] dependencies`. */
export function dependencyTarget(flags: DependencyFlags): { group?: string; extra?: string } {
  if (flags.group !== undefined && flags.optional !== undefined) {
    throw new UsageError("--group and --optional name two different lists", {
      hint: "Give one: a dependency group (PEP 735) or an extra",
    });
  }
  if (flags.group !== undefined) return { group: flags.group };
  if (flags.optional !== undefined) return { extra: flags.optional };
  return {};
}

/** `[dependency-groups] dev`, `[project.optional-dependencies] fast`, `[project] dependencies`. */
export function listName(target: { group?: string; extra?: string }): string {
  if (target.group !== undefined) return `[dependency-groups] ${target.group}`;
  if (target.extra !== undefined) return `[project.optional-dependencies] ${target.extra}`;
  return "[project] dependencies";
}

/**
 * The project to edit and, unless `--no-sync`, its environment: `--env` (its project), else the
 * environment bound to the project here; with `--no-sync`, the project here is enough.
 */
export async function dependencyProject(
  ctx: CommandContext,
  flags: DependencyFlags,
): Promise<{ root: string; name: string | undefined }> {
  const env = ctx.environments();
  if (flags.env !== undefined) {
    const target = await projectTarget(env, flags.env);
    return { root: target.root, name: flags.noSync ? undefined : target.name };
  }
  const { findProjectRoot } = await import("../lib/packages/mod.ts");
  const root = await findProjectRoot(Deno.cwd());
  if (root === undefined) {
    throw new UsageError(`No pyproject.toml in ${Deno.cwd()} or its parents`, {
      hint: "Run it in the project's directory, or name its environment with --env",
    });
  }
  if (flags.noSync) return { root, name: undefined };
  try {
    const target = await projectTarget(env, undefined);
    return { root: target.root, name: target.name };
  } catch (error) {
    // A project with no environment yet: the file is still edited (as `--no-sync`).
    if (!(error instanceof UsageError) || !error.message.startsWith("No environment is bound")) {
      throw error;
    }
    ctx.printer.warn(
      `No environment is bound to ${root}; only pyproject.toml is edited ` +
        `(create one with \`gestvenv create-from-pyproject ${root} NAME\`)`,
    );
    return { root, name: undefined };
  }
}

/** `gestvenv add REQ...`: adds requirements to pyproject.toml, keeping its comments, then syncs. */
export const addCommand = buildCommand<DependencyFlags, string[], CliContext>({
  docs: {
    brief: "Add dependencies to the project's pyproject.toml (comments kept), then sync",
    fullDescription: examples([
      ['gestvenv add "httpx>=0.27"', "to [project] dependencies, then sync"],
      ["gestvenv add pytest --group dev", "to a dependency group (PEP 735)"],
      ["gestvenv add asyncpg --optional postgres", "to an extra"],
      ["gestvenv add ruff --group lint --no-sync", "only edit the file"],
    ]) +
      "\nA requirement already listed (same normalized name) is replaced in place. Every" +
      "\nrequirement is checked (PEP 508) before the file is touched; if the sync fails, the file" +
      "\nis put back as it was. The group or extra is added to those the environment installs.",
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, ...DEPENDENCY_FLAGS },
    aliases: { ...GLOBAL_ALIASES, g: "group" },
    positional: {
      kind: "array",
      parameter: {
        brief: 'Requirements (PEP 508): "httpx>=0.27", "uvicorn[standard]"',
        parse: String,
        placeholder: "requirement",
      },
      minimum: 1,
    },
  },
  func: action("add", async (ctx, flags: DependencyFlags, ...requirements: string[]) => {
    const { editPyproject, syncProject } = await import("../lib/packages/mod.ts");
    const { addRequirement } = await import("../lib/pyproject/mod.ts");
    const { parseRequirement, normalizeName } = await import("../lib/pep508/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const target = dependencyTarget(flags);
    // Every requirement is checked before anything is read or written.
    for (const r of requirements) parseRequirement(r, "command line");
    const { root, name } = await dependencyProject(ctx, flags);
    const env = ctx.environments();
    const sync = async () => {
      if (name === undefined) return undefined;
      const { getEnvironment } = await import("../lib/environments/mod.ts");
      const binding = (await getEnvironment(env, name)).project;
      const bound = binding?.path === root ? binding : undefined;
      const groups = bound?.groups ?? [];
      const extras = bound?.extras ?? [];
      return await syncProject(env, name, {
        project: root,
        groups: target.group === undefined
          ? groups
          : [...new Set([...groups, normalizeName(target.group)])],
        extras: target.extra === undefined
          ? extras
          : [...new Set([...extras, normalizeName(target.extra)])],
      });
    };
    const edit = await editPyproject(
      root,
      (text) => requirements.reduce((t, r) => addRequirement(t, r, target), text),
      sync,
      ctx.dryRun,
    );
    const where = listName(target);
    if (format === "json") {
      ctx.printer.json("add", {
        file: edit.file,
        list: where,
        added: requirements,
        changed: edit.after !== edit.before,
        environment: edit.result?.record.name ?? null,
        installed: edit.result?.plan.install.map((p) => `${p.name}==${p.version ?? "?"}`) ?? [],
        dry_run: ctx.dryRun,
      });
      return;
    }
    if (ctx.dryRun) {
      ctx.printer.info(
        `Dry run: would add ${requirements.join(", ")} to ${where} of ${edit.file}` +
          (name === undefined ? "" : `, then sync \`${name}\``),
      );
      return;
    }
    ctx.printer.success(`Added ${requirements.join(", ")} to ${where} of ${edit.file}`);
    printSynced(ctx, edit.result);
  }, { effect: "changes" }),
});

/** One line on what the sync after an edit did. */
export function printSynced(
  ctx: CommandContext,
  result: {
    record: { name: string; packages: unknown[] };
    plan: { install: unknown[]; remove: Array<{ name: string }> };
  } | undefined,
): void {
  if (result === undefined) {
    ctx.printer.info("  Not synced; run `gestvenv sync` to install");
    return;
  }
  const removed = result.plan.remove.map((r) => r.name);
  ctx.printer.info(
    `  Synced \`${result.record.name}\`: ${result.record.packages.length} distributions` +
      (result.plan.install.length > 0 ? `, installed ${result.plan.install.length}` : "") +
      (removed.length > 0 ? `, removed ${removed.join(", ")}` : ""),
  );
}
