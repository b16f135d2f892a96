import { parse } from "npm:smol-toml@1.9.1";
import { dirname, join } from "../paths/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import {
  type ConfigKey,
  flattenConfig,
  type GestvenvConfig,
  validateConfig,
} from "./config_schema.ts";

/** The project settings file's name (spec 001 "Configuration par projet"). */
export const PROJECT_CONFIG_FILE = ".gestvenv.toml";

/**
 * The keys a project's `.gestvenv.toml` may set (the source `project` of the settings): how the
 * network and the cache are used while working on it. Keys about the machine (where the cache
 * is, its size limits) stay in the user configuration.
 */
export const PROJECT_KEYS: readonly ConfigKey[] = [
  "offline_mode",
  "use_cache",
  "cache.enabled",
  "cache.fallback_to_online",
  "cache.compression",
];

/** A project's settings file, as found. */
export interface ProjectConfig {
  /** Absolute path of the `.gestvenv.toml` read. */
  file: string;
  /** Its keys among {@linkcode PROJECT_KEYS} (tables flattened: `[cache] enabled` → `cache.enabled`). */
  config: GestvenvConfig;
}

/**
 * Finds the nearest `.gestvenv.toml` in `start` or its parents and reads the keys a project may
 * set; other keys (`[project]`, `[scripts]`, …) are left to the commands that use them.
 * Requires `--allow-read`.
 *
 * @param start Directory to search from. @default Deno.cwd()
 * @returns The file and its settings, or undefined when there is none (or it cannot be read).
 * @throws {ConfigError} when the file is not valid TOML or one of its settings is invalid.
 */
export async function loadProjectConfig(
  start: string = Deno.cwd(),
): Promise<ProjectConfig | undefined> {
  for (let dir = start;; dir = dirname(dir)) {
    const file = join(dir, PROJECT_CONFIG_FILE);
    let text: string | undefined;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      text = undefined; // Absent or unreadable: look further up.
    }
    if (text !== undefined) {
      let doc: Record<string, unknown>;
      try {
        doc = parse(text) as Record<string, unknown>;
      } catch (error) {
        throw new ConfigError(`${file} is not valid TOML: ${(error as Error).message}`, {
          cause: error,
          hint: "Fix the file, or move it away",
        });
      }
      const flat = flattenConfig(doc);
      const kept: Record<string, unknown> = {};
      for (const key of PROJECT_KEYS) if (key in flat) kept[key] = flat[key];
      return { file, config: validateConfig(kept, file).config };
    }
    if (dirname(dir) === dir) return undefined;
  }
}
