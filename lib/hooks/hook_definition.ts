/**
 * What a hook is (issue 12 §4; spec 001 "Hooks et événements"): an event, a command line, a
 * scope (the user's configuration, a project, an environment), an optional timeout and name, and
 * a short stable id derived from them.
 *
 * @module
 */
import { hookEntriesOf, type HookEntry, type HookEventKey } from "../config/mod.ts";
import { LIFECYCLE_EVENTS, type LifecycleEventName } from "../environments/mod.ts";
import { UsageError } from "../errors/mod.ts";

/** An event a hook runs at: a lifecycle event, or `pre-run` (before `run`/`run-script`). */
export type HookEventName = LifecycleEventName | "pre-run";

/** Every {@linkcode HookEventName}, in the order an environment meets them. */
export const HOOK_EVENT_NAMES: readonly HookEventName[] = [...LIFECYCLE_EVENTS, "pre-run"];

/**
 * Where a hook is defined: `global` (`[hooks]` of the user's config.toml), `project`
 * (`[hooks]` of `.gestvenv.toml` or `[tool.gestvenv.hooks]` of pyproject.toml, run only once the
 * project is trusted), `environment` (the environment's registry record).
 */
export type HookScope = "global" | "project" | "environment";

/** One hook, as listed and run. */
export interface HookDefinition {
  /**
   * Short stable id: the scope's letter (`g`, `p`, `e`) and 6 hex digits of the sha256 of the
   * scope, its owner, the event and the command. The same hook keeps its id across runs; editing
   * its command makes it another hook.
   */
  id: string;
  /** The event it runs at. */
  event: HookEventName;
  /** Its scope. */
  scope: HookScope;
  /** The command line, run through `sh -c` (`cmd /d /s /c` on Windows). */
  command: string;
  /** Its own timeout in seconds, or null for `hooks.timeout`. */
  timeoutSeconds: number | null;
  /** A name for people, or null. */
  name: string | null;
  /** For `project`: the project root; for `environment`: its name; for `global`: "". */
  owner: string;
  /** The file (config.toml, .gestvenv.toml, pyproject.toml) or `registry` it is kept in. */
  source: string;
}

/** The `[hooks]` key of `event`: `post-install` → `post_install`. */
export function eventKey(event: HookEventName): HookEventKey {
  return event.replaceAll("-", "_") as HookEventKey;
}

/**
 * The event named by `text` (`post-install` or `post_install`, any case).
 *
 * @throws {UsageError} (exit 2) For an unknown event, listing the known ones.
 */
export function parseHookEvent(text: string): HookEventName {
  const event = text.trim().toLowerCase().replaceAll("_", "-");
  if ((HOOK_EVENT_NAMES as readonly string[]).includes(event)) return event as HookEventName;
  throw new UsageError(`Unknown hook event \`${text}\``, {
    hint: `Use one of: ${HOOK_EVENT_NAMES.join(", ")}`,
  });
}

/** Whether a failure of a hook at `event` stops the operation (`pre-*` events). */
export function isPreEvent(event: HookEventName): boolean {
  return event.startsWith("pre-");
}

/** The stable id of a hook (see {@linkcode HookDefinition.id}). */
export async function hookId(
  scope: HookScope,
  owner: string,
  event: HookEventName,
  command: string,
): Promise<string> {
  const text = `${scope}\0${owner}\0${eventKey(event)}\0${command}`;
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  const hex = [...digest.slice(0, 3)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${scope[0]}${hex}`;
}

/**
 * The hooks of one `[hooks]` event value (a command line, a table, or a list of them).
 *
 * @throws {ConfigError} For an invalid entry (see `hookEntriesOf`).
 */
export async function hooksOfEntries(
  scope: HookScope,
  owner: string,
  source: string,
  event: HookEventName,
  value: unknown,
): Promise<HookDefinition[]> {
  const entries = hookEntriesOf(value, `\`hooks.${eventKey(event)}\` of ${source}`);
  return await Promise.all(entries.map(async (entry) => {
    const command = commandOf(entry);
    return {
      id: await hookId(scope, owner, event, command),
      event,
      scope,
      command,
      timeoutSeconds: typeof entry === "string" ? null : entry.timeout ?? null,
      name: typeof entry === "string" ? null : entry.name ?? null,
      owner,
      source,
    };
  }));
}

/** The command line of an entry. */
export function commandOf(entry: HookEntry): string {
  return typeof entry === "string" ? entry : entry.command;
}

/**
 * The entry to store for a new hook: the bare command line when it has no timeout and no name,
 * else a table.
 *
 * @throws {UsageError} For an empty command, or a timeout that is not positive.
 */
export function newHookEntry(
  command: string,
  options: { timeoutSeconds?: number | undefined; name?: string | undefined } = {},
): HookEntry {
  if (command.trim() === "") {
    throw new UsageError("A hook needs a command", {
      hint: 'Give the command line to run, e.g. `gestvenv hook add post-create "./setup.sh"`',
    });
  }
  const { timeoutSeconds, name } = options;
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0 && timeoutSeconds <= 86_400)) {
    throw new UsageError(`Invalid hook timeout \`${timeoutSeconds}\``, {
      hint: "Give a number of seconds greater than 0 and at most 86400",
    });
  }
  if (timeoutSeconds === undefined && (name === undefined || name.trim() === "")) return command;
  return {
    command,
    ...(timeoutSeconds === undefined ? {} : { timeout: timeoutSeconds }),
    ...(name === undefined || name.trim() === "" ? {} : { name }),
  };
}
