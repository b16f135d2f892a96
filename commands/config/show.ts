import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  type AllowedSources,
  BUILTIN_PROFILES,
  CONFIG_KEYS,
  type ConfigKey,
  profileFile,
  readPipIndexSettings,
  type ResolvedSettings,
  type Setting,
} from "../../lib/config/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { redactValue, redactValues, showValue } from "./_keys.ts";
import { examples, toggle } from "../_help.ts";

/** The setting each configuration key feeds. */
const SETTING_OF: Readonly<Record<ConfigKey, keyof ResolvedSettings>> = {
  backend: "backend",
  default_python: "python",
  environments_path: "environmentsDir",
  index_url: "indexUrl",
  extra_index_urls: "extraIndexUrls",
  find_links: "findLinks",
  uv_path: "uvPath",
  "audit.osv_url": "auditOsvUrl",
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
  auto_sync: "autoSync",
  "logs.retention_days": "logsRetentionDays",
  // issue 12 §5
  "general.show_progress": "showProgress",
  "general.emoji_support": "emoji",
  "performance.parallel_downloads": "parallelDownloads",
  "performance.max_retries": "maxRetries",
  "ui.color_scheme": "colorScheme",
  "ui.table_format": "tableFormat",
  "ui.progress_style": "progressStyle",
  check_updates_on_activate: "checkUpdatesOnActivate",
  operation_timeout: "operationTimeoutMs",
  fallback_backend: "fallbackBackend",
  "security.require_signatures": "requireSignatures",
  active_profile: "profile",
  // issue 12 §3
  "security.allowed_sources": "allowedSources",
  "security.require_hashes": "requireHashes",
  "security.mode": "securityMode",
  // issue 12 §4
  "hooks.pre_create": "globalHooks",
  "hooks.post_create": "globalHooks",
  "hooks.pre_install": "globalHooks",
  "hooks.post_install": "globalHooks",
  "hooks.post_sync": "globalHooks",
  "hooks.pre_delete": "globalHooks",
  "hooks.post_activate": "globalHooks",
  "hooks.pre_run": "globalHooks",
  "hooks.timeout": "hookTimeoutMs",
};

interface ShowFlags extends GlobalFlags {
  readonly sources?: boolean;
}

/** A setting as shown: its value in the key's unit (seconds for timeouts), redacted. */
function shown(key: ConfigKey, setting: Setting<unknown>): Setting<unknown> {
  if (CONFIG_KEYS[key].type === "hooks") {
    // One event's commands out of the global hooks (issue 12 §4).
    const entries = (setting.value as Record<string, Array<string | { command: string }>>)[
      key.slice("hooks.".length)
    ];
    if (entries === undefined) return { value: undefined, source: "default", origin: "default" };
    return { ...setting, value: entries.map((e) => typeof e === "string" ? e : e.command) };
  }
  const value = CONFIG_KEYS[key].type === "seconds" && typeof setting.value === "number"
    ? setting.value / 1000
    : key === "security.allowed_sources" && setting.value !== undefined
    ? (setting.value as AllowedSources).rules.map((r) => r.entry) // the entries, as written
    : setting.value;
  return { ...setting, value: redactValue(value) };
}

/**
 * Where a setting came from, for people: the flag or variable, the project file, the user's
 * configuration file, pip's configuration, or the default.
 */
function whereFrom(ctx: CommandContext, setting: Setting<unknown>): string {
  switch (setting.source) {
    case "flag":
    case "env":
    case "environment":
      return setting.origin;
    case "project": {
      const open = setting.origin.indexOf(" (");
      return open < 0 ? "the project" : setting.origin.slice(open + 2, -1);
    }
    case "profile":
      return `profile ${setting.origin} (${profileOrigin(ctx, setting.origin)})`;
    case "config":
      return ctx.home.configFile;
    case "pip":
      return `pip's configuration (${setting.origin})`;
    default:
      return "built-in default";
  }
}

/** Where profile `name` is defined: `built-in`, or its file. */
function profileOrigin(ctx: CommandContext, name: string): string {
  return BUILTIN_PROFILES.has(name) ? "built-in" : profileFile(ctx.home, name);
}

/** `gestvenv config show`: every key with its value, and pip's own index settings. */
export const configShowCommand = buildCommand<ShowFlags, [], CliContext>({
  docs: {
    brief: "Show every key with its value, and pip's own index settings",
    fullDescription: examples([
      ["gestvenv config show", "every key, its value and its source"],
      ["gestvenv config show --sources", "also the file, flag or variable each value came from"],
      ["gestvenv config show --format json", "as data"],
    ]) +
      "\nPrecedence: flags, GESTVENV_* variables, the environment's own settings (config set-env)," +
      "\nthe project (.gestvenv.toml, then [tool.gestvenv] of pyproject.toml), the active profile" +
      "\n(profile activate), the user's config.toml, pip's configuration (index keys), defaults.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      sources: toggle("Also show the file, flag or variable each value came from"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("config show", async (ctx, flags: ShowFlags) => {
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
        settings: Object.fromEntries(
          [...effective].map((
            [key, setting],
          ) => [key, { ...setting, from: whereFrom(ctx, setting) }]),
        ),
        pip_index: pip,
        project: ctx.project === undefined ? null : {
          root: ctx.project.root,
          pyproject: ctx.project.pyproject ?? null,
          config_file: ctx.project.configFile ?? null,
          environment: ctx.project.environment ?? null,
          groups: ctx.project.groups,
          extras: ctx.project.extras,
          scripts: Object.fromEntries(ctx.project.scripts),
          unknown_keys: ctx.project.unknown,
        },
      });
      return;
    }
    await ctx.printer.table(
      flags.sources
        ? ["Key", "Value", "Source", "From"]
        : ["Key", "Value", "Source", "Description"],
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
        return [key, value, source, flags.sources ? whereFrom(ctx, setting) : spec.description];
      }),
    );
    const project = ctx.project;
    if (project !== undefined) {
      const files = [project.configFile, project.pyproject].filter((f) => f !== undefined);
      ctx.printer.info(`Project: ${project.root} (${files.join(", ")})`);
      if (project.environment !== undefined) {
        ctx.printer.info(`  bound environment: ${project.environment}`);
      }
      if (project.groups.length > 0) ctx.printer.info(`  groups: ${project.groups.join(", ")}`);
      if (project.extras.length > 0) ctx.printer.info(`  extras: ${project.extras.join(", ")}`);
      if (project.scripts.size > 0) {
        ctx.printer.info(`  scripts: ${[...project.scripts.keys()].join(", ")}`);
      }
      for (const key of project.unknown) {
        ctx.printer.warn(`Unknown project setting ${key} (ignored)`);
      }
    }
    ctx.printer.info(`File: ${ctx.home.configFile}`);
    ctx.printer.info(
      `pip's own index settings: index-url=${pip.indexUrl ?? "(default)"} extra-index-url=${
        pip.extraIndexUrls.join(" ") || "(none)"
      } ` +
        `find-links=${pip.findLinks.join(" ") || "(none)"}`,
    );
  }, { effect: "reads" }),
});
