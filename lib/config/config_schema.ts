import { ConfigError } from "../errors/mod.ts";
import { parseTimeoutSeconds } from "./http_settings.ts";

/**
 * The user configuration (`~/.gestvenv/config.toml`). Every key is optional; see
 * {@linkcode CONFIG_KEYS} for meanings and defaults.
 */
export interface GestvenvConfig {
  /** Installer backend (`auto` = `native`, gestvenv's own installer). @default "auto" */
  backend?: "auto" | "native" | "pip" | "uv";
  /** Interpreter request used when `--python` is absent (`3.11`, `>=3.10`, a path). */
  default_python?: string;
  /** Parent directory of named environments. @default "<home>/environments" */
  environments_path?: string;
  /** Primary package index (PEP 503/691 simple API URL), overriding pip's configuration. */
  index_url?: string;
  /** Additional package indexes, searched after `index_url`. */
  extra_index_urls?: string[];
  /** Directories or HTML pages of distribution files (pip's `--find-links`). */
  find_links?: string[];
  /** Path of the uv binary for the uv backend. @default uv on PATH */
  uv_path?: string;
  /** The package cache's directory (`GESTVENV_CACHE_DIR` wins). @default "<home>/cache" */
  cache_path?: string;
  /** How files are put into environments: `clone`, `hardlink` or `copy`. */
  link_mode?: "clone" | "hardlink" | "copy";
  /** Seconds; a number, or numeric text. */
  lock_timeout?: number | string;
  /** Seconds; a number, or numeric text. */
  http_connect_timeout?: number | string;
  /** Seconds; a number, or numeric text. */
  http_read_timeout?: number | string;
}

/** The name of one configuration key. */
export type ConfigKey = keyof GestvenvConfig;

/** How a configuration key is typed, validated and documented. */
export interface ConfigKeySpec {
  /** `string`, `list` (of strings), `choice`, or `seconds` (a positive number). */
  type: "string" | "list" | "choice" | "seconds";
  /** Allowed values for `choice`. */
  choices?: readonly string[];
  /** One-line description for `config show` and the README. */
  description: string;
  /** Default shown when unset. */
  default: string;
}

/** Every configuration key gestvenv understands. */
export const CONFIG_KEYS: Readonly<Record<ConfigKey, ConfigKeySpec>> = {
  backend: {
    type: "choice",
    choices: ["auto", "native", "pip", "uv"],
    description:
      "Installer backend; `auto` = `native` (gestvenv's own installer); pip and uv apply gestvenv's lock",
    default: "auto",
  },
  default_python: {
    type: "string",
    description: "Interpreter request used when `--python` is not given (`3.12`, `>=3.10`, a path)",
    default: "the first python3 on PATH",
  },
  environments_path: {
    type: "string",
    description: "Directory where named environments are created",
    default: "<home>/environments",
  },
  index_url: {
    type: "string",
    description: "Primary package index (PEP 503/691); overrides pip's own configuration",
    default: "pip's configuration, else https://pypi.org/simple",
  },
  extra_index_urls: {
    type: "list",
    description: "Further package indexes; overrides pip's `extra-index-url`",
    default: "pip's configuration",
  },
  find_links: {
    type: "list",
    description: "Directories or pages of distribution files; overrides pip's `find-links`",
    default: "pip's configuration",
  },
  uv_path: {
    type: "string",
    description: "Path of the uv binary for the uv backend",
    default: "uv on PATH",
  },
  cache_path: {
    type: "string",
    description: "The package cache's directory (`GESTVENV_CACHE_DIR` wins)",
    default: "<home>/cache",
  },
  link_mode: {
    type: "choice",
    choices: ["clone", "hardlink", "copy"],
    description:
      "How the native installer puts cached files into environments (falls back clone → hardlink → copy)",
    default: "clone where the filesystem can, else hardlink",
  },
  lock_timeout: {
    type: "seconds",
    description:
      "Seconds to wait for an environment another gestvenv command is changing (`--wait`: no limit)",
    default: "120",
  },
  http_connect_timeout: {
    type: "seconds",
    description:
      "Seconds to connect to an index and get its answer's headers (also given to pip and uv)",
    default: "15",
  },
  http_read_timeout: {
    type: "seconds",
    description:
      "Seconds of silence allowed while an index sends a body (also given to pip and uv)",
    default: "30",
  },
};

/** Whether `key` is a known configuration key. */
export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

/**
 * Converts the text of `config set KEY VALUE` into the stored value: lists split on commas and
 * white space, choices checked.
 *
 * @throws {ConfigError} For unknown keys and invalid values.
 */
export function parseConfigValue(key: string, raw: string): string | string[] | number {
  if (!isConfigKey(key)) {
    throw new ConfigError(`Unknown configuration key \`${key}\``, {
      hint: `Known keys: ${Object.keys(CONFIG_KEYS).join(", ")}`,
    });
  }
  const spec = CONFIG_KEYS[key];
  if (spec.type === "list") return raw.split(/[\s,]+/).filter((s) => s !== "");
  if (spec.type === "seconds") return parseTimeoutSeconds(raw, `\`${key}\``) / 1000;
  if (spec.type === "choice" && !spec.choices!.includes(raw)) {
    throw new ConfigError(`Invalid value \`${raw}\` for \`${key}\``, {
      hint: `Use one of: ${spec.choices!.join(", ")}`,
    });
  }
  return raw;
}

/**
 * Checks a parsed config document and returns it typed. Unknown keys are kept (for forward
 * compatibility) and reported in `unknown`.
 *
 * @throws {ConfigError} When a known key has the wrong type or value.
 */
export function validateConfig(
  doc: Record<string, unknown>,
  file: string,
): { config: GestvenvConfig; unknown: string[] } {
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (!isConfigKey(key)) {
      unknown.push(key);
      continue;
    }
    const spec = CONFIG_KEYS[key];
    if (spec.type === "seconds") {
      parseTimeoutSeconds(value, `\`${key}\` of ${file}`);
      continue;
    }
    const ok = spec.type === "list"
      ? Array.isArray(value) && value.every((v) => typeof v === "string")
      : typeof value === "string" && (spec.type !== "choice" || spec.choices!.includes(value));
    if (!ok) {
      throw new ConfigError(`Invalid value for \`${key}\` in ${file}`, {
        hint: spec.type === "list"
          ? `\`${key}\` takes a list of strings`
          : spec.type === "choice"
          ? `\`${key}\` takes one of: ${spec.choices!.join(", ")}`
          : `\`${key}\` takes a string`,
      });
    }
  }
  return { config: doc as GestvenvConfig, unknown };
}
