/**
 * Every environment variable gestvenv reads, declared once (uv's `uv-static` pattern).
 *
 * @module
 */

/** Names of the environment variables gestvenv reads. */
export const ENV_VARS = {
  /** Moves gestvenv's whole home (default `~/.gestvenv`): config, registry, environments, cache. */
  HOME: "GESTVENV_HOME",
  /**
   * Moves the package cache (default `<GESTVENV_HOME>/cache`): downloaded artifacts, unpacked
   * wheels, index pages, interpreter probes.
   */
  CACHE_DIR: "GESTVENV_CACHE_DIR",
  /** Spec 001's name for {@linkcode ENV_VARS.CACHE_DIR} (which wins when both are set). */
  CACHE_PATH: "GESTVENV_CACHE_PATH",
  /** Size the cache is kept under (as `cache.max_size`): `5GB`, `500MB`. */
  CACHE_SIZE: "GESTVENV_CACHE_SIZE",
  /** Never use the network (as `--offline`): `1`/`true`/`yes`, or `0`/`false`/`no`. */
  OFFLINE: "GESTVENV_OFFLINE",
  /** Sync a project's environment before `run` when its pyproject.toml changed (`auto_sync`). */
  AUTO_SYNC: "GESTVENV_AUTO_SYNC",
  /** Installer backend: `auto`, `pip` or `uv`; overrides the config file. */
  BACKEND: "GESTVENV_BACKEND",
  /** Path of the `uv` binary to use for the uv backend. */
  UV: "GESTVENV_UV",
  /** Default interpreter request (as `--python`) when a command gets none. */
  PYTHON: "GESTVENV_PYTHON",
  /** Any non-empty value disables colors (as `NO_COLOR`). */
  NO_COLOR: "GESTVENV_NO_COLOR",
  /** Set by the `shell-init` function so that `activate` knows it is being evaluated. */
  SHELL_INTEGRATION: "GESTVENV_SHELL_INTEGRATION",
  /** Primary package index for installs; overrides pip's own configuration. */
  INDEX_URL: "GESTVENV_INDEX_URL",
  /** Seconds to wait for an environment another gestvenv process holds (as `lock_timeout`). */
  LOCK_TIMEOUT: "GESTVENV_LOCK_TIMEOUT",
  /** How the native installer puts files into environments: `clone`, `hardlink`, `copy`. */
  LINK_MODE: "GESTVENV_LINK_MODE",
  /** Seconds allowed to connect to an index and get its answer's headers (`http_connect_timeout`). */
  HTTP_CONNECT_TIMEOUT: "GESTVENV_HTTP_CONNECT_TIMEOUT",
  /** Seconds of silence allowed while an index sends a body (`http_read_timeout`). */
  HTTP_READ_TIMEOUT: "GESTVENV_HTTP_READ_TIMEOUT",
  /** Names failpoints for crash tests (`lib/fs/failpoint.ts`); never set in normal use. */
  FAILPOINT: "GESTVENV_FAILPOINT",
} as const;

/** Reads an environment variable; empty values count as unset. Requires `--allow-env`. */
export function readEnv(name: string): string | undefined {
  const value = Deno.env.get(name);
  return value === undefined || value === "" ? undefined : value;
}

/** Looks up an environment variable; `readEnv` by default, a map in tests. */
export type EnvLookup = (name: string) => string | undefined;
