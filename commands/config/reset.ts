import { buildCommand } from "npm:@stricli/core@1.3.0";
import { configFiles, resetConfig } from "../../lib/config/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  confirm,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, toggle } from "../_help.ts";
import { VERSION } from "../_version.ts";

interface ResetFlags extends GlobalFlags {
  readonly confirm?: boolean;
}

/** `gestvenv config reset --confirm`: back to the defaults, after a backup. */
export const configResetCommand = buildCommand<ResetFlags, [], CliContext>({
  docs: {
    brief: "Back to the defaults: back up, then remove config.toml, profiles and policies",
    fullDescription: examples([
      ["gestvenv config reset --confirm", "spec 000's form"],
      ["gestvenv config reset --dry-run", "what would be removed"],
    ]) +
      "\nA backup is written to ~/.gestvenv/backups/ first (`config restore FILE` undoes the reset)." +
      "\nEnvironments, the registry, the cache, logs and files gestvenv did not write stay." +
      "\nWithout --confirm (or --yes) it asks on a terminal, and refuses elsewhere.",
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, confirm: toggle("Reset without asking") },
    aliases: GLOBAL_ALIASES,
  },
  func: action("config reset", async (ctx, flags: ResetFlags) => {
    const files = [...(await configFiles(ctx.home)).keys()];
    if (files.length === 0) {
      ctx.printer.info("No configuration file: gestvenv already uses its defaults");
      return;
    }
    if (ctx.dryRun) {
      ctx.printer.info(
        `Would back up to ${ctx.home.root}/backups/ and remove: ${files.join(", ")}`,
      );
      return;
    }
    if (!flags.confirm) {
      const answer = await confirm(ctx, `Remove ${files.join(", ")} (after a backup)?`);
      if (answer !== true) {
        throw new UsageError(
          answer === undefined
            ? "`config reset` removes your configuration; confirmation needed"
            : "Reset cancelled",
          { hint: "Pass --confirm (or --yes) to reset" },
        );
      }
    }
    // The backup is taken under the configuration lock, with the removal.
    const { backup, removed } = await resetConfig(ctx.home, VERSION);
    ctx.printer.info(`Backed up to ${backup}`);
    for (const path of removed) ctx.printer.info(`  removed ${path}`);
    ctx.printer.success(
      `Configuration reset to the defaults (undo: \`gestvenv config restore ${backup}\`)`,
    );
  }, { effect: "changes" }),
});
