/**
 * `gestvenv update pyproject.toml --add-missing [--env NAME]` (spec 001): declares in
 * `[project] dependencies` what the environment has installed at the top level but the project
 * does not declare, editing the file with its comments kept.
 *
 * @module
 */
import { ConfigError, UsageError } from "../lib/errors/mod.ts";
import type { OutputFormat } from "./_output.ts";
import type { CommandContext } from "./_context.ts";

/**
 * The environment `update pyproject.toml` reads: `--env`, else the one bound to the project
 * (its record's `project.path` is the file's directory), else the active one.
 */
async function projectEnvironment(
  ctx: CommandContext,
  dir: string,
  envFlag: string | undefined,
): Promise<string> {
  if (envFlag !== undefined) return envFlag;
  const { activeEnvironment, loadRegistry } = await import("../lib/environments/mod.ts");
  const env = ctx.environments();
  const bound = [...(await loadRegistry(env)).environments.values()].filter((r) =>
    r.project?.path === dir
  );
  if (bound.length === 1) return bound[0]!.name;
  if (bound.length > 1) {
    throw new UsageError(
      `Several environments are bound to ${dir}: ${bound.map((r) => r.name).join(", ")}`,
      { hint: "Choose one with --env NAME" },
    );
  }
  const active = await activeEnvironment(env);
  if (active !== undefined) return active.name;
  throw new UsageError(`No environment is bound to ${dir}, and none is active`, {
    hint: "Name the environment whose packages to declare: `--env NAME`",
  });
}

/**
 * Adds the environment's undeclared top-level distributions to the project's dependencies.
 *
 * @returns The exit code (0).
 * @throws {ConfigError} (exit 10) When the file cannot be read or is not a project.
 * @throws {EnvironmentNotFoundError} (exit 3) When the environment does not exist.
 */
export async function addMissingToPyproject(
  ctx: CommandContext,
  file: string,
  envFlag: string | undefined,
  format: OutputFormat,
): Promise<number> {
  const { absolute, dirname } = await import("../lib/paths/mod.ts");
  const { getEnvironment, openEnvironment } = await import("../lib/environments/mod.ts");
  const { installedGraph } = await import("../lib/packages/mod.ts");
  const { missingRequirements } = await import("../lib/convert/mod.ts");
  const { addRequirement } = await import("../lib/pyproject/mod.ts");
  const { atomicWriteFile } = await import("../lib/fs/mod.ts");
  const path = absolute(file);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: "Give the path of the project's pyproject.toml",
    });
  }
  const name = await projectEnvironment(ctx, dirname(path), envFlag);
  const env = ctx.environments();
  const record = await getEnvironment(env, name);
  const { target } = await openEnvironment(env, record);
  const graph = await installedGraph(target, []);
  const topLevel = graph.roots.map((r) => ({
    name: r.name,
    version: graph.nodes.get(r.name)?.version ?? "0",
  }));
  const missing = missingRequirements(text, path, topLevel, record.requirements);
  let out = text;
  for (const requirement of missing) out = addRequirement(out, requirement, {});
  const write = missing.length > 0 && !ctx.dryRun;
  if (write) await atomicWriteFile(path, out);
  const p = ctx.printer;
  if (format === "json") {
    p.json("update", {
      file: path,
      environment: name,
      added: missing,
      written: write,
      dry_run: ctx.dryRun,
    });
    return 0;
  }
  if (missing.length === 0) {
    p.success(`${path} already declares every top-level package of \`${name}\``);
    return 0;
  }
  const verb = ctx.dryRun ? "Would add" : "Added";
  p.success(
    `${verb} ${missing.length} dependenc${
      missing.length === 1 ? "y" : "ies"
    } of \`${name}\` to ${path}`,
  );
  for (const requirement of missing) p.info(`  + ${requirement}`);
  return 0;
}
