import { OperationError } from "../errors/mod.ts";
import { copyTree, pathExists } from "../fs/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import { relocateVirtualenv } from "../virtualenv/mod.ts";
import {
  type EnvironmentContext,
  getEnvironment,
  now,
  openEnvironment,
  withEnvironmentLock,
} from "./context.ts";
import { createEnvironment, defaultEnvironmentPath } from "./create_environment.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { validateEnvironmentName } from "./environment_name.ts";
import { readRegistry, updateRegistry } from "./registry.ts";

/** How a clone was made. */
export type CloneMethod = "copy" | "reinstall";

/**
 * Clones an environment. With the same interpreter, the directory is copied and re-targeted
 * (exact, offline, no index needed). With another interpreter (`python`), a new environment is
 * created and the source's requested requirements are installed into it (its pinned versions may
 * not exist for another Python), or its frozen pins when it has no recorded requirements.
 *
 * @throws {EnvironmentNotFoundError} When `source` does not exist.
 * @throws {OperationError} `environment_exists` when `target` is taken.
 */
export async function cloneEnvironment(
  ctx: EnvironmentContext,
  source: string,
  target: string,
  options: { python?: string | undefined; dryRun?: boolean } = {},
): Promise<{ record: EnvironmentRecord; method: CloneMethod }> {
  validateEnvironmentName(target);
  const src = await getEnvironment(ctx, source);
  const doc = await readRegistry(ctx.home.registryFile);
  if (doc.environments[target] !== undefined) {
    throw new OperationError(`Environment \`${target}\` already exists`, "environment_exists", {
      hint: "Choose another name",
    });
  }
  const other = options.python === undefined
    ? undefined
    : await findInterpreter(options.python, { cacheDir: ctx.home.cacheDir });
  if (other !== undefined && other.realPath !== src.python.path) {
    const { backend, target: srcTarget } = await openEnvironment(ctx, src);
    const packages = src.requirements.length > 0
      ? src.requirements.filter((r) => !r.startsWith("-e "))
      : (await backend.freeze(srcTarget)).filter((l) => !l.startsWith("-e "));
    const created = await createEnvironment(ctx, target, {
      python: other.realPath,
      description: src.description ?? undefined,
      packages,
      dryRun: options.dryRun ?? false,
    });
    return { record: created.record, method: "reinstall" };
  }
  const path = defaultEnvironmentPath(ctx, target);
  if (await pathExists(path)) {
    throw new OperationError(`A file or directory already exists at ${path}`, "environment_exists");
  }
  const timestamp = now();
  const record: EnvironmentRecord = {
    ...src,
    name: target,
    path,
    created_at: timestamp,
    last_used_at: timestamp,
  };
  if (options.dryRun) return { record, method: "copy" };
  await withEnvironmentLock(ctx, source, () =>
    withEnvironmentLock(ctx, target, async () => {
      ctx.reporter.step(`Copying ${source} to ${target}`);
      try {
        await Deno.mkdir(ctx.settings.environmentsDir, { recursive: true });
        await copyTree(src.path, path);
        await relocateVirtualenv(path, { oldRoot: src.path, prompt: target });
        await updateRegistry(ctx.home.registryFile, (d) => {
          if (d.environments[target] !== undefined) {
            throw new OperationError(
              `Environment \`${target}\` already exists`,
              "environment_exists",
            );
          }
          d.environments[target] = record;
        });
      } catch (error) {
        await Deno.remove(path, { recursive: true }).catch(() => {});
        throw error;
      } finally {
        ctx.reporter.done();
      }
    }));
  return { record, method: "copy" };
}
