import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  fileStamp,
  parseConfigBackup,
  planRestore,
  restoreConfigBackup,
  type RestoreStep,
} from "../../lib/config/mod.ts";
import { ConfigError, UsageError } from "../../lib/errors/mod.ts";
import { parsePolicy } from "../../lib/policy/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  confirm,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text } from "../_help.ts";

/** One step for people: `replace config.toml (kept as …)`. */
function describe(step: RestoreStep, dryRun: boolean): string {
  const verb = step.action === "create"
    ? dryRun ? "would create" : "created"
    : step.action === "replace"
    ? dryRun ? "would replace" : "replaced"
    : "unchanged";
  return `  ${verb} ${step.path}${
    step.keptAs === undefined ? "" : ` (previous kept as ${step.keptAs})`
  }`;
}

function print(ctx: CommandContext, steps: RestoreStep[], dryRun: boolean): void {
  for (const step of steps) ctx.printer.info(describe(step, dryRun));
}

/** `gestvenv config restore FILE`: puts a `config backup` back, after checking all of it. */
export const configRestoreCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Restore a `config backup` file: everything checked first, previous files kept",
    fullDescription: examples([
      ["gestvenv config restore ~/.gestvenv/backups/config-20261130T100000Z.json", "asks first"],
      ["gestvenv config restore team.json --yes", "without asking"],
      ["gestvenv config restore team.json --dry-run", "what would change"],
    ]) +
      "\nEvery file in the backup is checked (sha256, TOML, known keys and values, profiles) before" +
      "\nanything is written: a damaged backup changes nothing. Each file replaced is kept as" +
      "\n<file>.bak-<time>; files the backup does not hold are left alone.",
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Backup file", "file")] },
  },
  func: action("config restore", async (ctx, _flags: GlobalFlags, file: string) => {
    let body: string;
    try {
      body = await Deno.readTextFile(file);
    } catch (error) {
      throw new ConfigError(`Cannot read ${file}`, {
        cause: error,
        hint: "Give a file written by `gestvenv config backup`",
      });
    }
    const backup = await parseConfigBackup(
      body,
      file,
      ctx.home,
      (text, where) => parsePolicy(text, where, "toml"),
    );
    const stamp = fileStamp();
    const planned = await planRestore(ctx.home, backup, stamp);
    const changing = planned.filter((s) => s.action !== "same");
    if (ctx.dryRun || changing.length === 0) {
      ctx.printer.info(
        changing.length === 0
          ? `The configuration already matches ${file}`
          : `Restoring ${file} (made ${backup.created} by gestvenv ${backup.gestvenv_version}) would:`,
      );
      if (changing.length > 0) print(ctx, planned, true);
      return;
    }
    if (planned.some((s) => s.action === "replace")) {
      const answer = await confirm(
        ctx,
        `Replace ${
          planned.filter((s) => s.action === "replace").map((s) => s.path).join(", ")
        } with the backup's (the current files are kept as .bak-${stamp})?`,
      );
      if (answer !== true) {
        throw new UsageError(
          answer === undefined
            ? "Restoring would replace configuration files; confirmation needed"
            : "Restore cancelled",
          { hint: "Pass --yes to restore without asking (`--dry-run` shows what changes)" },
        );
      }
    }
    const steps = await restoreConfigBackup(ctx.home, backup, stamp);
    ctx.printer.info(`Restored ${file} (made ${backup.created}):`);
    print(ctx, steps, false);
    ctx.printer.success(
      `${steps.filter((s) => s.action !== "same").length} configuration file(s) restored`,
    );
  }, { effect: "changes" }),
});
