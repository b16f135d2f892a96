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
 * The environment `update pyproject.toml` reads, and why: `--env`, else the one the project's
 * settings name (`.gestvenv.toml` / `[tool.gestvenv]` `environment`) or the one made from the
 * project directory (`boundEnvironment`), else the active one.
 */
async function projectEnvironment(
  ctx: CommandContext,
  dir: string,
  envFlag: string | undefined,
): Promise<{ name: string; why: string }> {
  if (envFlag !== undefined) return { name: envFlag, why: "--env" };
  const { activeEnvironment, boundEnvironment } = await import("../lib/environments/mod.ts");
  const env = ctx.environments();
  let settings = ctx.project;
  if (settings?.root !== dir) {
    const { loadProjectSettings } = await import("../lib/config/mod.ts");
    settings = await loadProjectSettings(dir);
  }
  const environment = settings?.root === dir ? settings.environment : undefined;
  const bound = await boundEnvironment(env, {
    root: dir,
    ...(environment === undefined ? {} : { environment }),
  });
  if (bound !== undefined) {
    return {
      name: bound.name,
      why: environment === undefined
        ? "the environment made from the project"
        : `the environment the project names (${settings?.configFile ?? settings?.pyproject})`,
    };
  }
  const active = await activeEnvironment(env);
  if (active !== undefined) return { name: active.name, why: "the active environment" };
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
  const { readUserFile, replaceUserFile } = await import("../lib/fs/mod.ts");
  const path = absolute(file);
  const text = await readUserFile(path);
  if (text === null) {
    throw new ConfigError(`Cannot read ${path}: it does not exist`, {
      hint: "Give the path of the project's pyproject.toml",
    });
  }
  const { name, why } = await projectEnvironment(ctx, dirname(path), envFlag);
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
  if (missing.length > 0) {
    const { checkBeforeWrite } = await import("./_pyproject_write.ts");
    await checkBeforeWrite(ctx, path, text, out, ctx.dryRun);
  }
  if (write) await replaceUserFile(path, out, { expected: text });
  const p = ctx.printer;
  if (format !== "json") p.info(`Environment: \`${name}\` (${why})`);
  if (format === "json") {
    p.json("update", {
      file: path,
      environment: name,
      environment_source: why,
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
