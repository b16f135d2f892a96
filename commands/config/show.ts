import { buildCommand } from "npm:@stricli/core@1.3.0";
import { CONFIG_KEYS, type ConfigKey, readPipIndexSettings } from "../../lib/config/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { redactValues, showValue } from "./_keys.ts";

/** `gestvenv config show`: every key with its value, and pip's own index settings. */
export const configShowCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: { brief: "Show every key with its value, and pip's own index settings" },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("config show", async (ctx, _flags: GlobalFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    // Credentials in index URLs are never printed (the files keep them).
    const pip = redactValues(await readPipIndexSettings());
    const config = redactValues(ctx.config);
    if (format === "json") {
      ctx.printer.json("config show", {
        file: ctx.home.configFile,
        home: ctx.home.root,
        config,
        pip_index: pip,
      });
      return;
    }
    await ctx.printer.table(
      ["Key", "Value", "Description"],
      Object.entries(CONFIG_KEYS).map(([key, spec]) => {
        const value = config[key as ConfigKey];
        return [
          key,
          value === undefined
            ? ctx.printer.out.dim(`(default: ${spec.default})`)
            : showValue(value),
          spec.description,
        ];
      }),
    );
    ctx.printer.info(`File: ${ctx.home.configFile}`);
    ctx.printer.info(
      `pip's own index settings: index-url=${pip.indexUrl ?? "(default)"} extra-index-url=${
        pip.extraIndexUrls.join(" ") || "(none)"
      } ` +
        `find-links=${pip.findLinks.join(" ") || "(none)"}`,
    );
  }, { effect: "reads" }),
});
