/**
 * Configuration profiles (spec 001 "Profils de configuration", issue 12 §5): named sets of
 * configuration keys. The built-ins (`dev`, `prod`, `secure`, `fast`) are defined here, in code;
 * user profiles are versioned TOML files `<home>/profiles/NAME.toml`:
 *
 * ```toml
 * version = 1
 * description = "Our team's settings"
 * [settings]
 * backend = "uv"
 * [settings.performance]
 * parallel_downloads = 16
 * ```
 *
 * The active profile (`active_profile` in config.toml, or `GESTVENV_PROFILE`) sits between the
 * user configuration file and the project in precedence (see `SettingSource`).
 *
 * @module
 */
import { parse, stringify } from "npm:smol-toml@1.9.1";
import { ConfigError } from "../errors/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { type EnvLookup, type HomeLayout, join, readEnv } from "../paths/mod.ts";
import {
  type ConfigKey,
  flattenConfig,
  type GestvenvConfig,
  isConfigKey,
  nestConfig,
  unknownKeyError,
  validateConfig,
} from "./config_schema.ts";
import { PROFILE, type ProfileLayer } from "./settings.ts";

/** Version of the profile file format this gestvenv reads and writes. */
export const PROFILE_FORMAT_VERSION = 1;

/** One configuration profile. */
export interface ConfigProfile {
  /** Its name (`dev`, `team`). */
  name: string;
  /** One line saying what it is for. */
  description: string;
  /** Its settings, as (flattened, canonical) configuration keys. */
  settings: GestvenvConfig;
  /** `builtin`: defined by gestvenv; `user`: a file under `<home>/profiles/`. */
  kind: "builtin" | "user";
  /** The file of a user profile; undefined for a built-in. */
  file: string | undefined;
}

/**
 * Keys a profile may not set: where gestvenv keeps things (a profile moving the environments or
 * the cache would hide them), the active profile itself, and hooks (`hooks.*`: a profile would
 * replace the user's own hooks of the same event, e.g. turn a pre-install check off, without a
 * word; hooks are the user's, kept in config.toml, the project or an environment's record).
 */
export const PROFILE_EXCLUDED_KEYS: ReadonlySet<string> = new Set([
  "environments_path",
  "cache_path",
  "active_profile",
]);

/**
 * The built-in profiles. Each only names keys gestvenv has; README's "Configuration profiles"
 * table lists them.
 */
export const BUILTIN_PROFILES: ReadonlyMap<string, ConfigProfile> = new Map(
  ([
    {
      name: "dev",
      description:
        "Day-to-day development: projects synced before `run`, progress shown, update notes on activate",
      settings: {
        auto_sync: true,
        "general.show_progress": true,
        "ui.progress_style": "bar",
        check_updates_on_activate: true,
      },
    },
    {
      name: "prod",
      description:
        "Unattended and reproducible: no auto-sync, no progress drawing or emoji in logs, bounded time, more retries, hashes required",
      settings: {
        auto_sync: false,
        check_updates_on_activate: false,
        "general.show_progress": false,
        "ui.progress_style": "none",
        "general.emoji_support": false,
        "ui.color_scheme": "never",
        operation_timeout: 3600,
        "performance.max_retries": 5,
        "security.require_hashes": true,
      },
    },
    {
      name: "secure",
      description:
        "Verification first: strict security mode (allowed sources, hashes, an audit before every install), PEP 740 attestations required, the cache never trusted over the index",
      settings: {
        "security.mode": "strict",
        "security.require_signatures": true,
        "cache.fallback_to_online": false,
        use_cache: true,
        check_updates_on_activate: true,
      },
    },
    {
      name: "fast",
      description:
        "Speed: gestvenv's native installer, 16 parallel downloads, cached index pages even when stale",
      settings: {
        backend: "native",
        fallback_backend: "native",
        "performance.parallel_downloads": 16,
        "cache.fallback_to_online": true,
        check_updates_on_activate: false,
      },
    },
  ] satisfies Array<Omit<ConfigProfile, "kind" | "file">>).map((p) => [
    p.name,
    { ...p, settings: p.settings as GestvenvConfig, kind: "builtin" as const, file: undefined },
  ]),
);

/** The name `profile activate none` gives to mean "no profile". */
export const NO_PROFILE = "none";

/**
 * Checks a profile name: lower-case letters, digits, `-` and `_`, starting with a letter or digit,
 * at most 64 characters, and not `none`.
 *
 * @throws {ConfigError} Otherwise.
 */
export function checkProfileName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name) || name === NO_PROFILE) {
    throw new ConfigError(`\`${name}\` is not a valid profile name`, {
      hint:
        "Use lower-case letters, digits, `-` and `_` (e.g. `team`, `ci-fast`); `none` is reserved",
    });
  }
  return name;
}

/** The directory of user profiles: `<home>/profiles`. */
export function profilesDir(home: HomeLayout): string {
  return join(home.root, "profiles");
}

/** The file of user profile `name`. */
export function profileFile(home: HomeLayout, name: string): string {
  return join(profilesDir(home), `${checkProfileName(name)}.toml`);
}

/**
 * Checks a profile's settings: every key known (a did-you-mean otherwise), none of
 * {@linkcode PROFILE_EXCLUDED_KEYS} and no `hooks.*` key, every value valid for its key.
 *
 * @param settings Flattened keys (`flattenConfig`).
 * @param where The file, for messages.
 * @throws {ConfigError} For the first problem.
 */
export function validateProfileSettings(
  settings: Record<string, unknown>,
  where: string,
): GestvenvConfig {
  for (const key of Object.keys(settings)) {
    if (!isConfigKey(key)) throw unknownKeyError(key, ` in ${where}`);
    if (key.startsWith("hooks.")) {
      throw new ConfigError(
        `\`${key}\` cannot be set by a profile (${where}): a profile's hooks would replace ` +
          "your own hooks of that event",
        {
          hint: "Remove the [settings.hooks] entries from the profile; add hooks with " +
            "`gestvenv hook add EVENT COMMAND` (globally, or `--env NAME` for one environment)",
        },
      );
    }
    if (PROFILE_EXCLUDED_KEYS.has(key)) {
      throw new ConfigError(`\`${key}\` cannot be set by a profile (${where})`, {
        hint: "Set it in config.toml with `gestvenv config set`",
      });
    }
  }
  return validateConfig(settings, where).config;
}

/**
 * Reads a profile from TOML text (JSON when `where` ends in `.json`, as `profile export` writes
 * it): a profile file (`version = 1`, `description`, `[settings]`) or, for
 * `profile create --from-config`, a plain config.toml (its keys are the settings).
 *
 * @param where The file, for messages.
 * @param syntax `toml` or `json`. @default json for a `where` ending in `.json`, else toml
 * @throws {ConfigError} When the text is not TOML (JSON), names another format version, or has an
 *   unknown key or a bad value.
 */
export function parseProfileText(
  text: string,
  name: string,
  where: string,
  syntax: "toml" | "json" = where.toLowerCase().endsWith(".json") ? "json" : "toml",
): ConfigProfile {
  const json = syntax === "json";
  let doc: Record<string, unknown>;
  try {
    doc = (json ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `${where} is not valid ${json ? "JSON" : "TOML"}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError(`${where} is not a profile: a table (object) was expected`);
  }
  if (json) delete doc.name; // `profile export` names the profile; the file name decides.
  let description = "";
  let body = doc;
  if ("settings" in doc || "version" in doc) {
    const version = doc.version ?? PROFILE_FORMAT_VERSION;
    if (version !== PROFILE_FORMAT_VERSION) {
      throw new ConfigError(
        `${where} is a profile of format version ${
          String(version)
        }; this gestvenv reads version ${PROFILE_FORMAT_VERSION}`,
        { hint: "Upgrade gestvenv, or rewrite the file with `version = 1`" },
      );
    }
    for (const key of Object.keys(doc)) {
      if (!["version", "description", "settings"].includes(key)) {
        throw new ConfigError(`Unknown entry \`${key}\` in the profile ${where}`, {
          hint: "A profile file has `version`, `description` and a `[settings]` table",
        });
      }
    }
    if (doc.description !== undefined && typeof doc.description !== "string") {
      throw new ConfigError(`\`description\` of ${where} is not a string`);
    }
    description = (doc.description as string | undefined) ?? "";
    const settings = doc.settings ?? {};
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
      throw new ConfigError(`\`settings\` of ${where} is not a table`);
    }
    body = settings as Record<string, unknown>;
  }
  const settings = validateProfileSettings(flattenConfig(body), where);
  return { name, description, settings, kind: "user", file: where };
}

/** A profile as the JSON of `profile export FILE.json` (`version`, `name`, `settings` tables). */
export function renderProfileJson(profile: ConfigProfile): string {
  return JSON.stringify(
    {
      version: PROFILE_FORMAT_VERSION,
      name: profile.name,
      description: profile.description,
      settings: nestConfig(profile.settings as Record<string, unknown>),
    },
    null,
    2,
  ) + "\n";
}

/** A profile as the TOML of a profile file (`version = 1`, `description`, `[settings]`). */
export function renderProfile(profile: ConfigProfile): string {
  const doc: Record<string, unknown> = { version: PROFILE_FORMAT_VERSION };
  if (profile.description !== "") doc.description = profile.description;
  doc.settings = nestConfig(profile.settings as Record<string, unknown>);
  return `# gestvenv configuration profile \`${profile.name}\`` +
    " (`gestvenv profile show NAME` explains it).\n" + stringify(doc) + "\n";
}

/**
 * The profile called `name`: a built-in, else `<home>/profiles/NAME.toml`. Requires
 * `--allow-read`.
 *
 * @throws {ConfigError} When there is none (naming the known profiles), or its file is invalid.
 */
export async function loadProfile(home: HomeLayout, name: string): Promise<ConfigProfile> {
  const builtin = BUILTIN_PROFILES.get(name);
  if (builtin !== undefined) return builtin;
  const file = profileFile(home, name);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      const known = (await listProfiles(home)).map((p) => p.name);
      throw new ConfigError(`No configuration profile \`${name}\``, {
        hint: `Known profiles: ${known.join(", ")}; create one with ` +
          "`gestvenv profile create NAME --from-config FILE`",
      });
    }
    throw new ConfigError(`Cannot read the profile ${file}`, { cause: error });
  }
  return parseProfileText(text, name, file);
}

/**
 * Every profile: the built-ins, then the user profiles by name (files whose name is not a valid
 * profile name are skipped). A user profile with a built-in's name is not listed: the built-in
 * wins. Requires `--allow-read`.
 *
 * @throws {ConfigError} When a user profile file is invalid.
 */
export async function listProfiles(home: HomeLayout): Promise<ConfigProfile[]> {
  const out = [...BUILTIN_PROFILES.values()];
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(profilesDir(home))) {
      const m = /^([a-z0-9][a-z0-9_-]{0,63})\.toml$/.exec(entry.name);
      if (entry.isFile && m !== null && m[1] !== NO_PROFILE && !BUILTIN_PROFILES.has(m[1]!)) {
        names.push(m[1]!);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  for (const name of names.sort()) out.push(await loadProfile(home, name));
  return out;
}

/**
 * Writes user profile `profile` to `<home>/profiles/NAME.toml` atomically. Requires
 * `--allow-write`.
 *
 * @throws {ConfigError} When the name is a built-in's.
 */
export async function saveProfile(home: HomeLayout, profile: ConfigProfile): Promise<string> {
  if (BUILTIN_PROFILES.has(profile.name)) {
    throw new ConfigError(`\`${profile.name}\` is a built-in profile`, {
      hint: "Choose another name",
    });
  }
  const file = profileFile(home, profile.name);
  await Deno.mkdir(profilesDir(home), { recursive: true });
  await atomicWriteFile(file, renderProfile(profile));
  return file;
}

/**
 * The active profile's layer for `resolveSettings`: `GESTVENV_PROFILE` (`none`: no profile),
 * else `active_profile` of the configuration; undefined when neither names one. Requires
 * `--allow-read`.
 *
 * @throws {ConfigError} When the named profile does not exist or is invalid.
 */
export async function loadActiveProfile(
  home: HomeLayout,
  config: GestvenvConfig,
  env: EnvLookup = readEnv,
): Promise<ProfileLayer | undefined> {
  const name = env(PROFILE) ?? config.active_profile;
  if (name === undefined || name === NO_PROFILE) return undefined;
  const profile = await loadProfile(home, name);
  return {
    name,
    settings: profile.settings,
    origin: profile.file ?? "built-in",
  };
}

/** The keys of `settings` an environment's record keeps (`config set-env`). */
export function environmentLevelKeys(
  settings: GestvenvConfig,
  known: readonly string[],
): ConfigKey[] {
  return (Object.keys(settings) as ConfigKey[]).filter((k) => known.includes(k));
}
