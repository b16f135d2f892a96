import { buildCommand } from "npm:@stricli/core@1.3.0";
import { deleteEnvironment } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  confirm,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, toggle } from "./_help.ts";
import { formatBytes } from "./_output.ts";

interface DeleteFlags extends GlobalFlags {
  readonly force?: boolean;
}

/** `gestvenv delete NAME`: removes an environment's directory and registry entry. */
export const deleteCommand = buildCommand<DeleteFlags, [string], CliContext>({
  docs: {
    brief: "Delete an environment (asks first on a terminal; needs --force otherwise)",
    fullDescription: examples([
      ["gestvenv delete web", "asks for confirmation"],
      ["gestvenv delete web --force", "no question (scripts, CI)"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, force: toggle("Delete without asking") },
    aliases: { ...GLOBAL_ALIASES, f: "force" },
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("delete", async (ctx, flags: DeleteFlags, name: string) => {
    ctx.oplog.environment(name);
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    // The plan (with its size) is what the user confirms; the deletion re-checks under the lock.
    const plan = await deleteEnvironment(env, name, { dryRun: true });
    const what = plan.scope === "files"
      ? `the files gestvenv made in ${plan.record.path} (${formatBytes(plan.sizeBytes ?? 0)})`
      : plan.scope === "directory"
      ? `${plan.record.path} (${formatBytes(plan.sizeBytes ?? 0)})`
      : plan.scope === "adopted"
      ? `its registry entry (adopted in place: ${plan.record.path} stays as it is)`
      : "its registry entry (the directory is already gone)";
    if (!flags.force && !ctx.dryRun) {
      const yes = await confirm(ctx, `Delete \`${name}\`: ${what}?`);
      if (yes === undefined) {
        throw new UsageError(`Refusing to delete \`${name}\` without confirmation`, {
          hint: "Pass `--force` (or `--yes`) when not running in a terminal",
        });
      }
      if (!yes) {
        ctx.printer.info("Nothing deleted");
        return;
      }
    }
    const result = ctx.dryRun ? plan : await deleteEnvironment(env, name);
    if (format === "json") {
      ctx.printer.json("delete", {
        name,
        path: result.record.path,
        scope: result.scope,
        size_bytes: plan.sizeBytes,
        kept: result.kept,
        dry_run: ctx.dryRun,
      });
      return;
    }
    if (ctx.dryRun) {
      ctx.printer.info(`Would delete \`${name}\`: ${what}`);
      return;
    }
    if (result.scope === "adopted") {
      ctx.printer.success(
        `Deleted \`${name}\` from gestvenv; ${result.record.path} (adopted in place) stays as it is`,
      );
      return;
    }
    ctx.printer.success(`Deleted \`${name}\` (${result.record.path})`);
    if (result.kept.length > 0) {
      ctx.printer.info(
        `  Kept ${result.kept.length} file(s) gestvenv did not make in ${result.record.path}: ${
          result.kept.slice(0, 5).join(", ")
        }${result.kept.length > 5 ? ", …" : ""}`,
      );
    }
  }, { effect: "changes" }),
});
