import { buildCommand } from "npm:@stricli/core@1.3.0";
import { CONFIG_KEYS } from "../../lib/config/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { text } from "../_help.ts";
import { checkKey, redactValue, showValue } from "./_keys.ts";

/** `gestvenv config get KEY`: one value on stdout. */
export const configGetCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: { brief: "Print one key's value" },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Configuration key", "key")] },
  },
  func: action("config get", async (ctx, _flags: GlobalFlags, key: string) => {
    const k = checkKey(key);
    const value = redactValue(ctx.config[k]);
    if (formatFor(ctx, ["table", "json"], "table") === "json") {
      ctx.printer.json("config get", { key: k, value: value ?? null });
    } else if (value !== undefined) ctx.printer.data(showValue(value));
    else ctx.printer.info(`\`${k}\` is not set (default: ${CONFIG_KEYS[k].default})`);
    return await Promise.resolve();
  }, { effect: "reads" }),
});
