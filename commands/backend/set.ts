import { buildCommand } from "npm:@stricli/core@1.3.0";
import { parseConfigValue, updateConfig } from "../../lib/config/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { text } from "../_help.ts";

/** `gestvenv backend set NAME`: the default backend, in the configuration file. */
export const backendSetCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: { brief: "Make a backend the default (writes `backend` in config.toml)" },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("auto, native, pip or uv", "name")] },
  },
  func: action("backend set", async (ctx, _flags: GlobalFlags, name: string) => {
    const value = parseConfigValue("backend", name);
    if (ctx.dryRun) {
      ctx.printer.info(`Would set backend = ${value} in ${ctx.home.configFile}`);
      return;
    }
    await updateConfig(ctx.home.configFile, (c) => {
      c.backend = value;
    });
    ctx.printer.success(`The default backend is now ${value}`);
  }, { effect: "changes" }),
});
