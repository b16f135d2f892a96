import { absolute, ENV_VARS, type EnvLookup, type HomeLayout, readEnv } from "../paths/mod.ts";
import type { GestvenvConfig } from "./config_schema.ts";
import type { IndexSettings } from "./pip_config.ts";
import { parseTimeoutSeconds, resolveHttpTimeouts } from "./http_settings.ts";
import { ConfigError } from "../errors/mod.ts";

/** Backend choice: `native` is gestvenv's own installer, and what `auto` means. */
export type BackendChoice = "auto" | "native" | "pip" | "uv";

/** How the native installer puts cached files into environments. */
export type LinkModeChoice = "clone" | "hardlink" | "copy";

const LINK_MODES: readonly LinkModeChoice[] = ["clone", "hardlink", "copy"];

/**
 * Settings after precedence is applied: command-line flags, then `GESTVENV_*` variables, then the
 * user configuration file, then defaults (clig.dev "Configuration").
 */
export interface ResolvedSettings {
  /** The installer backend to use. */
  backend: BackendChoice;
  /** Interpreter request when `--python` is absent, or undefined for the default interpreter. */
  python: string | undefined;
  /** Directory of named environments. */
  environmentsDir: string;
  /** gestvenv's own index overrides; empty fields mean "let pip's configuration decide". */
  index: IndexSettings;
  /** Configured uv binary, if any. */
  uvPath: string | undefined;
  /**
   * How long a command waits for an environment (or the registry) that another gestvenv process
   * holds, in ms; undefined waits as long as it takes (`--wait`). From `GESTVENV_LOCK_TIMEOUT` or
   * `lock_timeout` (seconds). @default 120000
   */
  lockTimeoutMs: number | undefined;
  /**
   * The link mode the native installer tries first (`--link-mode`, `GESTVENV_LINK_MODE`,
   * `link_mode`); undefined lets the installer choose.
   */
  linkMode: LinkModeChoice | undefined;
}

/** Default of {@linkcode ResolvedSettings.lockTimeoutMs}: two minutes. */
export const DEFAULT_LOCK_TIMEOUT_MS = 120_000;

/** Flag values that take part in settings precedence. */
export interface SettingsFlags {
  /** `--backend`: `auto`, `pip` or `uv`. */
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
}

/** The link mode: `--link-mode`, else `GESTVENV_LINK_MODE`, else `link_mode`. */
function linkMode(
  flag: string | undefined,
  config: GestvenvConfig,
  env: EnvLookup,
): LinkModeChoice | undefined {
  const [value, source] = flag !== undefined
    ? [flag, "--link-mode"]
    : env(ENV_VARS.LINK_MODE) !== undefined
    ? [env(ENV_VARS.LINK_MODE)!, ENV_VARS.LINK_MODE]
    : [config.link_mode, "`link_mode`"];
  if (value === undefined) return undefined;
  if (!(LINK_MODES as readonly string[]).includes(value)) {
    throw new ConfigError(`${source} is \`${value}\`, not one of ${LINK_MODES.join(", ")}`, {
      hint: "Use `clone`, `hardlink` or `copy`",
    });
  }
  return value as LinkModeChoice;
}

/** Options for {@linkcode resolveSettings}. */
export interface ResolveSettingsOptions {
  /** Command-line flags. @default {} */
  flags?: SettingsFlags;
  /** Environment lookup. @default readEnv */
  env?: EnvLookup;
}

/** The lock timeout in ms: `GESTVENV_LOCK_TIMEOUT`, else `lock_timeout`, else the default. */
function lockTimeout(config: GestvenvConfig, env: EnvLookup): number {
  const fromEnv = env(ENV_VARS.LOCK_TIMEOUT);
  if (fromEnv !== undefined) return parseTimeoutSeconds(fromEnv, ENV_VARS.LOCK_TIMEOUT);
  if (config.lock_timeout !== undefined) {
    return parseTimeoutSeconds(config.lock_timeout, "`lock_timeout`");
  }
  return DEFAULT_LOCK_TIMEOUT_MS;
}

/**
 * Applies precedence (flags > environment > config file > defaults). Requires `--allow-env`.
 * @throws {ConfigError} when a timeout (`GESTVENV_HTTP_*_TIMEOUT`, `http_*_timeout`,
 *   `GESTVENV_LOCK_TIMEOUT`, `lock_timeout`) is not a positive number of seconds.
 */
export function resolveSettings(
  home: HomeLayout,
  config: GestvenvConfig,
  options: ResolveSettingsOptions = {},
): ResolvedSettings {
  const { flags = {}, env = readEnv } = options;
  const backend =
    (flags.backend ?? env(ENV_VARS.BACKEND) ?? config.backend ?? "auto") as BackendChoice;
  const indexUrl = flags.indexUrl ?? env(ENV_VARS.INDEX_URL) ?? config.index_url;
  return {
    backend,
    python: flags.python ?? env(ENV_VARS.PYTHON) ?? config.default_python,
    environmentsDir: config.environments_path === undefined
      ? home.environmentsDir
      : absolute(config.environments_path),
    index: {
      indexUrl,
      extraIndexUrls: flags.extraIndexUrls ?? config.extra_index_urls ?? [],
      findLinks: flags.findLinks ?? config.find_links ?? [],
      http: resolveHttpTimeouts(config, env),
    },
    uvPath: env(ENV_VARS.UV) ?? config.uv_path,
    lockTimeoutMs: flags.wait ? undefined : lockTimeout(config, env),
    linkMode: linkMode(flags.linkMode, config, env),
  };
}
