import { buildCommand } from "npm:@stricli/core@1.3.0";
import { loadProjectSettings } from "../../lib/config/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import {
  projectHooks,
  projectHooksDigest,
  trustRoot,
  updateTrustStore,
} from "../../lib/hooks/mod.ts";
import { absolute } from "../../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, toggle } from "../_help.ts";

interface TrustFlags extends GlobalFlags {
  readonly revoke?: boolean;
}

/**
 * `gestvenv hook trust [DIR] [--revoke]`: lets the hooks of the project at DIR (default: the one
 * around the current directory) run, pinned to their current definitions (direnv's `allow`).
 */
export const hookTrustCommand = buildCommand<TrustFlags, [string?], CliContext>({
  docs: {
    brief: "Trust a project's hooks (as they are now) so they run; --revoke to stop them",
    fullDescription: examples([
      ["gestvenv hook trust", "the project around the current directory"],
      ["gestvenv hook trust ~/src/api", "another project"],
      ["gestvenv hook trust --revoke", "its hooks stop running"],
    ]) +
      "\nA project's hooks (.gestvenv.toml [hooks], [tool.gestvenv.hooks]) are commands someone" +
      "\nelse may have written: they run only once trusted, and a change to them needs trusting" +
      "\nagain. Trust is kept in ~/.gestvenv/trust.json (the directory and a sha256 of the hooks).",
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, revoke: toggle("Stop trusting the project") },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        parse: String,
        brief: "Project directory (default: the project around the current directory)",
        placeholder: "dir",
        optional: true,
      }],
    },
  },
  func: action("hook trust", async (ctx, flags: TrustFlags, dir?: string) => {
    // Trust is kept by the real path: the runner finds the project from the (real) current
    // directory, so a path through a symbolic link would be trusted in name only.
    const given = dir === undefined ? undefined : await trustRoot(absolute(dir));
    const project = given === undefined ? ctx.project : await loadProjectSettings(given);
    const root = await trustRoot(project?.root ?? given ?? Deno.cwd());
    if (flags.revoke) {
      if (ctx.dryRun) {
        ctx.printer.info(`Would stop trusting the hooks of ${root}`);
        return;
      }
      const had = await updateTrustStore(ctx.home.root, (store) => store.delete(root));
      if (had) ctx.printer.success(`The hooks of ${root} are no longer trusted`);
      else ctx.printer.info(`${root} was not trusted`);
      return;
    }
    const hooks = project === undefined ? [] : await projectHooks(project);
    if (hooks.length === 0) {
      throw new UsageError(`${root} defines no hooks to trust`, {
        hint: "Project hooks are the [hooks] table of .gestvenv.toml (or [tool.gestvenv.hooks])",
      });
    }
    for (const h of hooks) ctx.printer.info(`  ${h.id}  ${h.event}  ${h.command}`);
    if (ctx.dryRun) {
      ctx.printer.info(`Would trust these ${hooks.length} hook(s) of ${root}`);
      return;
    }
    const sha256 = await projectHooksDigest(hooks);
    await updateTrustStore(ctx.home.root, (store) => {
      store.set(root, { sha256, trusted_at: new Date().toISOString() });
    });
    ctx.printer.success(
      `Trusted the ${hooks.length} hook(s) of ${root}; they run until they change`,
    );
  }, { effect: "changes" }),
});
