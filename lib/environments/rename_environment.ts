import { basename, dirname, join } from "../paths/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { copyTree, pathExists } from "../fs/mod.ts";
import { relocateVirtualenv } from "../virtualenv/mod.ts";
import { type EnvironmentContext, getEnvironment, now, withEnvironmentLock } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { validateEnvironmentName } from "./environment_name.ts";
import { readRegistry, updateRegistry } from "./registry.ts";

async function move(from: string, to: string): Promise<void> {
  try {
    await Deno.rename(from, to);
  } catch (error) {
    if ((error as { code?: string }).code !== "EXDEV") throw error;
    await copyTree(from, to);
    await Deno.remove(from, { recursive: true });
  }
}

/** Where a renamed environment goes: beside its old directory, named after the new name. */
function renamedPath(record: EnvironmentRecord, newName: string): string {
  return basename(record.path) === record.name ? join(dirname(record.path), newName) : record.path;
}

/**
 * Renames an environment. A virtual environment is not relocatable by itself, so its directory is
 * moved (when it is named after the environment) and every absolute path inside it is rewritten:
 * activation scripts, prompt, script shebangs, `.pth` files. On failure the move is undone.
 *
 * @returns The new record and the files rewritten.
 * @throws {EnvironmentNotFoundError} When `oldName` does not exist.
 * @throws {OperationError} `environment_exists` when `newName` or its directory is taken.
 */
export async function renameEnvironment(
  ctx: EnvironmentContext,
  oldName: string,
  newName: string,
  options: { dryRun?: boolean } = {},
): Promise<{ record: EnvironmentRecord; rewritten: string[] }> {
  validateEnvironmentName(newName);
  const record = await getEnvironment(ctx, oldName);
  const doc = await readRegistry(ctx.home.registryFile);
  if (doc.environments[newName] !== undefined) {
    throw new OperationError(`Environment \`${newName}\` already exists`, "environment_exists", {
      hint: "Choose another name",
    });
  }
  const newPath = renamedPath(record, newName);
  if (newPath !== record.path && await pathExists(newPath)) {
    throw new OperationError(
      `A file or directory already exists at ${newPath}`,
      "environment_exists",
    );
  }
  const renamed: EnvironmentRecord = {
    ...record,
    name: newName,
    path: newPath,
    last_used_at: now(),
  };
  if (options.dryRun) return { record: renamed, rewritten: [] };
  return await withEnvironmentLock(
    ctx,
    oldName,
    () =>
      withEnvironmentLock(ctx, newName, async () => {
        if (newPath !== record.path) await move(record.path, newPath);
        let rewritten: string[];
        try {
          rewritten = await relocateVirtualenv(newPath, { oldRoot: record.path, prompt: newName });
          await updateRegistry(ctx.home.registryFile, (d) => {
            if (d.environments[newName] !== undefined) {
              throw new OperationError(
                `Environment \`${newName}\` already exists`,
                "environment_exists",
              );
            }
            delete d.environments[oldName];
            d.environments[newName] = renamed;
          });
        } catch (error) {
          if (newPath !== record.path) {
            await move(newPath, record.path).catch(() => {});
            await relocateVirtualenv(record.path, { oldRoot: newPath, prompt: oldName }).catch(
              () => {},
            );
          }
          throw error;
        }
        return { record: renamed, rewritten };
      }),
  );
}
