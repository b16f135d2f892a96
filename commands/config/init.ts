import { buildCommand } from "npm:@stricli/core@1.3.0";
import { CONFIG_KEYS } from "../../lib/config/mod.ts";
import { OperationError } from "../../lib/errors/mod.ts";
import { atomicWriteFile, pathExists } from "../../lib/fs/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { toggle } from "../_help.ts";

interface InitFlags extends GlobalFlags {
  readonly force?: boolean;
}

/** `gestvenv config init`: writes a documented configuration file. */
export const configInitCommand = buildCommand<InitFlags, [], CliContext>({
  docs: { brief: "Write a configuration file with every key documented and commented out" },
  parameters: {
    flags: { ...GLOBAL_FLAGS, force: toggle("Replace an existing file") },
    aliases: { ...GLOBAL_ALIASES, f: "force" },
  },
  func: action("config init", async (ctx, flags: InitFlags) => {
    if (await pathExists(ctx.home.configFile) && !flags.force) {
      throw new OperationError(`${ctx.home.configFile} already exists`, "config_exists", {
        hint: "Pass `--force` to replace it",
      });
    }
    const lines = ["# gestvenv configuration. Edit with `gestvenv config set KEY VALUE`.", ""];
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      lines.push(
        `# ${spec.description} (default: ${spec.default})`,
        `# ${key} = ${spec.type === "list" ? "[]" : '""'}`,
        "",
      );
    }
    if (ctx.dryRun) {
      ctx.printer.info(`Would write ${ctx.home.configFile}`);
      return;
    }
    await atomicWriteFile(ctx.home.configFile, lines.join("\n"));
    ctx.printer.success(`Wrote ${ctx.home.configFile}`);
  }, { effect: "changes" }),
});
