/**
 * Where hooks are kept, read and changed (issue 12 §4): global hooks in `[hooks]` of the user's
 * config.toml, project hooks in `[hooks]` of `.gestvenv.toml` (or `[tool.gestvenv.hooks]` of
 * pyproject.toml, read but not written), environment hooks in the environment's registry record.
 *
 * @module
 */
import { parse } from "npm:smol-toml@1.9.1";
import {
  canonicalKey,
  type GestvenvConfig,
  HOOK_EVENT_KEYS,
  hookEntriesOf,
  type HookEntry,
  type HookEventKey,
  type ProjectSettings,
  type ResolvedSettings,
  updateConfig,
} from "../config/mod.ts";
import {
  changeRegistry,
  type EnvironmentContext,
  type EnvironmentRecord,
} from "../environments/mod.ts";
import { ConfigError, EnvironmentNotFoundError, OperationError } from "../errors/mod.ts";
import { atomicWriteFile, readUserFile, replaceUserFile } from "../fs/mod.ts";
import {
  commandOf,
  eventKey,
  HOOK_EVENT_NAMES,
  type HookDefinition,
  type HookEventName,
  hooksOfEntries,
} from "./hook_definition.ts";

/** The event named by a `[hooks]` key. */
function eventOfKey(key: HookEventKey): HookEventName {
  return key.replaceAll("_", "-") as HookEventName;
}

/** The global hooks (`[hooks]` of config.toml), in event order. */
export async function globalHooks(
  settings: ResolvedSettings,
  configFile: string,
): Promise<HookDefinition[]> {
  const out: HookDefinition[] = [];
  for (const key of HOOK_EVENT_KEYS) {
    const entries = settings.globalHooks.value[key];
    if (entries === undefined) continue;
    out.push(...await hooksOfEntries("global", "", configFile, eventOfKey(key), entries));
  }
  return out;
}

/**
 * The hooks a project defines (`[hooks]` of `.gestvenv.toml` over `[tool.gestvenv.hooks]`,
 * event by event), in event order.
 */
export async function projectHooks(project: ProjectSettings): Promise<HookDefinition[]> {
  const out: HookDefinition[] = [];
  const config = project.config as Record<string, unknown>;
  for (const key of HOOK_EVENT_KEYS) {
    const value = config[`hooks.${key}`];
    if (value === undefined) continue;
    const source = project.origins.get(`hooks.${key}`) ?? project.root;
    out.push(...await hooksOfEntries("project", project.root, source, eventOfKey(key), value));
  }
  return out;
}

/** An environment's own hooks (its record's `settings.hooks`), in event order. */
export async function environmentHooks(record: EnvironmentRecord): Promise<HookDefinition[]> {
  const out: HookDefinition[] = [];
  const hooks = record.settings?.hooks ?? {};
  for (const key of HOOK_EVENT_KEYS) {
    const value = hooks[key];
    if (value === undefined) continue;
    out.push(
      ...await hooksOfEntries("environment", record.name, "registry", eventOfKey(key), value),
    );
  }
  return out;
}

/** The entries of one event in a `[hooks]`-shaped table, as a list. */
function entriesAt(table: Record<string, unknown> | undefined, key: HookEventKey): HookEntry[] {
  const value = table?.[key];
  return value === undefined ? [] : hookEntriesOf(value, `\`hooks.${key}\``);
}

/** A list of entries as stored: one bare command line stays a string. */
function stored(entries: HookEntry[]): HookEntry | HookEntry[] {
  return entries.length === 1 && typeof entries[0] === "string" ? entries[0] : entries;
}

/** Refuses a hook whose command is already defined at that event in that place. */
function refuseDuplicate(entries: HookEntry[], entry: HookEntry, where: string): void {
  if (entries.some((e) => commandOf(e) === commandOf(entry))) {
    throw new OperationError(`${where} already has this hook: ${commandOf(entry)}`, "hook_exists", {
      hint: "`gestvenv hook list` shows it and its id",
    });
  }
}

/**
 * Adds a global hook to `[hooks]` of the user's config.toml (locked, atomic).
 *
 * @throws {OperationError} `hook_exists` when the same command is already a hook of that event.
 * @throws {ConfigError} When config.toml is invalid.
 */
export async function addGlobalHook(
  configFile: string,
  event: HookEventName,
  entry: HookEntry,
): Promise<void> {
  await updateConfig(configFile, (config) => {
    const key = `hooks.${eventKey(event)}` as keyof GestvenvConfig;
    const entries = config[key] === undefined ? [] : hookEntriesOf(config[key], `\`${key}\``);
    refuseDuplicate(entries, entry, configFile);
    config[key] = stored([...entries, entry]);
  });
}

/** Removes a global hook from config.toml (locked, atomic). */
export async function removeGlobalHook(configFile: string, hook: HookDefinition): Promise<void> {
  await updateConfig(configFile, (config) => {
    const key = `hooks.${eventKey(hook.event)}` as keyof GestvenvConfig;
    if (config[key] === undefined) return;
    const left = hookEntriesOf(config[key], `\`${key}\``)
      .filter((e) => commandOf(e) !== hook.command);
    if (left.length === 0) delete config[key];
    else config[key] = stored(left);
  });
}

/**
 * Adds a hook to an environment's record, under the registry lock (re-reading the record).
 *
 * @throws {EnvironmentNotFoundError} When the environment does not exist.
 * @throws {OperationError} `hook_exists` when the same command is already a hook of that event.
 */
export async function addEnvironmentHook(
  ctx: EnvironmentContext,
  name: string,
  event: HookEventName,
  entry: HookEntry,
): Promise<void> {
  await changeRegistry(ctx, (registry) => {
    const record = registry.environments.get(name);
    if (record === undefined) throw new EnvironmentNotFoundError(name);
    const hooks = record.settings?.hooks ?? {};
    const key = eventKey(event);
    const entries = entriesAt(hooks, key);
    refuseDuplicate(entries, entry, `\`${name}\``);
    hooks[key] = stored([...entries, entry]);
    record.settings = { ...record.settings, hooks };
  });
}

/** Removes a hook from an environment's record, under the registry lock. */
export async function removeEnvironmentHook(
  ctx: EnvironmentContext,
  hook: HookDefinition,
): Promise<void> {
  await changeRegistry(ctx, (registry) => {
    const record = registry.environments.get(hook.owner);
    const hooks = record?.settings?.hooks;
    if (record === undefined || hooks === undefined) return;
    const key = eventKey(hook.event);
    const left = entriesAt(hooks, key).filter((e) => commandOf(e) !== hook.command);
    if (left.length === 0) delete hooks[key];
    else hooks[key] = stored(left);
    if (Object.keys(hooks).length === 0) delete record.settings!.hooks;
    if (Object.keys(record.settings!).length === 0) delete record.settings;
  });
}

/** TOML text of one entry. */
function tomlEntry(entry: HookEntry): string {
  if (typeof entry === "string") return JSON.stringify(entry);
  const fields = [`command = ${JSON.stringify(entry.command)}`];
  if (entry.timeout !== undefined) fields.push(`timeout = ${entry.timeout}`);
  if (entry.name !== undefined) fields.push(`name = ${JSON.stringify(entry.name)}`);
  return `{ ${fields.join(", ")} }`;
}

/** The `[hooks]` section text of `table` (empty when it has no hooks). */
function hooksSection(table: Partial<Record<HookEventKey, HookEntry[]>>): string {
  const lines: string[] = [];
  for (const key of HOOK_EVENT_KEYS) {
    const entries = table[key];
    if (entries === undefined || entries.length === 0) continue;
    const value = stored(entries);
    lines.push(
      `${key} = ${
        Array.isArray(value) ? `[${value.map(tomlEntry).join(", ")}]` : tomlEntry(value)
      }`,
    );
  }
  return lines.length === 0 ? "" : `[hooks]\n${lines.join("\n")}\n`;
}

/**
 * Changes the `[hooks]` table of a project's `.gestvenv.toml` (created when missing). Only that
 * section is rewritten (comments inside it are not kept); the rest of the file stays byte for
 * byte, and a concurrent edit of the file is refused (`replaceUserFile`).
 *
 * @throws {ConfigError} When the file is not TOML, or writes its hooks in a form this edit
 *   cannot rewrite safely (an inline `hooks = {…}` table, dotted keys, sub-tables).
 * @throws {OperationError} `hook_exists` from `edit`.
 */
export async function editProjectHooks(
  file: string,
  edit: (hooks: Partial<Record<HookEventKey, HookEntry[]>>) => void,
): Promise<void> {
  const text = await readUserFile(file);
  let doc: Record<string, unknown>;
  try {
    doc = parse(text ?? "") as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${file} is not valid TOML: ${(error as Error).message}`, {
      cause: error,
      hint: "Fix the file, then add the hook again",
    });
  }
  const current: Partial<Record<HookEventKey, HookEntry[]>> = {};
  const raw = doc.hooks;
  if (raw !== undefined) {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw new ConfigError(`\`hooks\` in ${file} must be a table`, {
        hint: "Write the hooks under a `[hooks]` section",
      });
    }
    for (const [sub, value] of Object.entries(raw as Record<string, unknown>)) {
      const key = canonicalKey(`hooks.${sub}`).slice("hooks.".length) as HookEventKey;
      if (!HOOK_EVENT_KEYS.includes(key)) {
        throw new ConfigError(`Unknown hook event \`${sub}\` in ${file}`, {
          hint: `Use one of: ${HOOK_EVENT_NAMES.join(", ")}`,
        });
      }
      current[key] = [
        ...current[key] ?? [],
        ...hookEntriesOf(value, `\`hooks.${sub}\` of ${file}`),
      ];
    }
  }
  edit(current);
  const section = hooksSection(current);
  const source = text ?? "";
  const header = /^[ \t]*\[[ \t]*hooks[ \t]*\][ \t]*(#.*)?$/m.exec(source);
  let next: string;
  if (header !== null) {
    const start = header.index;
    const rest = source.slice(start + header[0].length);
    const following = /^[ \t]*\[/m.exec(rest);
    const end = following === null ? source.length : start + header[0].length + following.index;
    next = source.slice(0, start) + section + (following === null ? "" : "\n") + source.slice(end);
  } else if (raw === undefined) {
    next = section === ""
      ? source
      : source === ""
      ? section
      : `${source}${source.endsWith("\n") ? "" : "\n"}\n${section}`;
  } else {
    next = "";
  }
  // The edit must give exactly the intended hooks (else the file uses a form not rewritten here).
  let check: unknown;
  try {
    check = (parse(next) as Record<string, unknown>).hooks;
  } catch {
    check = Symbol("unparsable");
  }
  const intended = section === "" ? undefined : (parse(section) as Record<string, unknown>).hooks;
  if (next === "" || JSON.stringify(check) !== JSON.stringify(intended)) {
    throw new ConfigError(`Cannot rewrite the hooks of ${file} safely`, {
      hint: 'Write them as a `[hooks]` section (`post_create = "./setup.sh"`), or edit the ' +
        "file yourself",
    });
  }
  if (next === source) return;
  if (text === null) await atomicWriteFile(file, next);
  else await replaceUserFile(file, next, { expected: text });
}
