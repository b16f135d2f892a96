import { OperationError } from "../errors/mod.ts";
import { pathExists } from "../fs/mod.ts";
import { readPyvenvCfg } from "../virtualenv/mod.ts";
import { type EnvironmentContext, getEnvironment, withEnvironmentLock } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { updateRegistry } from "./registry.ts";

/**
 * Deletes a registered environment: its directory (only when it holds a `pyvenv.cfg`, so a
 * directory that is not an environment is never removed) and its registry entry.
 *
 * @returns The record that was removed (or would be, for a dry run).
 * @throws {EnvironmentNotFoundError} When the environment does not exist.
 * @throws {OperationError} `not_an_environment` when the directory holds no `pyvenv.cfg`.
 */
export async function deleteEnvironment(
  ctx: EnvironmentContext,
  name: string,
  options: { dryRun?: boolean } = {},
): Promise<EnvironmentRecord> {
  const record = await getEnvironment(ctx, name);
  const exists = await pathExists(record.path);
  if (exists && (await readPyvenvCfg(record.path)) === undefined) {
    throw new OperationError(
      `${record.path} is not a virtual environment (no pyvenv.cfg); it was left alone`,
      "not_an_environment",
      {
        hint:
          "Remove the directory yourself if it should go, then run `gestvenv cleanup --orphaned`",
      },
    );
  }
  if (options.dryRun) return record;
  return await withEnvironmentLock(ctx, name, async () => {
    if (exists) await Deno.remove(record.path, { recursive: true });
    await updateRegistry(ctx.home.registryFile, (doc) => {
      delete doc.environments[name];
    });
    return record;
  });
}
