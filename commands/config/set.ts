import { buildCommand } from "npm:@stricli/core@1.3.0";
import { canonicalKey, parseConfigValue, updateConfig } from "../../lib/config/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { text } from "../_help.ts";
import { redactValue, showValue } from "./_keys.ts";

/** `gestvenv config set KEY VALUE`: changes one key, atomically. */
export const configSetCommand = buildCommand<GlobalFlags, [string, string], CliContext>({
  docs: { brief: "Set a key (lists: space- or comma-separated)" },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [text("Configuration key", "key"), text("New value", "value")],
    },
  },
  func: action("config set", async (ctx, _flags: GlobalFlags, given: string, raw: string) => {
    const key = canonicalKey(given);
    const value = parseConfigValue(key, raw);
    if (ctx.dryRun) {
      ctx.printer.info(
        `Would set ${key} = ${showValue(redactValue(value))} in ${ctx.home.configFile}`,
      );
      return;
    }
    await updateConfig(ctx.home.configFile, (c) => {
      c[key] = value;
    });
    ctx.printer.success(`${key} = ${showValue(redactValue(value))}`);
  }, { effect: "changes" }),
});
