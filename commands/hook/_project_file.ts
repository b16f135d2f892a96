/**
 * The project file `hook add --project` / `hook remove` write, and keeping a trusted project
 * trusted across the user's own edits.
 *
 * @module
 */
import { loadProjectSettings, PROJECT_CONFIG_FILE } from "../../lib/config/mod.ts";
import {
  editProjectHooks,
  isTrusted,
  projectHooks,
  projectHooksDigest,
  readTrustStore,
  trustRoot,
  updateTrustStore,
} from "../../lib/hooks/mod.ts";
import type { HookEntry, HookEventKey } from "../../lib/config/mod.ts";
import { join } from "../../lib/paths/mod.ts";
import type { CommandContext } from "../_context.ts";

/**
 * The `.gestvenv.toml` project hooks are written to: the project's own, else a new one at the
 * project root (where pyproject.toml is), else in the current directory.
 */
export function projectHookFile(ctx: CommandContext): { file: string; root: string } {
  if (ctx.project?.configFile !== undefined) {
    return { file: ctx.project.configFile, root: ctx.project.root };
  }
  const root = ctx.project?.root ?? Deno.cwd();
  return { file: join(root, PROJECT_CONFIG_FILE), root };
}

/**
 * Edits the project's `[hooks]` (see `editProjectHooks`). A project that was trusted (or had no
 * hooks) before the edit is trusted with its new hooks: the user made the change; a project whose
 * hooks were not trusted stays untrusted.
 */
export async function editProjectHooksKeepingTrust(
  ctx: CommandContext,
  file: string,
  root: string,
  edit: (hooks: Partial<Record<HookEventKey, HookEntry[]>>) => void,
): Promise<{ trusted: boolean }> {
  const before = await loadProjectSettings(root);
  const hooksBefore = before === undefined ? [] : await projectHooks(before);
  const trustedBefore = hooksBefore.length === 0 ||
    await isTrusted(
      await readTrustStore(ctx.home.root),
      before!.root,
      await projectHooksDigest(hooksBefore),
    );
  await editProjectHooks(file, edit);
  if (!trustedBefore) return { trusted: false };
  const after = await loadProjectSettings(root);
  const hooks = after === undefined ? [] : await projectHooks(after);
  const digest = await projectHooksDigest(hooks);
  const key = await trustRoot(after?.root ?? root);
  await updateTrustStore(ctx.home.root, (store) => {
    if (hooks.length === 0) store.delete(key);
    else store.set(key, { sha256: digest, trusted_at: new Date().toISOString() });
  });
  return { trusted: true };
}
