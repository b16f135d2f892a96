import { readEnv } from "../paths/mod.ts";
import type { EnvironmentContext } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { changeRegistry, loadRegistry } from "./context.ts";

/**
 * The registered environment that is active in this shell (`VIRTUAL_ENV` equals a registered
 * environment's path), or undefined. Requires `--allow-env` and `--allow-read`.
 */
export async function activeEnvironment(
  ctx: EnvironmentContext,
): Promise<EnvironmentRecord | undefined> {
  const active = readEnv("VIRTUAL_ENV");
  if (active === undefined) return undefined;
  const real = await Deno.realPath(active).catch(() => active);
  for (const record of (await loadRegistry(ctx)).environments.values()) {
    if (record.path === active || record.path === real) return record;
  }
  return undefined;
}

/** Records that an environment was used now (for `list`'s "last used"); best effort. */
export async function touchEnvironment(ctx: EnvironmentContext, name: string): Promise<void> {
  await changeRegistry(ctx, (registry) => {
    const record = registry.environments.get(name);
    if (record !== undefined) record.last_used_at = new Date().toISOString();
  }).catch(() => {});
}
