import { buildCommand } from "npm:@stricli/core@1.3.0";
import { CONFIG_KEYS, updateConfig } from "../../lib/config/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { text } from "../_help.ts";
import { checkKey } from "./_keys.ts";

/** `gestvenv config unset KEY`: back to the default. */
export const configUnsetCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: { brief: "Remove a key (back to its default)" },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Configuration key", "key")] },
  },
  func: action("config unset", async (ctx, _flags: GlobalFlags, key: string) => {
    const k = checkKey(key);
    if (ctx.dryRun) {
      ctx.printer.info(`Would unset ${k} in ${ctx.home.configFile}`);
      return;
    }
    await updateConfig(ctx.home.configFile, (c) => {
      delete c[k];
    });
    ctx.printer.success(`Unset ${k} (default: ${CONFIG_KEYS[k].default})`);
  }, { effect: "changes" }),
});
