/**
 * An environment's own settings (spec 001 `config set-env ENV KEY VALUE`): kept in its registry
 * record, they beat the project and the user configuration for commands on that environment.
 *
 * @module
 */
import { ConfigError, EnvironmentNotFoundError, UsageError } from "../errors/mod.ts";
import { hookEntriesOf, parseSwitch } from "../config/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { changeRegistry, type EnvironmentContext, getEnvironment } from "./context.ts";
import {
  type EnvironmentRecord,
  type EnvironmentSettings,
  HOOK_EVENTS,
  type HookEvent,
} from "./environment_record.ts";

/**
 * The keys `config set-env` takes: `backend` (the record's backend), `auto_sync`, `groups` (the
 * PEP 735 groups of the bound project that `sync` installs) and `hooks.<event>`.
 */
export const ENVIRONMENT_SETTING_KEYS: readonly string[] = [
  "backend",
  "auto_sync",
  "groups",
  ...HOOK_EVENTS.map((e) => `hooks.${e}`),
];

/** One environment setting as shown: key, value, and what it means. */
export interface EnvironmentSettingView {
  /** The key (`auto_sync`, `hooks.pre_run`). */
  key: string;
  /** Its value; undefined when unset. */
  value: string | boolean | string[] | undefined;
  /** Where it is kept in the record. */
  stored: string;
}

/** Every environment setting of `record`, set or not, in {@linkcode ENVIRONMENT_SETTING_KEYS} order. */
export function environmentSettings(record: EnvironmentRecord): EnvironmentSettingView[] {
  return ENVIRONMENT_SETTING_KEYS.map((key) => {
    if (key === "backend") return { key, value: record.backend, stored: "backend" };
    if (key === "groups") return { key, value: record.project?.groups, stored: "project.groups" };
    if (key === "auto_sync") {
      return { key, value: record.settings?.auto_sync, stored: "settings.auto_sync" };
    }
    const event = key.slice("hooks.".length) as HookEvent;
    const entries = record.settings?.hooks?.[event];
    const value = entries === undefined || typeof entries === "string"
      ? entries
      : hookEntriesOf(entries, "the registry").map((e) => typeof e === "string" ? e : e.command);
    return { key, value, stored: `settings.hooks.${event}` };
  });
}

/**
 * Applies `key = raw` (or removes it when `raw` is undefined) to `record`, in place: what
 * {@linkcode setEnvironmentSetting} stores, and what a dry run shows.
 *
 * @throws {UsageError} for an unknown key, `groups` of an environment with no project, or unsetting `backend`.
 * @throws {ConfigError} for an invalid value.
 */
export function applyEnvironmentSetting(
  record: EnvironmentRecord,
  key: string,
  raw: string | undefined,
): void {
  if (!ENVIRONMENT_SETTING_KEYS.includes(key)) {
    throw new UsageError(`Unknown environment setting \`${key}\``, {
      hint: `Known keys: ${ENVIRONMENT_SETTING_KEYS.join(", ")}`,
    });
  }
  if (key === "backend") {
    if (raw === undefined) {
      throw new UsageError("An environment always has a backend; it cannot be unset", {
        hint: `Set another one: \`gestvenv config set-env ${record.name} backend native\``,
      });
    }
    if (raw !== "native" && raw !== "pip" && raw !== "uv") {
      throw new ConfigError(`Invalid backend \`${raw}\``, { hint: "Use native, pip or uv" });
    }
    record.backend = raw;
    return;
  }
  if (key === "groups") {
    if (record.project === undefined) {
      throw new UsageError(`\`${record.name}\` is not bound to a project`, {
        hint: "Groups belong to a pyproject.toml project: create the environment with " +
          "`gestvenv create-from-pyproject`",
      });
    }
    record.project.groups = raw === undefined
      ? []
      : [...new Set(raw.split(/[\s,]+/).filter((g) => g !== "").map(normalizeName))];
    return;
  }
  const settings: EnvironmentSettings = record.settings ?? {};
  if (key === "auto_sync") {
    if (raw === undefined) delete settings.auto_sync;
    else settings.auto_sync = parseSwitch(raw, "`auto_sync`");
  } else {
    const event = key.slice("hooks.".length) as HookEvent;
    const hooks = settings.hooks ?? {};
    if (raw === undefined || raw.trim() === "") delete hooks[event];
    else hooks[event] = raw;
    if (Object.keys(hooks).length > 0) settings.hooks = hooks;
    else delete settings.hooks;
  }
  if (Object.keys(settings).length > 0) record.settings = settings;
  else delete record.settings;
}

/**
 * Sets (or, with `raw` undefined, unsets) one of an environment's own settings, under the
 * registry lock, re-reading the record. Returns the updated record.
 *
 * @param key One of {@linkcode ENVIRONMENT_SETTING_KEYS}.
 * @throws {UsageError} for an unknown key, `groups` of an environment with no project, or unsetting `backend`.
 * @throws {ConfigError} for an invalid value.
 * @throws {EnvironmentNotFoundError} when no environment has that name.
 */
export async function setEnvironmentSetting(
  ctx: EnvironmentContext,
  name: string,
  key: string,
  raw: string | undefined,
): Promise<EnvironmentRecord> {
  applyEnvironmentSetting(structuredClone(await getEnvironment(ctx, name)), key, raw);
  return await changeRegistry(ctx, (registry) => {
    const record = registry.environments.get(name);
    if (record === undefined) throw new EnvironmentNotFoundError(name);
    applyEnvironmentSetting(record, key, raw);
    return record;
  });
}
