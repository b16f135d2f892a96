/**
 * Every hook a command can see, with whether it would run (`hook list`, `hook remove`).
 *
 * @module
 */
import type { ProjectSettings, ResolvedSettings } from "../config/mod.ts";
import type { EnvironmentRecord } from "../environments/mod.ts";
import { UsageError } from "../errors/mod.ts";
import type { HookDefinition } from "./hook_definition.ts";
import { environmentHooks, globalHooks, projectHooks } from "./hook_store.ts";
import { isTrusted, projectHooksDigest, readTrustStore } from "./trust_store.ts";

/** A hook as listed: where it is and whether it runs. */
export interface ListedHook extends HookDefinition {
  /** Whether it runs: global and environment hooks always; project hooks once trusted. */
  trusted: boolean;
}

/**
 * The global hooks, the project's (with their trust) and those of `records`, in that order.
 *
 * @throws {ConfigError} For an invalid hook entry or trust file.
 */
export async function listHooks(
  homeRoot: string,
  configFile: string,
  settings: ResolvedSettings,
  project: ProjectSettings | undefined,
  records: readonly EnvironmentRecord[],
): Promise<ListedHook[]> {
  const out: ListedHook[] = (await globalHooks(settings, configFile))
    .map((h) => ({ ...h, trusted: true }));
  if (project !== undefined) {
    const hooks = await projectHooks(project);
    if (hooks.length > 0) {
      const trusted = await isTrusted(
        await readTrustStore(homeRoot),
        project.root,
        await projectHooksDigest(hooks),
      );
      out.push(...hooks.map((h) => ({ ...h, trusted })));
    }
  }
  for (const record of records) {
    out.push(...(await environmentHooks(record)).map((h) => ({ ...h, trusted: true })));
  }
  return out;
}

/**
 * The one hook of `hooks` whose id (or name) is `idOrName`.
 *
 * @throws {UsageError} (exit 2) When none or several match.
 */
export function findHook<T extends HookDefinition>(hooks: readonly T[], idOrName: string): T {
  const byId = hooks.filter((h) => h.id === idOrName);
  const matches = byId.length > 0 ? byId : hooks.filter((h) => h.name === idOrName);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new UsageError(`No hook \`${idOrName}\``, {
      hint: "`gestvenv hook list` shows the hooks and their ids (`--env ENV` for an environment's)",
    });
  }
  throw new UsageError(`\`${idOrName}\` names ${matches.length} hooks`, {
    hint: `Use an id: ${matches.map((h) => `${h.id} (${h.scope})`).join(", ")}`,
  });
}
