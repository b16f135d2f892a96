import { EnvironmentNotFoundError, UsageError } from "../errors/mod.ts";
import { type EnvironmentContext, getEnvironment, loadRegistry } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";

/** What identifies a project for {@linkcode boundEnvironment} (a `ProjectSettings` fits). */
export interface ProjectRef {
  /** The project directory (absolute). */
  root: string;
  /** The environment its `.gestvenv.toml` / `[tool.gestvenv]` names, if any. */
  environment?: string;
}

/**
 * The environment bound to a project: the one its settings name (`environment = "…"`), else the
 * one registered environment whose record was made from this project directory
 * (`create-from-pyproject`, `record.project.path`).
 *
 * @returns The record, or undefined when nothing is bound to the project.
 * @throws {EnvironmentNotFoundError} when the project names an environment that does not exist.
 * @throws {UsageError} when several environments were made from the project and none is named.
 */
export async function boundEnvironment(
  ctx: EnvironmentContext,
  project: ProjectRef,
): Promise<EnvironmentRecord | undefined> {
  if (project.environment !== undefined) {
    try {
      return await getEnvironment(ctx, project.environment);
    } catch (error) {
      if (!(error instanceof EnvironmentNotFoundError)) throw error;
      throw new EnvironmentNotFoundError(project.environment, {
        hint: `The project at ${project.root} names it; create it with ` +
          `\`gestvenv create-from-pyproject ${project.environment}\` in that directory`,
      });
    }
  }
  const root = project.root.replace(/[\\/]+$/, "");
  const made = [...(await loadRegistry(ctx)).environments.values()]
    .filter((r) => r.project !== undefined && r.project.path.replace(/[\\/]+$/, "") === root);
  if (made.length > 1) {
    throw new UsageError(
      `Several environments were made from ${project.root}: ${made.map((r) => r.name).join(", ")}`,
      {
        hint: 'Name one with --env, or bind one in .gestvenv.toml: `environment = "NAME"`',
      },
    );
  }
  return made[0];
}
