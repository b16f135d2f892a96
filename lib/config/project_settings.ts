/**
 * A project's own settings: the nearest `.gestvenv.toml` and the `[tool.gestvenv]` table of the
 * nearest `pyproject.toml`, looked for from the current directory up to the repository root
 * (spec 001 "Configuration par projet").
 *
 * @module
 */
import { parse } from "npm:smol-toml@1.9.1";
import { dirname, join } from "../paths/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import {
  canonicalKey,
  CONFIG_KEYS,
  type ConfigKey,
  type GestvenvConfig,
  isConfigKey,
  validateConfig,
} from "./config_schema.ts";
import { parseSwitch } from "./quantities.ts";

/** The project settings file's name (spec 001 "Configuration par projet"). */
export const PROJECT_CONFIG_FILE = ".gestvenv.toml";

/** The file whose `[tool.gestvenv]` table also holds project settings (PEP 518 `[tool]`). */
export const PYPROJECT_FILE = "pyproject.toml";

/**
 * The configuration keys a project may set (the source `project` of the settings). Keys about
 * this machine (where environments, the cache and uv are, link mode, timeouts) stay in the user
 * configuration.
 */
export const PROJECT_KEYS: readonly ConfigKey[] = (Object.keys(CONFIG_KEYS) as ConfigKey[])
  .filter((key) =>
    ![
      "environments_path",
      "cache_path",
      "uv_path",
      "link_mode",
      "lock_timeout",
      "http_connect_timeout",
      "http_read_timeout",
      "logs.retention_days",
      "active_profile", // issue 12 §5: the profile layer sits below the project
      // issue 12 §3: a project adds rules with `[policy]`; it never changes the user's security
      "security.allowed_sources",
      "security.require_hashes",
      "security.mode",
      "hooks.timeout",
    ].includes(key)
  );

/**
 * Other spellings a project file may use, mapped to the name this module reads: spec 001's
 * sectioned layout (`[project] name/backend/python_version`, `[dependencies] auto_sync/groups`)
 * and `python_version`, which feeds the `default_python` setting.
 */
const PROJECT_ALIASES: Readonly<Record<string, string>> = Object.assign(Object.create(null), {
  "project.name": "environment",
  "project.environment": "environment",
  "project.backend": "backend",
  "project.python_version": "default_python",
  "project.python": "default_python",
  python_version: "default_python",
  python: "default_python",
  "dependencies.auto_sync": "auto_sync",
  "dependencies.groups": "groups",
  "dependencies.extras": "extras",
});

/** A project's settings, from `.gestvenv.toml` over `[tool.gestvenv]`. */
export interface ProjectSettings {
  /** The project directory: where `pyproject.toml` is, else where `.gestvenv.toml` is. */
  root: string;
  /** Absolute path of the nearest `pyproject.toml`, if any. */
  pyproject?: string;
  /** Absolute path of the nearest `.gestvenv.toml`, if any. */
  configFile?: string;
  /** The environment bound to the project (`environment`, or spec 001's `[project] name`). */
  environment?: string;
  /** PEP 735 dependency groups to install by default (`groups`). @default [] */
  groups: string[];
  /** Extras of the project to install by default (`extras`). @default [] */
  extras: string[];
  /** Sync before `run` when pyproject.toml changed (`auto_sync`). @default false */
  autoSync: boolean;
  /** Named commands (`[scripts]`, `[tool.gestvenv.scripts]`): `test = "pytest tests/"`. */
  scripts: Map<string, string>;
  /** Interpreter request (`python_version`), if set. */
  pythonVersion?: string;
  /** Installer backend (`backend`), if set. */
  backend?: GestvenvConfig["backend"];
  /** The configuration keys set (the `project` source of the settings), checked. */
  config: GestvenvConfig;
  /** For each key of `config`, the file that set it. */
  origins: Map<string, string>;
  /** Keys neither file's reader knows (`[cache] preload_packages`, typos), as `file: key`. */
  unknown: string[];
  /** Problems that did not stop the read (a pyproject.toml that is not TOML), for people. */
  warnings: string[];
}

/** One file's settings before the two files are merged. */
interface FileSettings {
  config: Record<string, unknown>;
  environment?: string;
  groups?: string[];
  extras?: string[];
  scripts: Map<string, string>;
  unknown: string[];
  /** Keys read and ignored, for people. */
  warnings: string[];
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(file);
  } catch {
    return undefined; // Absent or unreadable: not a project file.
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** A list of strings, or a ConfigError naming the key and file. */
function stringList(value: unknown, key: string, file: string): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  if (typeof value === "string") return value.split(/[\s,]+/).filter((s) => s !== "");
  throw new ConfigError(`\`${key}\` in ${file} must be a list of names`, {
    hint: `Write it as \`${key} = ["dev", "test"]\``,
  });
}

/**
 * Reads one settings document (`.gestvenv.toml`, or the `[tool.gestvenv]` table): flat keys,
 * spec 001's sections, `[cache]` and `[scripts]`.
 * @throws {ConfigError} naming the file and key when a known key has the wrong type.
 */
function readDocument(doc: Record<string, unknown>, file: string): FileSettings {
  const out: FileSettings = {
    config: Object.create(null),
    scripts: new Map(),
    unknown: [],
    warnings: [],
  };
  const flat: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === "policy") continue; // the project's policy: read and checked by lib/policy
    if (key === "scripts") {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new ConfigError(`\`[scripts]\` in ${file} must be a table of commands`, {
          hint: 'Write it as `[scripts]` then `test = "pytest tests/"`',
        });
      }
      for (const [name, command] of Object.entries(value as Record<string, unknown>)) {
        if (typeof command !== "string" || command.trim() === "") {
          throw new ConfigError(`Script \`${name}\` in ${file} must be a command line`, {
            hint: `Write it as \`${name} = "pytest tests/"\``,
          });
        }
        out.scripts.set(name, command);
      }
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [sub, inner] of Object.entries(value as Record<string, unknown>)) {
        flat.push([`${key}.${sub}`, inner]);
      }
    } else {
      flat.push([key, value]);
    }
  }
  for (const [rawKey, value] of flat) {
    const key = PROJECT_ALIASES[rawKey] ?? canonicalKey(rawKey);
    if (key === "environment") {
      if (typeof value !== "string" || value === "") {
        throw new ConfigError(`\`${rawKey}\` in ${file} must be an environment name`, {
          hint: `Write it as \`environment = "my-project"\``,
        });
      }
      out.environment = value;
    } else if (key === "groups") out.groups = stringList(value, rawKey, file);
    else if (key === "extras") out.extras = stringList(value, rawKey, file);
    else if (isConfigKey(key) && PROJECT_KEYS.includes(key)) out.config[key] = value;
    else if (key === "logs.retention_days") {
      out.warnings.push(
        `\`${rawKey}\` in ${file} is ignored: the operation log belongs to your gestvenv home, ` +
          "not to a project (`gestvenv config set logs.retention_days DAYS` sets it)",
      );
    } else if (key.startsWith("security.")) {
      out.warnings.push(
        `\`${rawKey}\` in ${file} is ignored: a project cannot change your security settings; ` +
          "add rules with a `[policy]` table (`[tool.gestvenv.policy]` in pyproject.toml) instead",
      );
    } else out.unknown.push(`${file}: ${rawKey}`);
  }
  validateConfig(out.config, file);
  return out;
}

/** Parses TOML, or throws a ConfigError naming the file. */
function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${file} is not valid TOML: ${(error as Error).message}`, {
      cause: error,
      hint: "Fix the file, or move it away",
    });
  }
}

/**
 * Finds the project around `start` and reads its settings. The nearest `.gestvenv.toml` and the
 * nearest `pyproject.toml` are looked for in `start` and its parents, stopping at the repository
 * root (a directory holding `.git`) or the filesystem root. `.gestvenv.toml` wins over
 * `[tool.gestvenv]` key by key; their `[scripts]` tables are merged the same way.
 * Requires `--allow-read`.
 *
 * @param start Directory to search from. @default Deno.cwd()
 * @returns The settings, or undefined when neither file exists.
 * @throws {ConfigError} when `.gestvenv.toml` is not valid TOML, or a known key of either file
 *   has a wrong value. A pyproject.toml that is not TOML only adds a warning: every command in
 *   the directory would fail otherwise, and `validate` explains it.
 */
export async function loadProjectSettings(
  start: string = Deno.cwd(),
): Promise<ProjectSettings | undefined> {
  let pyproject: string | undefined;
  let configFile: string | undefined;
  let pyprojectText: string | undefined;
  let configText: string | undefined;
  for (let dir = start;; dir = dirname(dir)) {
    if (configText === undefined) {
      configText = await readText(join(dir, PROJECT_CONFIG_FILE));
      if (configText !== undefined) configFile = join(dir, PROJECT_CONFIG_FILE);
    }
    if (pyprojectText === undefined) {
      pyprojectText = await readText(join(dir, PYPROJECT_FILE));
      if (pyprojectText !== undefined) pyproject = join(dir, PYPROJECT_FILE);
    }
    if (configText !== undefined && pyprojectText !== undefined) break;
    if (dirname(dir) === dir || await exists(join(dir, ".git"))) break;
  }
  if (configFile === undefined && pyproject === undefined) return undefined;

  const warnings: string[] = [];
  let fromTool: FileSettings | undefined;
  if (pyproject !== undefined) {
    let doc: Record<string, unknown> | undefined;
    try {
      doc = parse(pyprojectText!) as Record<string, unknown>;
    } catch (error) {
      warnings.push(
        `${pyproject} is not valid TOML (${(error as Error).message.split("\n")[0]}); ` +
          "its [tool.gestvenv] settings are ignored. `gestvenv validate` shows where",
      );
    }
    const tool = (doc?.tool as Record<string, unknown> | undefined)?.gestvenv;
    if (tool !== undefined) {
      if (tool === null || typeof tool !== "object" || Array.isArray(tool)) {
        throw new ConfigError(`\`tool.gestvenv\` in ${pyproject} must be a table`, {
          hint: "Write it as a `[tool.gestvenv]` section",
        });
      }
      fromTool = readDocument(tool as Record<string, unknown>, `${pyproject} [tool.gestvenv]`);
    }
  }
  const fromFile = configFile === undefined
    ? undefined
    : readDocument(parseToml(configText!, configFile), configFile);

  const config: Record<string, unknown> = Object.create(null);
  const origins = new Map<string, string>();
  for (
    const [settings, file] of [
      [fromTool, `${pyproject} [tool.gestvenv]`],
      [fromFile, configFile],
    ] as const
  ) {
    for (const [key, value] of Object.entries(settings?.config ?? {})) {
      config[key] = value;
      origins.set(key, file!);
    }
  }
  const scripts = new Map([...fromTool?.scripts ?? [], ...fromFile?.scripts ?? []]);
  const typed = config as GestvenvConfig;
  const where = origins.get("auto_sync");
  const environment = fromFile?.environment ?? fromTool?.environment;
  return {
    root: dirname(pyproject ?? configFile!),
    ...(pyproject === undefined ? {} : { pyproject }),
    ...(configFile === undefined ? {} : { configFile }),
    ...(environment === undefined ? {} : { environment }),
    groups: fromFile?.groups ?? fromTool?.groups ?? [],
    extras: fromFile?.extras ?? fromTool?.extras ?? [],
    autoSync: typed.auto_sync === undefined
      ? false
      : parseSwitch(typed.auto_sync, `\`auto_sync\` of ${where}`),
    scripts,
    ...(typed.default_python === undefined ? {} : { pythonVersion: typed.default_python }),
    ...(typed.backend === undefined ? {} : { backend: typed.backend }),
    config: typed,
    origins,
    unknown: [...fromTool?.unknown ?? [], ...fromFile?.unknown ?? []],
    warnings: [...warnings, ...fromTool?.warnings ?? [], ...fromFile?.warnings ?? []],
  };
}
