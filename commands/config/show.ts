import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  CONFIG_KEYS,
  type ConfigKey,
  readPipIndexSettings,
  type ResolvedSettings,
  type Setting,
} from "../../lib/config/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { redactValue, redactValues, showValue } from "./_keys.ts";

/** The setting each configuration key feeds. */
const SETTING_OF: Readonly<Record<ConfigKey, keyof ResolvedSettings>> = {
  backend: "backend",
  default_python: "python",
  environments_path: "environmentsDir",
  index_url: "indexUrl",
  extra_index_urls: "extraIndexUrls",
  find_links: "findLinks",
  uv_path: "uvPath",
  link_mode: "linkMode",
  cache_path: "cacheDir",
  lock_timeout: "lockTimeoutMs",
  http_connect_timeout: "httpConnectTimeoutMs",
  http_read_timeout: "httpReadTimeoutMs",
  offline_mode: "offline",
  use_cache: "useCache",
  "cache.enabled": "useCache",
  "cache.max_size": "cacheMaxSize",
  "cache.max_age": "cacheMaxAgeDays",
  "cache.auto_cleanup": "cacheAutoCleanup",
  "cache.fallback_to_online": "fallbackToOnline",
  "cache.compression": "cacheCompression",
};

/** A setting as shown: its value in the key's unit (seconds for timeouts), redacted. */
function shown(key: ConfigKey, setting: Setting<unknown>): Setting<unknown> {
  const value = CONFIG_KEYS[key].type === "seconds" && typeof setting.value === "number"
    ? setting.value / 1000
    : setting.value;
  return { ...setting, value: redactValue(value) };
}

/** `gestvenv config show`: every key with its value, and pip's own index settings. */
export const configShowCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: { brief: "Show every key with its value, and pip's own index settings" },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("config show", async (ctx, _flags: GlobalFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    // Credentials in index URLs are never printed (the files keep them).
    const pip = redactValues(await readPipIndexSettings());
    const config = redactValues(ctx.config);
    const keys = Object.keys(CONFIG_KEYS) as ConfigKey[];
    const effective = new Map(keys.map((k) => [k, shown(k, ctx.settings[SETTING_OF[k]])]));
    if (format === "json") {
      ctx.printer.json("config show", {
        file: ctx.home.configFile,
        home: ctx.home.root,
        config,
        settings: Object.fromEntries(effective),
        pip_index: pip,
      });
      return;
    }
    await ctx.printer.table(
      ["Key", "Value", "Source", "Description"],
      keys.map((key) => {
        const spec = CONFIG_KEYS[key];
        const setting = effective.get(key)!;
        const value = setting.value === undefined ||
            (setting.source === "default" && Array.isArray(setting.value))
          ? ctx.printer.out.dim(`(default: ${spec.default})`)
          : showValue(setting.value);
        const source = setting.source === "config" || setting.source === "default"
          ? setting.source
          : `${setting.source} (${setting.origin})`;
        return [key, value, source, spec.description];
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
