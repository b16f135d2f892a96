import {
  HOOK_EVENT_KEYS,
  type HookEntries,
  hookEntriesOf,
  type HookEventKey,
} from "../config/mod.ts";
/** A distribution name and version as recorded in the registry. */
export interface PackagePin {
  /** PEP 503 normalized distribution name. */
  name: string;
  /** Installed version (PEP 440 text, as the distribution reports it). */
  version: string;
}

/**
 * An event an environment's own hook may run at: the lifecycle events written with `_`
 * (`post_install`), and `pre_run`, before `run` and `run-script` start their program.
 */
export type HookEvent = HookEventKey;

/** Every {@linkcode HookEvent}. */
export const HOOK_EVENTS: readonly HookEvent[] = HOOK_EVENT_KEYS;

/** The settings stored in the record's `settings` field (snake_case: registry JSON). */
export interface EnvironmentSettings {
  /** Sync before `run` when the bound project's pyproject.toml changed. */
  auto_sync?: boolean;
  /**
   * The environment's own hooks, by event: a command line (what `config set-env ENV
   * hooks.pre_run "…"` stores, and what records made before issue 12 hold), or a list of command
   * lines and `{command, timeout?, name?}` tables (`gestvenv hook add EVENT COMMAND --env ENV`).
   * A failing `pre_*` hook stops the command.
   */
  hooks?: Partial<Record<HookEvent, HookEntries>>;
}

/** The pyproject.toml project an environment was made from (`create-from-pyproject`). */
export interface ProjectBinding {
  /** Absolute path of the project directory (holding its pyproject.toml). */
  path: string;
  /** The PEP 735 dependency groups installed, normalized. */
  groups: string[];
  /** The extras (`[project.optional-dependencies]`) installed, normalized. */
  extras: string[];
  /** Whether the project itself is installed (editable, PEP 660); false after `--no-project`. */
  installed: boolean;
  /**
   * sha256 (hex) of the project's pyproject.toml, followed by its pylock.toml when it has one, as
   * they were at the last create or sync; `auto_sync` syncs again when it differs. Absent in
   * records made before it existed.
   */
  synced_sha256?: string;
}

/**
 * Where an environment adopted by `migrate` came from (`migrate --adopt`, `migrate --from`).
 */
export interface AdoptionRecord {
  /** The tool that made it (`virtualenvwrapper`, `poetry`, `gestvenv2`, …, or `path`). */
  from: string;
  /** The path it was adopted from. */
  path: string;
  /**
   * True for `--in-place`: the environment stays where the other tool made it and gestvenv made
   * none of its files, so `delete` only unregisters it (it removes no file).
   */
  in_place: boolean;
  /** ISO 8601 time of the adoption. */
  at: string;
}

/**
 * What the registry knows about one environment. Stored as JSON in `environments.json`,
 * hence the snake_case keys.
 */
export interface EnvironmentRecord {
  /** The environment's name (unique, validated by `validateEnvironmentName`). */
  name: string;
  /** Absolute path of the environment root. */
  path: string;
  /**
   * The random id of the environment's marker file (`<path>/.gestvenv-env`, written at creation),
   * or null for environments made before markers existed and for adopted environments that
   * gestvenv did not create. Deleting anything unregistered requires a marker whose id no
   * registry lists.
   */
  id: string | null;
  /** The base interpreter it was created from. */
  python: { path: string; version: string; implementation: string };
  /** The backend that manages it: `native` (gestvenv's installer), `pip` or `uv`. */
  backend: "native" | "pip" | "uv";
  /** Free text from `--description`, or null. */
  description: string | null;
  /** ISO 8601 creation time. */
  created_at: string;
  /** ISO 8601 time of the last command that used or changed it. */
  last_used_at: string;
  /** The requirements the user asked for (PEP 508 strings, `-e PATH` for editables). */
  requirements: string[];
  /** Installed distributions as read back from the environment after the last change. */
  packages: PackagePin[];
  /** The project it was made from, when made by `create-from-pyproject`; absent otherwise. */
  project?: ProjectBinding;
  /** Its own settings (`config set-env`); absent when none is set. */
  settings?: EnvironmentSettings;
  /** Where `migrate` adopted it from; absent for environments gestvenv created. */
  adopted?: AdoptionRecord;
  /** A policy applied to this environment only (issue 12 §3), if any. */
  policy?: EnvironmentPolicy;
}

/**
 * A policy applied to one environment (`gestvenv policy apply FILE --to-env ENV`, issue 12 §3):
 * a copy of the file, so it travels with the record (rename, backups) and a later edit of the
 * file changes nothing until it is applied again.
 */
export interface EnvironmentPolicy {
  /** The file it was copied from (absolute), for people. */
  file: string;
  /** The file's text when it was applied (TOML, or JSON when `file` ends with `.json`). */
  text: string;
  /** When it was applied (ISO 8601). */
  applied_at: string;
}

/** The registry file as stored on disk (`environments.json`, format version 1). */
export interface RegistryFile {
  /** Format version of the file; 1. */
  version: 1;
  /** Records keyed by environment name. */
  environments: Record<string, EnvironmentRecord>;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Checks one registry entry read from disk and returns it typed, or the reason it is not a
 * record. Entries written before the `id` field existed get `id: null`.
 */
export function parseEnvironmentRecord(name: string, value: unknown): EnvironmentRecord | string {
  if (!isObject(value)) return value === null ? "the entry is null" : "the entry is not an object";
  const python = value.python;
  const checks: Array<[boolean, string]> = [
    [value.name === name, "its `name` does not match its key"],
    [isString(value.path) && value.path !== "", "`path` is missing"],
    [value.id === undefined || value.id === null || isString(value.id), "`id` is not a string"],
    [
      isObject(python) && isString(python.path) && isString(python.version) &&
      isString(python.implementation),
      "`python` is incomplete",
    ],
    [
      value.backend === "native" || value.backend === "pip" || value.backend === "uv",
      "`backend` is not native, pip or uv",
    ],
    [value.description === null || isString(value.description), "`description` is invalid"],
    [isString(value.created_at) && isString(value.last_used_at), "its times are missing"],
    [
      Array.isArray(value.requirements) && value.requirements.every(isString),
      "`requirements` is not a list of strings",
    ],
    [
      Array.isArray(value.packages) &&
      value.packages.every((p) => isObject(p) && isString(p.name) && isString(p.version)),
      "`packages` is not a list of pins",
    ],
    [value.project === undefined || isProjectBinding(value.project), "`project` is invalid"],
    [value.settings === undefined || isSettings(value.settings), "`settings` is invalid"],
    [value.adopted === undefined || isAdoption(value.adopted), "`adopted` is invalid"],
    [value.policy === undefined || isPolicy(value.policy), "`policy` is invalid"],
  ];
  const failed = checks.find(([ok]) => !ok);
  if (failed !== undefined) return failed[1];
  const python_ = python as Record<string, string>;
  return {
    name,
    path: value.path as string,
    id: (value.id as string | null | undefined) ?? null,
    python: {
      path: python_.path!,
      version: python_.version!,
      implementation: python_.implementation!,
    },
    backend: value.backend as "native" | "pip" | "uv",
    description: value.description as string | null,
    created_at: value.created_at as string,
    last_used_at: value.last_used_at as string,
    requirements: [...(value.requirements as string[])],
    packages: (value.packages as PackagePin[]).map((p) => ({ name: p.name, version: p.version })),
    ...(value.project === undefined
      ? {}
      : { project: copyProject(value.project as ProjectBinding) }),
    ...(value.settings === undefined
      ? {}
      : { settings: structuredClone(value.settings as EnvironmentSettings) }),
    ...(value.adopted === undefined ? {} : { adopted: { ...(value.adopted as AdoptionRecord) } }),
    ...(value.policy === undefined ? {} : { policy: { ...(value.policy as EnvironmentPolicy) } }),
  };
}

function isPolicy(v: unknown): boolean {
  return isObject(v) && isString(v.file) && isString(v.text) && isString(v.applied_at);
}

function isAdoption(v: unknown): boolean {
  return isObject(v) && isString(v.from) && isString(v.path) && typeof v.in_place === "boolean" &&
    isString(v.at);
}

function isSettings(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (v.auto_sync !== undefined && typeof v.auto_sync !== "boolean") return false;
  const hooks = v.hooks;
  return hooks === undefined ||
    (isObject(hooks) &&
      Object.entries(hooks).every(([event, entries]) =>
        (HOOK_EVENTS as readonly string[]).includes(event) && isHookEntries(entries)
      ));
}

function isHookEntries(v: unknown): boolean {
  try {
    hookEntriesOf(v, "the registry");
    return true;
  } catch {
    return false;
  }
}

function isProjectBinding(v: unknown): boolean {
  return isObject(v) && isString(v.path) && v.path !== "" &&
    Array.isArray(v.groups) && v.groups.every(isString) &&
    Array.isArray(v.extras) && v.extras.every(isString) && typeof v.installed === "boolean" &&
    (v.synced_sha256 === undefined || isString(v.synced_sha256));
}

function copyProject(p: ProjectBinding): ProjectBinding {
  return {
    path: p.path,
    groups: [...p.groups],
    extras: [...p.extras],
    installed: p.installed,
    ...(p.synced_sha256 === undefined ? {} : { synced_sha256: p.synced_sha256 }),
  };
}
