/**
 * The on-disk formats of Python gestvenv, read from its own source as published on PyPI
 * (`pip download gestvenv==<v> --no-deps`):
 *
 * - **2.x** (2.0.0, 2.0.3; `gestvenv/core/models.py` `Config.save`/`EnvironmentInfo.to_dict`,
 *   `core/config_manager.py`, `core/environment_manager.py`): the home `~/.gestvenv/` holds
 *   `config.json`, flat: `{version, auto_migrate, default_python_version, environments_path,
 *   preferred_backend, backend_configs, cache_settings: {enabled, max_size_mb,
 *   cleanup_interval_days, compression}, show_migration_hints, offline_mode, template_settings}`;
 *   its `services/migration_service.py` also writes a nested variant (`paths.environments_path`,
 *   `backends.preferred_backend`, `cache.{enabled, max_size_mb, …, offline_mode}`, `interface`,
 *   `migration`). Each environment is `<environments_path>/<name>/` (default
 *   `~/.gestvenv/environments`) with `.gestvenv-metadata.json`: `{name, path, python_version,
 *   backend_type (auto|pip|uv|poetry|pdm), source_file_type, pyproject_info, packages: [{name,
 *   version, …}], dependency_groups, lock_file_path, health, is_active, created_at, updated_at,
 *   last_used, metadata}` (times are Python `datetime.isoformat()`, local, no zone).
 * - **1.x** (1.1.1; `gestvenv/core/config_manager.py`, `core/models.py` `ConfigInfo.to_dict`):
 *   one `config.json` (`~/.config/gestvenv/config.json`; 2.x's migration looks for it in
 *   `~/.gestvenv_v1/`): `{environments: {<name>: {name, path, python_version, created_at,
 *   packages: ["name==version"], packages_installed: [{name, version, …}], health, active,
 *   metadata}}, active_env, default_python, settings: {auto_activate, package_cache_enabled, …}}`.
 *
 * @module
 */
import type { GestvenvConfig } from "../config/mod.ts";
import { type EnvLookup, join, userHomeDir } from "../paths/mod.ts";

/** A JSON object, or undefined when the text is not one. A UTF-8 BOM is skipped. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const doc = JSON.parse(text.replace(/^\uFEFF/, ""));
    return doc !== null && typeof doc === "object" && !Array.isArray(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a JSON object file as Python reads it (a UTF-8 BOM is skipped, as `utf-8-sig` does):
 * `{ config }`, `{ problem }` saying why it cannot be used (unreadable, not JSON, not an
 * object), or `{}` when there is no such file.
 */
export async function readJsonObjectChecked(
  path: string,
): Promise<{ config?: Record<string, unknown>; problem?: string }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    return { problem: `it cannot be read (${(error as Error).message})` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    return { problem: `it is not valid JSON (${(error as Error).message})` };
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return {
      problem: `it is JSON but not an object (${Array.isArray(doc) ? "an array" : typeof doc})`,
    };
  }
  return { config: doc as Record<string, unknown> };
}

/** Reads a JSON object file; undefined when absent or not a JSON object. */
export async function readJsonObject(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return parseObject(await Deno.readTextFile(path));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The Python gestvenv 2.x home: `~/.gestvenv`. */
export function gestvenv2Home(env: EnvLookup): string {
  return join(userHomeDir(env), ".gestvenv");
}

/**
 * The environments folder a Python gestvenv 2.x `config.json` names (flat `environments_path` or
 * nested `paths.environments_path`), else `<home>/environments`. `~` is expanded.
 */
export function gestvenv2EnvironmentsPath(
  config: Record<string, unknown> | undefined,
  home: string,
  env: EnvLookup,
): string {
  const paths = isObject(config?.paths) ? config.paths : undefined;
  const named = config?.environments_path ?? paths?.environments_path;
  if (typeof named !== "string" || named === "") return join(home, "environments");
  if (named === "~" || named.startsWith("~/")) return userHomeDir(env) + named.slice(1);
  return named;
}

/** The Python gestvenv 1.x configuration files, most likely first. */
export function gestvenv1ConfigFiles(env: EnvLookup): string[] {
  const home = userHomeDir(env);
  const files = [join(home, ".gestvenv_v1", "config.json")];
  const appData = env("APPDATA");
  files.push(
    Deno.build.os === "windows" && appData !== undefined
      ? join(appData, "GestVenv", "config.json")
      : join(home, ".config", "gestvenv", "config.json"),
  );
  return files;
}

/** One environment a Python gestvenv 1.x `config.json` lists. */
export interface Gestvenv1Entry {
  /** Its name (the table key). */
  name: string;
  /** Its recorded path. */
  path: string;
  /** The entry as recorded. */
  metadata: Record<string, unknown>;
}

/** The environments a 1.x `config.json` lists (`environments: {name: {path, …}}`). */
export function gestvenv1Entries(config: Record<string, unknown>): Gestvenv1Entry[] {
  const environments = config.environments;
  if (!isObject(environments)) return [];
  const out: Gestvenv1Entry[] = [];
  for (const [name, value] of Object.entries(environments)) {
    if (isObject(value) && typeof value.path === "string" && value.path !== "") {
      out.push({ name, path: value.path, metadata: value });
    }
  }
  return out;
}

/** What a Python gestvenv configuration becomes in gestvenv's `config.toml`. */
export interface ConfigMapping {
  /** Our keys and their values (`default_python`, `backend`, `offline_mode`, `cache.*`, …). */
  values: Partial<Record<keyof GestvenvConfig, string | boolean>>;
  /** The keys of the old file that have no meaning here (dotted for nested ones), sorted. */
  notCarried: string[];
}

const VERSION_REQUEST = /^(python)?\d+\.\d+(\.\d+)?$/;

function carryBool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

/**
 * Maps a Python gestvenv 2.x (flat or nested) or 1.x `config.json` onto gestvenv's keys, where a
 * setting has a meaning here: the default Python (a version such as `3.11`, or an absolute
 * path), the backend (`pip`, `uv`, `auto`; poetry and pdm are not backends here), offline mode,
 * `cache.enabled` and `cache.max_size` (from `max_size_mb`). Everything else is listed in
 * `notCarried`. `environments_path` is carried when it differs from `defaultEnvironments` (the
 * old tool's own default folder).
 */
export function mapPythonGestvenvConfig(
  config: Record<string, unknown>,
  defaultEnvironments: string,
): ConfigMapping {
  const values: ConfigMapping["values"] = {};
  const notCarried: string[] = [];
  const used = new Set<string>();
  const take = (key: string) => used.add(key);
  // The default Python: 2.x `default_python_version`, 1.x `default_python` ("python3" is a command
  // name, not a request with a meaning of its own: it is our default already).
  for (const key of ["default_python_version", "default_python"]) {
    const value = config[key];
    if (typeof value !== "string") continue;
    take(key);
    if (value === "python3" || value === "python") continue; // the default here too
    if (value.startsWith("/")) values.default_python = value;
    else if (VERSION_REQUEST.test(value)) values.default_python = value.replace(/^python/, "");
    else notCarried.push(key);
  }
  const backends = isObject(config.backends) ? config.backends : undefined;
  const backend = config.preferred_backend ?? backends?.preferred_backend;
  if (backend !== undefined) {
    take(config.preferred_backend !== undefined ? "preferred_backend" : "backends");
    if (backend === "pip" || backend === "uv" || backend === "auto") values.backend = backend;
    else {notCarried.push(
        config.preferred_backend !== undefined ? "preferred_backend" : "backends.preferred_backend",
      );}
  }
  if (backends !== undefined) {
    for (const key of Object.keys(backends)) {
      if (key !== "preferred_backend") notCarried.push(`backends.${key}`);
    }
  }
  const cache = isObject(config.cache_settings)
    ? { obj: config.cache_settings, prefix: "cache_settings" }
    : isObject(config.cache)
    ? { obj: config.cache, prefix: "cache" }
    : undefined;
  if (cache !== undefined) {
    take(cache.prefix);
    for (const [key, value] of Object.entries(cache.obj)) {
      if (key === "enabled" && carryBool(value) !== undefined) {
        values["cache.enabled"] = value as boolean;
      } else if (key === "offline_mode" && carryBool(value) !== undefined) {
        values.offline_mode = value as boolean;
      } else if (key === "max_size_mb" && typeof value === "number" && value > 0) {
        values["cache.max_size"] = `${Math.floor(value)}MB`;
      } else notCarried.push(`${cache.prefix}.${key}`);
    }
  }
  if (carryBool(config.offline_mode) !== undefined) {
    take("offline_mode");
    values.offline_mode = config.offline_mode as boolean;
  }
  const paths = isObject(config.paths) ? config.paths : undefined;
  const envPath = config.environments_path ?? paths?.environments_path;
  if (typeof envPath === "string") {
    take(config.environments_path !== undefined ? "environments_path" : "paths");
    if (envPath !== defaultEnvironments) values.environments_path = envPath;
  }
  if (paths !== undefined) {
    for (const key of Object.keys(paths)) {
      if (key !== "environments_path") notCarried.push(`paths.${key}`);
    }
  }
  // 1.x `settings.package_cache_enabled` is the cache switch; the rest is interface behaviour.
  if (isObject(config.settings)) {
    take("settings");
    for (const [key, value] of Object.entries(config.settings)) {
      if (key === "package_cache_enabled" && carryBool(value) !== undefined) {
        values["cache.enabled"] = value as boolean;
      } else notCarried.push(`settings.${key}`);
    }
  }
  // 1.x keeps its environments in the config file: they are migrated, not settings.
  if (config.environments !== undefined) take("environments");
  for (const key of Object.keys(config)) {
    if (!used.has(key)) notCarried.push(key);
  }
  return { values, notCarried: [...new Set(notCarried)].sort() };
}
