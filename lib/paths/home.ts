import { join } from "./path.ts";
import { ENV_VARS, type EnvLookup, readEnv } from "./env_vars.ts";

/** The files and folders of gestvenv's home, all absolute. */
export interface HomeLayout {
  /** The home itself: `$GESTVENV_HOME` or `~/.gestvenv`. */
  root: string;
  /** User configuration, TOML: `<root>/config.toml`. */
  configFile: string;
  /** The environment registry, JSON: `<root>/environments.json`. */
  registryFile: string;
  /** Default parent of named environments: `<root>/environments`. */
  environmentsDir: string;
  /**
   * The cache root (artifacts, unpacked wheels, index pages, interpreter probes):
   * `$GESTVENV_CACHE_DIR` (made absolute) or `<root>/cache`.
   */
  cacheDir: string;
  /** Lock files for per-environment operations: `<root>/locks`. */
  locksDir: string;
}

/**
 * The user's home directory (`HOME`, or `USERPROFILE` on Windows).
 *
 * @throws {Error} If neither variable is set.
 */
export function userHomeDir(env: EnvLookup = readEnv): string {
  const home = env("HOME") ?? env("USERPROFILE");
  if (home === undefined) throw new Error("Cannot find the home directory: HOME is not set");
  return home;
}

/**
 * Resolves gestvenv's home layout: `GESTVENV_HOME` if set (made absolute), else `~/.gestvenv`;
 * the cache moves on its own with `GESTVENV_CACHE_DIR` (or spec 001's `GESTVENV_CACHE_PATH`).
 * Nothing is created on disk. Requires `--allow-env`.
 */
export function resolveHome(env: EnvLookup = readEnv): HomeLayout {
  const override = env(ENV_VARS.HOME);
  const cacheOverride = env(ENV_VARS.CACHE_DIR) ?? env(ENV_VARS.CACHE_PATH);
  const root = override !== undefined
    ? absolute(override, env)
    : join(userHomeDir(env), ".gestvenv");
  return {
    root,
    configFile: join(root, "config.toml"),
    registryFile: join(root, "environments.json"),
    environmentsDir: join(root, "environments"),
    cacheDir: cacheOverride !== undefined ? absolute(cacheOverride, env) : join(root, "cache"),
    locksDir: join(root, "locks"),
  };
}

/** Makes `path` absolute against the current directory, expanding a leading `~`. */
export function absolute(path: string, env: EnvLookup = readEnv): string {
  let p = path;
  if (p === "~" || p.startsWith("~/")) p = userHomeDir(env) + p.slice(1);
  if (/^([a-zA-Z]:[\\/]|[\\/])/.test(p)) return p;
  return join(Deno.cwd(), p);
}
