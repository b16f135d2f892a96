import { type BackendDescription, describeBackends } from "../../lib/backends/mod.ts";
import { findInterpreter } from "../../lib/python/mod.ts";
import type { CommandContext } from "../_context.ts";
import { VERSION } from "../_version.ts";

/** The backends as this command's settings see them. */
export async function backendsFor(ctx: CommandContext): Promise<BackendDescription[]> {
  const env = ctx.environments();
  const python = await findInterpreter(env.settings.python.value, { cacheDir: ctx.home.cacheDir })
    .then((i) => i.realPath, () => undefined);
  return await describeBackends({
    configured: env.settings.backend.value,
    gestvenvVersion: VERSION,
    uvPath: env.settings.uvPath.value,
    python,
  });
}
