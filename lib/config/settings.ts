import { absolute, ENV_VARS, type EnvLookup, type HomeLayout, readEnv } from "../paths/mod.ts";
import {
  type ConfigKey,
  type GestvenvConfig,
  HOOK_EVENT_KEYS,
  hookEntriesOf,
  type HookEntry,
  type HookEventKey,
} from "./config_schema.ts";
import { type IndexSettings, readPipIndexSettings } from "./pip_config.ts";
import { type HttpTimeouts, parseTimeoutSeconds } from "./http_settings.ts";
import { ConfigError } from "../errors/mod.ts";
import { parseCount, parseDays, parseSize, parseSwitch, parseWholeDays } from "./quantities.ts";
import { loadProjectSettings } from "./project_settings.ts";
import { type AllowedSources, parseAllowedSources } from "./allowed_sources.ts";

/** Backend choice: `native` is gestvenv's own installer, and what `auto` means. */
export type BackendChoice = "auto" | "native" | "pip" | "uv";

/** How the native installer puts cached files into environments. */
export type LinkModeChoice = "clone" | "hardlink" | "copy";

const LINK_MODES: readonly LinkModeChoice[] = ["clone", "hardlink", "copy"];

/**
 * Where a setting's value comes from, strongest first: a command-line flag, a `GESTVENV_*`
 * variable, the environment's own settings (`config set-env`, applied per environment), the
 * project (`.gestvenv.toml` or `[tool.gestvenv]`, the keys of `PROJECT_KEYS`), the active
 * configuration profile (`profile activate NAME`), the user configuration file, pip's
 * configuration (index keys only), or gestvenv's default.
 */
export type SettingSource =
  | "flag"
  | "env"
  | "environment"
  | "project"
  | "profile"
  | "config"
  | "pip"
  | "default";

/** One resolved setting: its value and where it came from. */
export interface Setting<T> {
  /** The value after precedence. */
  readonly value: T;
  /** Which source gave it. */
  readonly source: SettingSource;
  /**
   * The exact origin, for people: `--python`, `GESTVENV_PYTHON`, `default_python` (a config
   * key), the profile's name (source `profile`), or `default`.
   */
  readonly origin: string;
}

/**
 * A command's settings, resolved once (in `commands/_context.ts`) with precedence applied:
 * command-line flags, then `GESTVENV_*` variables, then the user configuration file, then (for
 * the index keys) pip's configuration, then defaults (clig.dev "Configuration"). Each value
 * records its source. Which indexes apply follows from them in one place: `decideIndexes` in
 * `lib/index`.
 */
export interface ResolvedSettings {
  /** The installer backend to use (`--backend`, `GESTVENV_BACKEND`, `backend`). @default "auto" */
  backend: Setting<BackendChoice>;
  /**
   * Interpreter request (`--python`, `GESTVENV_PYTHON`, `default_python`), or undefined for the
   * first `python3` on `PATH`.
   */
  python: Setting<string | undefined>;
  /** Directory of named environments (`environments_path`). @default `<home>/environments` */
  environmentsDir: Setting<string>;
  /**
   * Primary index URL (`--index-url`, `GESTVENV_INDEX_URL`, `index_url`, pip's `index-url`);
   * undefined: PyPI.
   */
  indexUrl: Setting<string | undefined>;
  /**
   * Further index URLs (`extra_index_urls`, pip's `extra-index-url`); an empty list counts as
   * unset. @default []
   */
  extraIndexUrls: Setting<string[]>;
  /**
   * Directories or pages of distribution files (`find_links`, pip's `find-links`); an empty list
   * counts as unset. @default []
   */
  findLinks: Setting<string[]>;
  /** Configured uv binary (`GESTVENV_UV`, `uv_path`), if any. */
  uvPath: Setting<string | undefined>;
  /**
   * How long a command waits for an environment (or the registry) that another gestvenv process
   * holds, in ms; undefined waits as long as it takes (`--wait`). From `GESTVENV_LOCK_TIMEOUT` or
   * `lock_timeout` (seconds). @default 120000
   */
  lockTimeoutMs: Setting<number | undefined>;
  /**
   * Time allowed to connect to an index and get the response headers, in ms
   * (`GESTVENV_HTTP_CONNECT_TIMEOUT`, `http_connect_timeout`); undefined: the index client's
   * default.
   */
  httpConnectTimeoutMs: Setting<number | undefined>;
  /**
   * Longest silence allowed between two pieces of a response body, in ms
   * (`GESTVENV_HTTP_READ_TIMEOUT`, `http_read_timeout`); undefined: the index client's default.
   */
  httpReadTimeoutMs: Setting<number | undefined>;
  /**
   * The link mode the native installer tries first (`--link-mode`, `GESTVENV_LINK_MODE`,
   * `link_mode`); undefined lets the installer choose.
   */
  linkMode: Setting<LinkModeChoice | undefined>;
  /** The package cache's directory: `GESTVENV_CACHE_DIR`, else `cache_path`, else `<home>/cache`. */
  cacheDir: Setting<string>;
  /** Byte-compile installed modules (`--compile`), in one Python process per install. */
  compileBytecode: Setting<boolean>;
  /**
   * Never open a network connection (`--offline`, `GESTVENV_OFFLINE`, `.gestvenv.toml` or config
   * `offline_mode`): index pages, metadata and files come from the cache; `file://` indexes and
   * local find-links still work. @default false
   */
  offline: Setting<boolean>;
  /**
   * Keep downloads in the package cache (`use_cache` and `cache.enabled`; false if either is
   * false): without it each command works in a throw-away cache. @default true
   */
  useCache: Setting<boolean>;
  /**
   * Hybrid mode (`cache.fallback_to_online`): cached index pages are used even when stale, and
   * the network only for what the cache lacks. @default false
   */
  fallbackToOnline: Setting<boolean>;
  /** The size the cache is kept under, in bytes (`GESTVENV_CACHE_SIZE`, `cache.max_size`). */
  cacheMaxSize: Setting<number | undefined>;
  /** Days an unused artifact is kept (`cache.max_age`). */
  cacheMaxAgeDays: Setting<number | undefined>;
  /** Apply the size and age limits after operations (`cache.auto_cleanup`). @default false */
  cacheAutoCleanup: Setting<boolean>;
  /**
   * Days rotated operation logs are kept (`logs.retention_days`): whole days, at least 1, from the
   * user's configuration only (a project file's value is ignored with a warning). @default 90
   */
  logsRetentionDays: Setting<number>;
  /** Compression of export bundles (`cache.compression`). @default "zstd" */
  cacheCompression: Setting<"zstd" | "gzip" | "none">;
  /**
   * Sync a project's environment before `run` when its pyproject.toml changed since the last
   * sync (`GESTVENV_AUTO_SYNC`, the environment's `auto_sync`, the project's, the user's).
   * @default false
   */
  autoSync: Setting<boolean>;
  // issue 12 §1
  /** The OSV API `audit` asks (`audit.osv_url`). @default "https://api.osv.dev" */
  auditOsvUrl: Setting<string>;
  // issue 12 §5
  /** Spinner and progress bars on terminals (`general.show_progress`). @default true */
  showProgress: Setting<boolean>;
  /**
   * Unicode marks, spinner frames, bars and box tables (`GESTVENV_NO_EMOJI` set: false,
   * `general.emoji_support`). @default true
   */
  emoji: Setting<boolean>;
  /** Files the native installer downloads at once (`performance.parallel_downloads`). @default 8 */
  parallelDownloads: Setting<number>;
  /** Retries of a failed index request (`performance.max_retries`). @default 3 */
  maxRetries: Setting<number>;
  /** Colors (`ui.color_scheme`); `--no-color`, `NO_COLOR` and `FORCE_COLOR` are applied first. */
  colorScheme: Setting<"auto" | "always" | "never">;
  /** Border style of tables (`ui.table_format`). @default "square" */
  tableFormat: Setting<"square" | "rounded" | "ascii">;
  /** Progress display on terminals (`ui.progress_style`). @default "bar" */
  progressStyle: Setting<"bar" | "spinner" | "none">;
  /** `activate` notes newer versions of top-level requirements. @default false */
  checkUpdatesOnActivate: Setting<boolean>;
  /**
   * Time after which a command is aborted and rolled back, in ms (`GESTVENV_OPERATION_TIMEOUT`,
   * `operation_timeout`, seconds); undefined: no limit.
   */
  operationTimeoutMs: Setting<number | undefined>;
  /**
   * The backend used when the chosen one is unavailable (`GESTVENV_FALLBACK_BACKEND`,
   * `fallback_backend`); undefined: an error (environments made with uv fall back to native).
   */
  fallbackBackend: Setting<"native" | "pip" | undefined>;
  /**
   * Require PEP 740 attestations when verifying (`GESTVENV_VERIFY_SIGNATURES`,
   * `security.require_signatures`). @default false
   */
  requireSignatures: Setting<boolean>;
  /** The active configuration profile (`GESTVENV_PROFILE`, `active_profile`), if any. */
  profile: Setting<string | undefined>;
  // issue 12 §3: allowed sources, required hashes, strict mode (user configuration only: a
  // project's file never loosens them)
  /**
   * `security.mode` (`config set security-mode strict`): `strict` turns on the allowed sources
   * (the configured list, else {@linkcode strictDefaultSources}), required hashes and an audit
   * before every install. @default "default"
   */
  securityMode: Setting<"default" | "strict">;
  /**
   * The allow-list of sources (`security.allowed_sources`, parsed), or undefined when any source
   * is allowed. In strict mode without a list: PyPI and the indexes of the configuration file.
   */
  allowedSources: Setting<AllowedSources | undefined>;
  /**
   * `security.require_hashes` (true in strict mode): every installed file is verified by a sha256
   * known before it is fetched; pip and uv get `--require-hashes`; directories are refused.
   */
  requireHashes: Setting<boolean>;
  // issue 12 §4
  /**
   * The global hooks of the user configuration (`[hooks]` of config.toml), by event key; project
   * and environment hooks are added to them, not overridden (see `lib/hooks`). @default {}
   */
  globalHooks: Setting<Readonly<Partial<Record<HookEventKey, HookEntry[]>>>>;
  /** How long a hook may run, in ms (`hooks.timeout`, seconds). @default 60000 */
  hookTimeoutMs: Setting<number>;
}

/**
 * The sources strict mode allows when `security.allowed_sources` is not set: `pypi.org`,
 * `files.pythonhosted.org`, and the `index_url`, `extra_index_urls` and `find_links` of the
 * user's configuration file (not those of flags, variables, pip's configuration, a project or a
 * requirements file: strict mode trusts what the user configured for gestvenv).
 */
export function strictDefaultSources(config: GestvenvConfig): string[] {
  const out = ["pypi.org", "files.pythonhosted.org"];
  const add = (location: string) => {
    out.push(/^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : `file:${absolute(location)}`);
  };
  if (config.index_url !== undefined) add(config.index_url);
  for (const url of config.extra_index_urls ?? []) add(url);
  for (const link of config.find_links ?? []) add(link);
  return out;
}

/** Default of {@linkcode ResolvedSettings.parallelDownloads}. */
export const DEFAULT_PARALLEL_DOWNLOADS = 8;
/** Default of {@linkcode ResolvedSettings.maxRetries}. */
export const DEFAULT_MAX_RETRIES = 3;

/**
 * The settings a configuration profile gives (`profile activate NAME`): they sit between the
 * user configuration file and the project (see {@linkcode SettingSource}).
 */
export interface ProfileLayer {
  /** The profile's name (`dev`, `team`). */
  name: string;
  /** Its settings, as configuration keys. */
  settings: GestvenvConfig;
  /** Where it comes from, for people: `built-in` or its file. */
  origin: string;
}

/** `GESTVENV_NO_EMOJI`: a true value (`1`, `true`) prints ASCII marks (issue 12 §5). */
export const NO_EMOJI = "GESTVENV_NO_EMOJI";
/** `GESTVENV_OFFLINE_ONLY`: spec 001's name of `GESTVENV_OFFLINE` (which is read first). */
export const OFFLINE_ONLY = "GESTVENV_OFFLINE_ONLY";
/** `GESTVENV_FALLBACK_BACKEND`: as `fallback_backend` (`native` or `pip`). */
export const FALLBACK_BACKEND = "GESTVENV_FALLBACK_BACKEND";
/** `GESTVENV_VERIFY_SIGNATURES`: as `security.require_signatures`. */
export const VERIFY_SIGNATURES = "GESTVENV_VERIFY_SIGNATURES";
/** `GESTVENV_OPERATION_TIMEOUT`: as `operation_timeout` (seconds). */
export const OPERATION_TIMEOUT = "GESTVENV_OPERATION_TIMEOUT";
/** `GESTVENV_PROFILE`: the configuration profile for this command, instead of `active_profile`. */
export const PROFILE = "GESTVENV_PROFILE";

/** Default of {@linkcode ResolvedSettings.hookTimeoutMs}: one minute. */
export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;

/** Default of {@linkcode ResolvedSettings.lockTimeoutMs}: two minutes. */
export const DEFAULT_LOCK_TIMEOUT_MS = 120_000;

/**
 * Flag values that take part in settings precedence. A command that declares a flag of one of
 * these names (`--python`, `--backend`, `--index-url`, the global `--wait`) has it applied here,
 * once; the flag reaches the library only through the settings.
 */
export interface SettingsFlags {
  /** `--backend`: `auto`, `native`, `pip` or `uv`. */
  backend?: string | undefined;
  /** `--python`: an interpreter request. */
  python?: string | undefined;
  /** `--index-url`. */
  indexUrl?: string | undefined;
  /** `--extra-index-url` (repeatable). */
  extraIndexUrls?: string[] | undefined;
  /** `--find-links` (repeatable). */
  findLinks?: string[] | undefined;
  /** `--wait`: no lock timeout. */
  wait?: boolean | undefined;
  /** `--link-mode`. */
  linkMode?: string | undefined;
  /** `--compile`: byte-compile what is installed. */
  compile?: boolean | undefined;
  /** `--offline`: no network. */
  offline?: boolean | undefined;
}

/**
 * The package cache's directory and where it comes from: `GESTVENV_CACHE_DIR` (already applied
 * by `resolveHome`), else the `cache_path` key, else `<home>/cache`.
 */
export function cacheDirOf(
  home: HomeLayout,
  config: GestvenvConfig,
  env: EnvLookup = readEnv,
): Setting<string> {
  if (env(ENV_VARS.CACHE_DIR) !== undefined) {
    return { value: home.cacheDir, source: "env", origin: ENV_VARS.CACHE_DIR };
  }
  if (config.cache_path !== undefined) {
    return { value: absolute(config.cache_path), source: "config", origin: "cache_path" };
  }
  return { value: home.cacheDir, source: "default", origin: "default" };
}

/**
 * Checks a link-mode setting.
 * @throws {ConfigError} naming where the value came from when it is not a link mode.
 */
function checkLinkMode(setting: Setting<string | undefined>): Setting<LinkModeChoice | undefined> {
  const value = setting.value;
  if (value !== undefined && !(LINK_MODES as readonly string[]).includes(value)) {
    throw new ConfigError(
      `${setting.origin} is \`${value}\`, not one of ${LINK_MODES.join(", ")}`,
      { hint: "Use `clone`, `hardlink` or `copy`" },
    );
  }
  return setting as Setting<LinkModeChoice | undefined>;
}

/** Options for {@linkcode resolveSettings}. */
export interface ResolveSettingsOptions {
  /** Command-line flags. @default {} */
  flags?: SettingsFlags;
  /** Environment lookup. @default readEnv */
  env?: EnvLookup;
  /**
   * pip's index configuration (`readPipIndexSettings`), the source `pip` of the index keys.
   * @default none: pip's configuration is not consulted
   */
  pip?: IndexSettings | undefined;
  /**
   * The project's settings (`loadProjectSettings(...).config`), the source `project`.
   * @default none
   */
  project?: GestvenvConfig | undefined;
  /**
   * For each key of `project`, the file that set it (`ProjectSettings.origins`), named in the
   * settings' `origin`. @default the key alone
   */
  projectOrigins?: ReadonlyMap<string, string> | undefined;
  /** The active configuration profile's settings (`loadActiveProfile`). @default none */
  profile?: ProfileLayer | undefined;
}

/** The first source that has a value, else the default. */
function pick<T>(
  candidates: ReadonlyArray<readonly [SettingSource, string, T | undefined]>,
  fallback: T,
): Setting<T> {
  for (const [source, origin, value] of candidates) {
    if (value !== undefined) return { value, source, origin };
  }
  return { value: fallback, source: "default", origin: "default" };
}

/** A timeout in seconds from a variable or a config key, as ms. */
function seconds(
  env: EnvLookup,
  variable: string,
  config: GestvenvConfig,
  key: "lock_timeout" | "http_connect_timeout" | "http_read_timeout",
  fallback: number | undefined,
): Setting<number | undefined> {
  const fromEnv = env(variable);
  if (fromEnv !== undefined) {
    return { value: parseTimeoutSeconds(fromEnv, variable), source: "env", origin: variable };
  }
  const fromFile = config[key];
  if (fromFile !== undefined) {
    return { value: parseTimeoutSeconds(fromFile, `\`${key}\``), source: "config", origin: key };
  }
  return { value: fallback, source: "default", origin: "default" };
}

/**
 * Applies precedence (flags > environment > config file > defaults), recording each value's
 * source. Requires `--allow-env`.
 * @throws {ConfigError} when a timeout (`GESTVENV_HTTP_*_TIMEOUT`, `http_*_timeout`,
 *   `GESTVENV_LOCK_TIMEOUT`, `lock_timeout`) is not a positive number of seconds.
 */
export function resolveSettings(
  home: HomeLayout,
  config: GestvenvConfig,
  options: ResolveSettingsOptions = {},
): ResolvedSettings {
  const layer = options.profile;
  if (layer === undefined) return resolveLayers(home, config, options);
  // The profile's keys count as the configuration file's, then are labelled as the profile's.
  const merged = { ...config, ...layer.settings } as GestvenvConfig;
  const settings = resolveLayers(home, merged, options) as unknown as Record<
    string,
    Setting<unknown>
  >;
  const keys = new Set(Object.keys(layer.settings));
  for (const [name, setting] of Object.entries(settings)) {
    // Origins are the key (`backend`) or the key and its file (`security.mode (…/config.toml)`).
    const key = setting.origin.replace(/ \(.*\)$/s, "");
    if (setting.source === "config" && keys.has(key)) {
      settings[name] = {
        value: setting.value,
        source: "profile",
        origin: layer.name,
      };
    }
  }
  return settings as unknown as ResolvedSettings;
}

function resolveLayers(
  home: HomeLayout,
  config: GestvenvConfig,
  options: ResolveSettingsOptions,
): ResolvedSettings {
  const { flags = {}, env = readEnv, pip, project = {}, projectOrigins } = options;
  /** A project key's origin: `key (file)`. */
  const fromProject = (key: ConfigKey): string => {
    const file = projectOrigins?.get(key);
    return file === undefined ? key : `${key} (${file})`;
  };
  /** A switch from a variable, the project file or the config file (in that order). */
  const switchOf = (
    key:
      | "offline_mode"
      | "use_cache"
      | "cache.enabled"
      | "cache.auto_cleanup"
      | "cache.fallback_to_online"
      | "auto_sync"
      | "general.show_progress"
      | "general.emoji_support"
      | "check_updates_on_activate"
      | "security.require_signatures",
    fallback: boolean,
    variable?: string | string[],
    flag?: boolean,
  ): Setting<boolean> => {
    if (flag) return { value: true, source: "flag", origin: "--offline" };
    for (const name of variable === undefined ? [] : [variable].flat()) {
      const fromEnv = env(name);
      if (fromEnv !== undefined) {
        return { value: parseSwitch(fromEnv, name), source: "env", origin: name };
      }
    }
    if (project[key] !== undefined) {
      return {
        value: parseSwitch(
          project[key],
          `\`${key}\` of ${projectOrigins?.get(key) ?? "the project"}`,
        ),
        source: "project",
        origin: fromProject(key),
      };
    }
    if (config[key] !== undefined) {
      return { value: parseSwitch(config[key], `\`${key}\``), source: "config", origin: key };
    }
    return { value: fallback, source: "default", origin: "default" };
  };
  const useCache = switchOf("use_cache", true);
  const cacheEnabled = switchOf("cache.enabled", true);
  const maxSizeEnv = env(ENV_VARS.CACHE_SIZE);
  /** A key from the project, else the user configuration, parsed; else the default. */
  const fileValue = <T>(
    key: "cache.max_size" | "cache.max_age" | "cache.compression" | "logs.retention_days",
    read: (value: NonNullable<GestvenvConfig[typeof key]>, where: string) => T,
    fallback: T,
  ): Setting<T> => {
    const inProject = project[key];
    if (inProject !== undefined) {
      return {
        value: read(inProject, `\`${key}\` of ${projectOrigins?.get(key) ?? "the project"}`),
        source: "project",
        origin: fromProject(key),
      };
    }
    const inConfig = config[key];
    if (inConfig !== undefined) {
      return { value: read(inConfig, `\`${key}\``), source: "config", origin: key };
    }
    return { value: fallback, source: "default", origin: "default" };
  };
  const list = (value: string[] | undefined) => value?.length ? value : undefined;
  /** A key from a variable (when it has one), the project or the user configuration, parsed. */
  const configValue = <K extends ConfigKey, T>(
    key: K,
    read: (value: NonNullable<GestvenvConfig[K]>, where: string) => T,
    fallback: T,
    variable?: string,
  ): Setting<T> => {
    const fromEnv = variable === undefined ? undefined : env(variable);
    if (fromEnv !== undefined) {
      return {
        value: read(fromEnv as NonNullable<GestvenvConfig[K]>, variable!),
        source: "env",
        origin: variable!,
      };
    }
    const inProject = project[key];
    if (inProject !== undefined && inProject !== null) {
      return {
        value: read(
          inProject as NonNullable<GestvenvConfig[K]>,
          `\`${key}\` of ${projectOrigins?.get(key) ?? "the project"}`,
        ),
        source: "project",
        origin: fromProject(key),
      };
    }
    const inConfig = config[key];
    if (inConfig !== undefined && inConfig !== null) {
      return {
        value: read(inConfig as NonNullable<GestvenvConfig[K]>, `\`${key}\``),
        source: "config",
        origin: key,
      };
    }
    return { value: fallback, source: "default", origin: "default" };
  };
  /** A `choice` key's value, checked (a variable's value is checked here too). */
  const choice =
    <T extends string>(allowed: readonly T[]) => (value: unknown, where: string): T => {
      if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
        throw new ConfigError(`Invalid value \`${String(value)}\` in ${where}`, {
          hint: `Use one of: ${allowed.join(", ")}`,
        });
      }
      return value as T;
    };
  const noEmoji = env(NO_EMOJI);
  return {
    backend: pick<BackendChoice>([
      ["flag", "--backend", flags.backend as BackendChoice | undefined],
      ["env", ENV_VARS.BACKEND, env(ENV_VARS.BACKEND) as BackendChoice | undefined],
      ["project", fromProject("backend"), project.backend],
      ["config", "backend", config.backend],
    ], "auto"),
    python: pick<string | undefined>([
      ["flag", "--python", flags.python],
      ["env", ENV_VARS.PYTHON, env(ENV_VARS.PYTHON)],
      ["project", fromProject("default_python"), project.default_python],
      ["config", "default_python", config.default_python],
    ], undefined),
    environmentsDir: pick([
      [
        "config",
        "environments_path",
        config.environments_path === undefined ? undefined : absolute(config.environments_path),
      ],
    ], home.environmentsDir),
    indexUrl: pick<string | undefined>([
      ["flag", "--index-url", flags.indexUrl],
      ["env", ENV_VARS.INDEX_URL, env(ENV_VARS.INDEX_URL)],
      ["project", fromProject("index_url"), project.index_url],
      ["config", "index_url", config.index_url],
      ["pip", "index-url", pip?.indexUrl],
    ], undefined),
    extraIndexUrls: pick<string[]>([
      ["flag", "--extra-index-url", list(flags.extraIndexUrls)],
      ["project", fromProject("extra_index_urls"), list(project.extra_index_urls)],
      ["config", "extra_index_urls", list(config.extra_index_urls)],
      ["pip", "extra-index-url", list(pip?.extraIndexUrls)],
    ], []),
    findLinks: pick<string[]>([
      ["flag", "--find-links", list(flags.findLinks)],
      ["project", fromProject("find_links"), list(project.find_links)],
      ["config", "find_links", list(config.find_links)],
      ["pip", "find-links", list(pip?.findLinks)],
    ], []),
    uvPath: pick<string | undefined>([
      ["env", ENV_VARS.UV, env(ENV_VARS.UV)],
      ["config", "uv_path", config.uv_path],
    ], undefined),
    // issue 12 §1
    auditOsvUrl: pick<string>(
      [["config", "audit.osv_url", config["audit.osv_url"]]],
      "https://api.osv.dev",
    ),
    lockTimeoutMs: flags.wait
      ? { value: undefined, source: "flag", origin: "--wait" }
      : seconds(env, ENV_VARS.LOCK_TIMEOUT, config, "lock_timeout", DEFAULT_LOCK_TIMEOUT_MS),
    httpConnectTimeoutMs: seconds(
      env,
      ENV_VARS.HTTP_CONNECT_TIMEOUT,
      config,
      "http_connect_timeout",
      undefined,
    ),
    httpReadTimeoutMs: seconds(
      env,
      ENV_VARS.HTTP_READ_TIMEOUT,
      config,
      "http_read_timeout",
      undefined,
    ),
    cacheDir: cacheDirOf(home, config, env),
    compileBytecode: pick<boolean>(
      [["flag", "--compile", flags.compile ? true : undefined]],
      false,
    ),
    offline: switchOf("offline_mode", false, [ENV_VARS.OFFLINE, OFFLINE_ONLY], flags.offline),
    useCache: useCache.value ? cacheEnabled : useCache,
    fallbackToOnline: switchOf("cache.fallback_to_online", false),
    cacheAutoCleanup: switchOf("cache.auto_cleanup", false),
    cacheMaxSize: maxSizeEnv !== undefined
      ? {
        value: parseSize(maxSizeEnv, ENV_VARS.CACHE_SIZE),
        source: "env",
        origin: ENV_VARS.CACHE_SIZE,
      }
      : fileValue("cache.max_size", parseSize, undefined as number | undefined),
    cacheMaxAgeDays: fileValue("cache.max_age", parseDays, undefined as number | undefined),
    // The operation log belongs to the home: a project file never sets its retention.
    logsRetentionDays: config["logs.retention_days"] === undefined
      ? { value: 90, source: "default", origin: "default" }
      : {
        value: parseWholeDays(config["logs.retention_days"], "`logs.retention_days`"),
        source: "config",
        origin: "logs.retention_days",
      },
    // issue 12 §4: only the user's configuration holds global hooks and their timeout.
    globalHooks: globalHooksOf(config),
    hookTimeoutMs: config["hooks.timeout"] === undefined
      ? { value: DEFAULT_HOOK_TIMEOUT_MS, source: "default", origin: "default" }
      : {
        value: parseTimeoutSeconds(config["hooks.timeout"], "`hooks.timeout`"),
        source: "config",
        origin: "hooks.timeout",
      },
    cacheCompression: fileValue(
      "cache.compression",
      (value) => value as "zstd" | "gzip" | "none",
      "zstd" as const,
    ),
    autoSync: switchOf("auto_sync", false, ENV_VARS.AUTO_SYNC),
    // issue 12 §5
    showProgress: switchOf("general.show_progress", true),
    // `GESTVENV_NO_EMOJI=1` (or `true`) turns them off; `=0`/`false` is ignored.
    emoji: noEmoji !== undefined && parseSwitch(noEmoji, NO_EMOJI)
      ? { value: false, source: "env", origin: NO_EMOJI }
      : switchOf("general.emoji_support", true),
    parallelDownloads: configValue(
      "performance.parallel_downloads",
      (v, where) => parseCount(v, where, 1, 64),
      DEFAULT_PARALLEL_DOWNLOADS,
    ),
    maxRetries: configValue(
      "performance.max_retries",
      (v, where) => parseCount(v, where, 0, 10),
      DEFAULT_MAX_RETRIES,
    ),
    colorScheme: configValue(
      "ui.color_scheme",
      choice(["auto", "always", "never"] as const),
      "auto" as const,
    ),
    tableFormat: configValue(
      "ui.table_format",
      choice(["square", "rounded", "ascii"] as const),
      "square" as const,
    ),
    progressStyle: configValue(
      "ui.progress_style",
      choice(["bar", "spinner", "none"] as const),
      "bar" as const,
    ),
    checkUpdatesOnActivate: switchOf("check_updates_on_activate", false),
    operationTimeoutMs: configValue(
      "operation_timeout",
      (v, where) => parseTimeoutSeconds(v, where) as number | undefined,
      undefined,
      OPERATION_TIMEOUT,
    ),
    fallbackBackend: configValue(
      "fallback_backend",
      (v, where) => choice(["native", "pip"] as const)(v, where) as "native" | "pip" | undefined,
      undefined,
      FALLBACK_BACKEND,
    ),
    requireSignatures: switchOf("security.require_signatures", false, VERIFY_SIGNATURES),
    profile: options.profile !== undefined
      ? {
        value: options.profile.name,
        source: env(PROFILE) !== undefined ? "env" : "config",
        origin: env(PROFILE) !== undefined ? PROFILE : "active_profile",
      }
      : { value: undefined, source: "default", origin: "default" },
    ...securitySettings(home, config),
    linkMode: checkLinkMode(
      pick<string | undefined>([
        ["flag", "--link-mode", flags.linkMode],
        ["env", ENV_VARS.LINK_MODE, env(ENV_VARS.LINK_MODE)],
        ["config", "link_mode", config.link_mode],
      ], undefined),
    ),
  };
}

/**
 * The `security.*` settings (issue 12 §3), from the user's configuration file only.
 * @throws {ConfigError} for an entry of `security.allowed_sources` that is no source.
 */
function securitySettings(
  home: HomeLayout,
  config: GestvenvConfig,
): Pick<ResolvedSettings, "securityMode" | "allowedSources" | "requireHashes"> {
  const inFile = (key: string) => `${key} (${home.configFile})`;
  const mode = config["security.mode"];
  const securityMode: Setting<"default" | "strict"> = mode === undefined
    ? { value: "default", source: "default", origin: "default" }
    : { value: mode, source: "config", origin: inFile("security.mode") };
  const strict = securityMode.value === "strict";
  const listed = config["security.allowed_sources"];
  let allowedSources: Setting<AllowedSources | undefined>;
  if (listed !== undefined) {
    const origin = inFile("security.allowed_sources");
    allowedSources = { value: parseAllowedSources(listed, origin), source: "config", origin };
  } else if (strict) {
    const origin = `security.mode = strict (${home.configFile}; no security.allowed_sources)`;
    allowedSources = {
      value: parseAllowedSources(strictDefaultSources(config), origin),
      source: "config",
      origin,
    };
  } else {
    allowedSources = { value: undefined, source: "default", origin: "default" };
  }
  const hashes = config["security.require_hashes"];
  const requireHashes: Setting<boolean> = hashes !== undefined &&
      parseSwitch(hashes, "`security.require_hashes`")
    ? { value: true, source: "config", origin: inFile("security.require_hashes") }
    : strict
    ? { value: true, source: "config", origin: inFile("security.mode") }
    : {
      value: false,
      source: hashes === undefined ? "default" : "config",
      origin: hashes === undefined ? "default" : inFile("security.require_hashes"),
    };
  return { securityMode, allowedSources, requireHashes };
}

/**
 * Resolves the settings with pip's index configuration and the project's `.gestvenv.toml` (the
 * nearest one from the current directory) as sources (see {@linkcode resolveSettings}). Requires
 * `--allow-read` and `--allow-env`.
 * @throws {ConfigError} as {@linkcode resolveSettings}.
 */
export async function loadSettings(
  home: HomeLayout,
  config: GestvenvConfig,
  options: Omit<ResolveSettingsOptions, "pip" | "project"> = {},
): Promise<ResolvedSettings> {
  const pip = await readPipIndexSettings(options.env);
  const project = await loadProjectSettings();
  return resolveSettings(home, config, {
    ...options,
    pip,
    project: project?.config,
    projectOrigins: project?.origins,
  });
}

/**
 * `setting` with an environment's own value (`config set-env ENV KEY VALUE`, kept in its record)
 * applied: it beats the project, the user configuration and the default, and yields to a flag or
 * a `GESTVENV_*` variable.
 *
 * @param value The environment's value; undefined leaves `setting` as it is.
 * @param origin Where it is kept, for people: `auto_sync of environment web`.
 */
export function withEnvironmentValue<T>(
  setting: Setting<T>,
  value: T | undefined,
  origin: string,
): Setting<T> {
  if (value === undefined || setting.source === "flag" || setting.source === "env") return setting;
  return { value, source: "environment", origin };
}

/**
 * The network timeouts and retry count of `settings` (undefined fields: the index client's
 * defaults), spread into every `HttpClient` gestvenv builds.
 */
export function httpTimeouts(settings: ResolvedSettings): HttpTimeouts {
  return {
    connectTimeoutMs: settings.httpConnectTimeoutMs.value,
    readTimeoutMs: settings.httpReadTimeoutMs.value,
    retries: settings.maxRetries?.value,
  };
}

/** The `[hooks]` event keys of the user configuration, checked (issue 12 §4). */
function globalHooksOf(
  config: GestvenvConfig,
): Setting<Readonly<Partial<Record<HookEventKey, HookEntry[]>>>> {
  const hooks: Partial<Record<HookEventKey, HookEntry[]>> = {};
  for (const key of HOOK_EVENT_KEYS) {
    const value = config[`hooks.${key}`];
    if (value !== undefined) hooks[key] = hookEntriesOf(value, `\`hooks.${key}\``);
  }
  return Object.keys(hooks).length === 0
    ? { value: hooks, source: "default", origin: "default" }
    : { value: hooks, source: "config", origin: "hooks" };
}
