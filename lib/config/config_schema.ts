import { ConfigError } from "../errors/mod.ts";
import { parseTimeoutSeconds } from "./http_settings.ts";
import { parseCount, parseDays, parseSize, parseSwitch, parseWholeDays } from "./quantities.ts";

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
  /** Never use the network (as `--offline`). @default false */
  offline_mode?: boolean | string;
  /** Use the package cache; false uses a throw-away cache for each command. @default true */
  use_cache?: boolean | string;
  /** `[cache] enabled`: as `use_cache` (spec 001 `cache-enabled`). @default true */
  "cache.enabled"?: boolean | string;
  /** `[cache] max_size`: a size (`2GB`); `cache clean` and auto-cleanup keep the cache under it. */
  "cache.max_size"?: number | string;
  /** `[cache] max_age`: days an unused artifact is kept by `cache clean` and auto-cleanup. */
  "cache.max_age"?: number | string;
  /** `[cache] auto_cleanup`: apply `max_size`/`max_age` after operations. @default false */
  "cache.auto_cleanup"?: boolean | string;
  /** `[cache] fallback_to_online`: the cache first, the network only for what it lacks. */
  "cache.fallback_to_online"?: boolean | string;
  /** `[cache] compression`: of `cache export` bundles (`zstd`, `gzip`, `none`). */
  "cache.compression"?: "zstd" | "gzip" | "none";
  /** Sync a project's environment before `run` when pyproject.toml changed. @default false */
  auto_sync?: boolean | string;
  /** `[logs] retention_days`: days rotated operation logs are kept by `cleanup --all`. @default 90 */
  "logs.retention_days"?: number | string;
  // issue 12 §1
  /** `[audit] osv_url`: the OSV API `audit` asks. @default "https://api.osv.dev" */
  "audit.osv_url"?: string;
  // issue 12 §5: the rest of spec 001's "Configuration avancée" keys, and the active profile.
  /** `[general] show_progress`: false = no spinner or progress bar (as when not a terminal). */
  "general.show_progress"?: boolean | string;
  /** `[general] emoji_support`: false = ASCII only in gestvenv's own marks, spinner, bars, tables. */
  "general.emoji_support"?: boolean | string;
  /** `[performance] parallel_downloads`: files the native installer downloads at once. @default 8 */
  "performance.parallel_downloads"?: number | string;
  /** `[performance] max_retries`: retries of a failed index request (5xx, reset, timeout). @default 3 */
  "performance.max_retries"?: number | string;
  /** `[ui] color_scheme`: `auto` (colors on terminals), `always` or `never`. @default "auto" */
  "ui.color_scheme"?: "auto" | "always" | "never";
  /** `[ui] table_format`: `square`, `rounded` or `ascii` borders for listings. @default "square" */
  "ui.table_format"?: "square" | "rounded" | "ascii";
  /** `[ui] progress_style`: `bar`, `spinner` (no bar) or `none`. @default "bar" */
  "ui.progress_style"?: "bar" | "spinner" | "none";
  /** `activate` says which top-level requirements have newer versions (cheap, never blocks). */
  check_updates_on_activate?: boolean | string;
  /** Seconds after which a command is stopped and rolled back (exit 1). @default no limit */
  operation_timeout?: number | string;
  /** Backend used when the chosen one is unavailable (uv missing): `native` or `pip`. */
  fallback_backend?: "native" | "pip";
  /** `[security] require_signatures`: require PEP 740 attestations (read by `verify`). */
  "security.require_signatures"?: boolean | string;
  /** The active configuration profile (`profile activate NAME`), a built-in or a user profile. */
  active_profile?: string;
  // issue 12 §3: allowed sources, required hashes, strict mode
  /**
   * `[security] allowed_sources`: hosts (`pypi.org`, `host:port`, `*.example.com`; a URL is
   * reduced to its host) and local paths (`file:/srv/wheels`) distributions may come from.
   */
  "security.allowed_sources"?: string[];
  /** `[security] require_hashes`: every install verified by sha256 (pip/uv `--require-hashes`). */
  "security.require_hashes"?: boolean | string;
  /** `[security] mode`: `strict` adds allowed sources, required hashes and an audit. */
  "security.mode"?: "default" | "strict";
  // issue 12 §4: global hooks (`[hooks]`), run at each lifecycle event of every environment.
  /** `[hooks] pre_create`: commands run before an environment is created. */
  "hooks.pre_create"?: HookEntries;
  /** `[hooks] post_create`: commands run after an environment is created. */
  "hooks.post_create"?: HookEntries;
  /** `[hooks] pre_install`: commands run before distributions change (may refuse it). */
  "hooks.pre_install"?: HookEntries;
  /** `[hooks] post_install`: commands run after distributions changed. */
  "hooks.post_install"?: HookEntries;
  /** `[hooks] post_sync`: commands run after an environment was synced. */
  "hooks.post_sync"?: HookEntries;
  /** `[hooks] pre_delete`: commands run before an environment is deleted (may refuse it). */
  "hooks.pre_delete"?: HookEntries;
  /** `[hooks] post_activate`: commands run after `activate`/`shell`. */
  "hooks.post_activate"?: HookEntries;
  /** `[hooks] pre_run`: commands run before `run`/`run-script` start their program. */
  "hooks.pre_run"?: HookEntries;
  /** `[hooks] timeout`: seconds a hook may run before it is stopped. @default 60 */
  "hooks.timeout"?: number | string;
}

/**
 * The event keys of `[hooks]` tables and records (issue 12 §4): the lifecycle events
 * (`lib/environments` `LifecycleEventName`, `-` written `_`) and `pre_run`.
 */
export type HookEventKey =
  | "pre_create"
  | "post_create"
  | "pre_install"
  | "post_install"
  | "post_sync"
  | "pre_delete"
  | "post_activate"
  | "pre_run";

/** Every {@linkcode HookEventKey}, in the order an environment meets them. */
export const HOOK_EVENT_KEYS: readonly HookEventKey[] = [
  "pre_create",
  "post_create",
  "pre_install",
  "post_install",
  "post_sync",
  "pre_delete",
  "post_activate",
  "pre_run",
];

// issue 12 §4: the shape of hook entries (config.toml, .gestvenv.toml, registry records).
/**
 * One hook as written in `[hooks]` (config.toml, `.gestvenv.toml`, `[tool.gestvenv.hooks]`) or in
 * an environment's record: a command line (run through `sh -c`, `cmd /c` on Windows), or a table
 * with the command, its own timeout in seconds and a name for people.
 */
export type HookEntry = string | { command: string; timeout?: number; name?: string };

/** The value of a `[hooks]` event key: one entry, or a list of them. */
export type HookEntries = HookEntry | HookEntry[];

/**
 * Checks a `[hooks]` event value and returns its entries as a list.
 *
 * @param where Names the key and file in the error (`` `hooks.post_create` of config.toml ``).
 * @throws {ConfigError} When it is not a command line, a `{command, timeout?, name?}` table, or a
 *   list of those (an empty command, an unknown field, a timeout that is not a positive number of
 *   seconds of at most a day).
 */
export function hookEntriesOf(value: unknown, where: string): HookEntry[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry): HookEntry => {
    if (typeof entry === "string" && entry.trim() !== "") return entry;
    if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
      const table = entry as Record<string, unknown>;
      const extra = Object.keys(table).filter((k) => !["command", "timeout", "name"].includes(k));
      const command = table.command;
      const okTimeout = table.timeout === undefined ||
        (typeof table.timeout === "number" && table.timeout > 0 && table.timeout <= 86_400);
      const okName = table.name === undefined ||
        (typeof table.name === "string" && table.name.trim() !== "");
      if (
        typeof command === "string" && command.trim() !== "" && okTimeout && okName &&
        extra.length === 0
      ) {
        return {
          command,
          ...(table.timeout === undefined ? {} : { timeout: table.timeout as number }),
          ...(table.name === undefined ? {} : { name: table.name as string }),
        };
      }
    }
    throw new ConfigError(`Invalid hook in ${where}`, {
      hint:
        'Write a command line (`post_create = "./scripts/setup.sh"`), or a list of them and of ' +
        'tables such as `{ command = "./check.sh", timeout = 30, name = "check" }`',
    });
  });
}

/** The name of one configuration key. */
export type ConfigKey = keyof GestvenvConfig;

/** How a configuration key is typed, validated and documented. */
export interface ConfigKeySpec {
  /**
   * `string`, `list` (of strings), `choice`, `seconds` (a positive number), `switch` (a boolean),
   * `size` (bytes, or text such as `2GB`), `days` (a positive number of days), `count` (a whole
   * number between `min` and `max`) or `hooks` (hook entries: {@linkcode HookEntries}).
   */
  type:
    | "string"
    | "list"
    | "choice"
    | "seconds"
    | "switch"
    | "size"
    | "days"
    | "count"
    | "hooks";
  /** Allowed values for `choice`. */
  choices?: readonly string[];
  /** Bounds of a `count`, inclusive. */
  min?: number;
  /** Upper bound of a `count`, inclusive. */
  max?: number;
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
  offline_mode: {
    type: "switch",
    description: "Never use the network: indexes and files come from the cache (as `--offline`)",
    default: "false",
  },
  use_cache: {
    type: "switch",
    description: "Keep downloads in the package cache; false uses a throw-away cache per command",
    default: "true",
  },
  "cache.enabled": {
    type: "switch",
    description:
      "Same as `use_cache` (spec 001's `cache-enabled`); either false disables the cache",
    default: "true",
  },
  "cache.max_size": {
    type: "size",
    description: "Size the cache is kept under by `cache clean` and auto-cleanup (`2GB`, `500MB`)",
    default: "no limit",
  },
  "cache.max_age": {
    type: "days",
    description: "Days an unused artifact is kept by `cache clean` and auto-cleanup",
    default: "no limit",
  },
  "cache.auto_cleanup": {
    type: "switch",
    description:
      "Apply `cache.max_size` and `cache.max_age` after each operation (bounded in time)",
    default: "false",
  },
  "cache.fallback_to_online": {
    type: "switch",
    description:
      "Hybrid mode: cached index pages are used even when stale; the network only for what is missing",
    default: "false",
  },
  "cache.compression": {
    type: "choice",
    choices: ["zstd", "gzip", "none"],
    description: "Compression of `cache export` bundles (the cache itself stays uncompressed)",
    default: "zstd",
  },
  auto_sync: {
    type: "switch",
    description:
      "Sync a project's environment before `run` when its pyproject.toml changed since the last sync",
    default: "false",
  },
  "logs.retention_days": {
    type: "days",
    description:
      "Days (whole, at least 1) rotated operation logs (`logs/operations.N.jsonl`) are kept; `cleanup --all` removes older ones. Not read from project files",
    default: "90",
  },
  // issue 12 §1
  "audit.osv_url": {
    type: "string",
    description:
      "The OSV API `audit` asks for vulnerabilities (`querybatch`, then each record; http(s) URL)",
    default: "https://api.osv.dev",
  },
  // issue 12 §5
  "general.show_progress": {
    type: "switch",
    description:
      "Spinner and progress bars on terminals; false draws none (as when stderr is not a terminal)",
    default: "true",
  },
  "general.emoji_support": {
    type: "switch",
    description:
      "Unicode marks (✔, spinner, bars, box tables); false prints ASCII (`GESTVENV_NO_EMOJI`)",
    default: "true",
  },
  "performance.parallel_downloads": {
    type: "count",
    min: 1,
    max: 64,
    description: "Files the native installer downloads at once (1 to 64)",
    default: "8",
  },
  "performance.max_retries": {
    type: "count",
    min: 0,
    max: 10,
    description:
      "Retries of a failed index request (5xx, reset, timeout) by gestvenv's HTTP client (0 to 10)",
    default: "3",
  },
  "ui.color_scheme": {
    type: "choice",
    choices: ["auto", "always", "never"],
    description:
      "Colors: `auto` on terminals, `always`, `never`; `--no-color`, NO_COLOR and FORCE_COLOR win",
    default: "auto",
  },
  "ui.table_format": {
    type: "choice",
    choices: ["square", "rounded", "ascii"],
    description: "Border style of tables: `square` (┌┐), `rounded` (╭╮) or `ascii` (+-|)",
    default: "square",
  },
  "ui.progress_style": {
    type: "choice",
    choices: ["bar", "spinner", "none"],
    description:
      "Progress on terminals: a spinner with `bar`s, a `spinner` with figures, or `none`",
    default: "bar",
  },
  check_updates_on_activate: {
    type: "switch",
    description:
      "`activate` notes top-level requirements with newer versions (cached pages, 2 s at most, not offline)",
    default: "false",
  },
  operation_timeout: {
    type: "seconds",
    description:
      "Seconds after which a command is stopped like Ctrl-C (rolled back) and exits 1; not `run`/`shell`",
    default: "no limit",
  },
  fallback_backend: {
    type: "choice",
    choices: ["native", "pip"],
    description: "Backend used, with a warning, when the chosen one is unavailable (uv not found)",
    default: "none: an error (an environment made with uv falls back to native)",
  },
  "security.require_signatures": {
    type: "switch",
    description:
      "Require PEP 740 attestations when verifying distributions (`GESTVENV_VERIFY_SIGNATURES`)",
    default: "false",
  },
  active_profile: {
    type: "string",
    description:
      "The configuration profile in use (`profile activate NAME`): between config.toml and the project",
    default: "none",
  },
  // issue 12 §3: allowed sources, required hashes, strict mode
  "security.allowed_sources": {
    type: "list",
    description:
      "Where distributions may come from: hosts (`pypi.org`, `host:port`, `*.example.com`) and local paths (`file:/srv/wheels`); anything else is refused before any request",
    default:
      "any source (strict mode: pypi.org, files.pythonhosted.org and the configured indexes)",
  },
  "security.require_hashes": {
    type: "switch",
    description:
      "Every installed file verified by a sha256 known before it is fetched (pip/uv get `--require-hashes`); directories and editables are refused",
    default: "false (true in strict mode)",
  },
  "security.mode": {
    type: "choice",
    choices: ["default", "strict"],
    description:
      "`strict`: allowed sources enforced, hashes required, and a vulnerability audit (severity HIGH) before every install; an install that cannot be audited is refused",
    default: "default",
  },
  // issue 12 §4: global hooks (`gestvenv hook add EVENT COMMAND`), and their timeout.
  ...hookKeySpecs(),
  "hooks.timeout": {
    type: "seconds",
    description:
      "Seconds a hook may run before it is stopped (its process group killed); a hook's own `timeout` wins",
    default: "60",
  },
};

/** The `hooks.<event>` key specs of {@linkcode CONFIG_KEYS} (issue 12 §4). */
function hookKeySpecs(): Record<`hooks.${HookEventKey}`, ConfigKeySpec> {
  const when: Record<HookEventKey, string> = {
    pre_create: "before an environment is created (a failure stops the creation)",
    post_create: "after an environment is created and registered",
    pre_install: "before distributions are installed or removed (a failure stops the install)",
    post_install: "after distributions were installed or removed",
    post_sync: "after an environment was synced to its lock or project",
    pre_delete: "before an environment is deleted (a failure stops the deletion)",
    post_activate: "after `activate` or `shell` activated an environment",
    pre_run: "before `run` and `run-script` start their program (a failure stops it)",
  };
  const out = {} as Record<`hooks.${HookEventKey}`, ConfigKeySpec>;
  for (const key of HOOK_EVENT_KEYS) {
    out[`hooks.${key}`] = {
      type: "hooks",
      description: `Global hooks run ${when[key]}; add them with \`gestvenv hook add\``,
      default: "none",
    };
  }
  return out;
}

/**
 * Other spellings of keys (the spec's `cache-size`, `cache-enabled`, `cache-path`,
 * `[tool.gestvenv] cache_size`, `[cache] ttl_days`), mapped to the key they set.
 */
export const CONFIG_KEY_ALIASES: Readonly<Record<string, ConfigKey>> = Object.assign(
  Object.create(null),
  {
    "cache-enabled": "cache.enabled",
    "cache-size": "cache.max_size",
    cache_size: "cache.max_size",
    "cache-path": "cache_path",
    "cache.size": "cache.max_size",
    "cache.ttl_days": "cache.max_age",
    "cache.path": "cache_path",
    "offline-mode": "offline_mode",
    "use-cache": "use_cache",
    "auto-sync": "auto_sync",
    // issue 12 §5: spec 001's `[general]`, `[performance]`, `[ui]`, `[security]` spellings.
    preferred_backend: "backend",
    "general.preferred_backend": "backend",
    auto_cleanup: "cache.auto_cleanup",
    "general.auto_cleanup": "cache.auto_cleanup",
    show_progress: "general.show_progress",
    emoji_support: "general.emoji_support",
    parallel_downloads: "performance.parallel_downloads",
    max_retries: "performance.max_retries",
    connection_timeout: "http_connect_timeout",
    "performance.connection_timeout": "http_connect_timeout",
    color_scheme: "ui.color_scheme",
    table_format: "ui.table_format",
    progress_style: "ui.progress_style",
    "ui.check_updates_on_activate": "check_updates_on_activate",
    "general.operation_timeout": "operation_timeout",
    "performance.operation_timeout": "operation_timeout",
    "general.fallback_backend": "fallback_backend",
    verify_signatures: "security.require_signatures",
    "security.verify_signatures": "security.require_signatures",
    "require-signatures": "security.require_signatures",
    profile: "active_profile",
    // issue 12 §3 (spec 001 spellings)
    "security-mode": "security.mode",
    "allowed-sources": "security.allowed_sources",
    allowed_sources: "security.allowed_sources",
    "require-hashes": "security.require_hashes",
    require_hashes: "security.require_hashes",
    // issue 12 §4: `[hooks] post-create = …` as the events are spelled on the command line.
    "hooks.pre-create": "hooks.pre_create",
    "hooks.post-create": "hooks.post_create",
    "hooks.pre-install": "hooks.pre_install",
    "hooks.post-install": "hooks.post_install",
    "hooks.post-sync": "hooks.post_sync",
    "hooks.pre-delete": "hooks.pre_delete",
    "hooks.post-activate": "hooks.post_activate",
    "hooks.pre-run": "hooks.pre_run",
  },
);

/** Edit distance of two short strings (Levenshtein), for did-you-mean suggestions. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * The known key (or other spelling) closest to an unknown `key`, when one is close enough to be a
 * likely typo (an edit distance of at most a third of its length, or the same last part:
 * `max_size` for `cache.max_size`); else undefined.
 */
export function suggestConfigKey(key: string): string | undefined {
  const names = [...Object.keys(CONFIG_KEYS), ...Object.keys(CONFIG_KEY_ALIASES)];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = distance(key.toLowerCase(), name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3))) {
    return canonicalKey(best);
  }
  const last = key.slice(key.lastIndexOf(".") + 1);
  return Object.keys(CONFIG_KEYS).find((k) => k.slice(k.lastIndexOf(".") + 1) === last);
}

/**
 * The error for an unknown configuration key: a did-you-mean when a known key is close, else the
 * list of known keys.
 *
 * @param where Where the key was found, for the message (` in team.toml`), or empty.
 */
export function unknownKeyError(key: string, where = ""): ConfigError {
  const near = suggestConfigKey(key);
  return new ConfigError(
    `Unknown configuration key \`${key}\`${where}` +
      (near === undefined ? "" : `; did you mean \`${near}\`?`),
    {
      hint: near === undefined
        ? `Known keys: ${Object.keys(CONFIG_KEYS).join(", ")}`
        : `Use \`${near}\` (\`gestvenv config show\` lists every key)`,
    },
  );
}

/** The key `key` sets: itself, or the key an alias stands for; unknown names come back as-is. */
export function canonicalKey(key: string): string {
  return CONFIG_KEY_ALIASES[key] ?? key;
}

/**
 * The configuration document with its tables (`[cache] max_size = …`) flattened into dotted keys
 * (`cache.max_size`) and aliases replaced by their keys, as the rest of gestvenv reads it.
 */
export function flattenConfig(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(doc)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [sub, inner] of Object.entries(value as Record<string, unknown>)) {
        out[canonicalKey(`${key}.${sub}`)] = inner;
      }
    } else {
      out[canonicalKey(key)] = value;
    }
  }
  return out;
}

/** The inverse of {@linkcode flattenConfig}: dotted keys back into tables, for writing TOML. */
export function nestConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const tables: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(config)) {
    const dot = key.indexOf(".");
    if (dot < 0) out[key] = value;
    else (tables[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = value;
  }
  // Tables after the plain keys, as TOML requires.
  for (const [name, table] of Object.entries(tables)) out[name] = table;
  return out;
}

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
export function parseConfigValue(
  key: ConfigKey | string,
  raw: string,
): string | string[] | number | boolean {
  if (!isConfigKey(key)) throw unknownKeyError(key);
  const spec = CONFIG_KEYS[key];
  if (spec.type === "count") return parseCount(raw, `\`${key}\``, spec.min!, spec.max!);
  if (spec.type === "list") return raw.split(/[\s,]+/).filter((s) => s !== "");
  if (spec.type === "seconds") return parseTimeoutSeconds(raw, `\`${key}\``) / 1000;
  if (spec.type === "switch") return parseSwitch(raw, `\`${key}\``);
  if (spec.type === "hooks") return [raw]; // One command line (`hook add` adds to the list).
  if (spec.type === "size") {
    parseSize(raw, `\`${key}\``); // Checked; stored as written (`2GB`), as people wrote it.
    return raw.trim();
  }
  if (spec.type === "days") {
    return key === "logs.retention_days"
      ? parseWholeDays(raw, `\`${key}\``)
      : parseDays(raw, `\`${key}\``);
  }
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
    const where = `\`${key}\` of ${file}`;
    if (spec.type === "seconds") {
      parseTimeoutSeconds(value, where);
      continue;
    }
    if (spec.type === "count") {
      parseCount(value, where, spec.min!, spec.max!);
      continue;
    }
    if (spec.type === "switch") {
      parseSwitch(value, where);
      continue;
    }
    if (spec.type === "size") {
      parseSize(value, where);
      continue;
    }
    if (spec.type === "days") {
      if (key === "logs.retention_days") parseWholeDays(value, where);
      else parseDays(value, where);
      continue;
    }
    if (spec.type === "hooks") {
      hookEntriesOf(value, where);
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
