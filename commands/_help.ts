/** Formats an "Examples:" block for a command's full description in `--help`. */
export function examples(lines: Array<[string, string]>): string {
  const width = Math.max(...lines.map(([cmd]) => cmd.length));
  return "Examples:\n" +
    lines.map(([cmd, what]) => `  $ ${cmd.padEnd(width)}  # ${what}`).join("\n");
}

import { readRegistry } from "../lib/environments/mod.ts";
import { GLOBAL_FLAG_NAMES } from "./_context.ts";
import { resolveHome } from "../lib/paths/mod.ts";

/**
 * The registered environment names that start with `partial`, sorted, for shell completion; none
 * when the registry cannot be read (completion never fails loudly).
 */
export async function completeEnvironmentNames(partial: string): Promise<string[]> {
  const doc = await readRegistry(resolveHome().registryFile).catch(() => undefined);
  return [...(doc?.environments.keys() ?? [])].filter((n) => n.startsWith(partial)).sort();
}

/** What the hidden `complete` command passes to completion functions as `this`. */
export interface CompletionContext {
  /** Every word of the command line being completed (the last one is the partial word). */
  readonly completionWords?: readonly string[];
}

/**
 * Completion for an array positional whose first element may be an environment (`run NAME CMD`,
 * `lock NAME`): environment names for the first positional word after `command`, nothing after
 * it. Flags are skipped (with their value when `valueFlags` or a global flag takes one).
 */
export function firstArgumentEnvironmentNames(
  command: string,
  valueFlags: readonly string[] = [],
) {
  return async function (this: unknown, partial: string) {
    const words = (this as CompletionContext | undefined)?.completionWords ?? [];
    const at = words.indexOf(command);
    if (at < 0) return [];
    let positionals = 0;
    const typed = words.slice(at + 1, -1);
    for (let i = 0; i < typed.length; i++) {
      const word = typed[i]!;
      if (word === "--") {
        positionals += typed.length - i - 1;
        break;
      }
      if (!word.startsWith("-")) positionals++;
      else if (
        !word.includes("=") && (GLOBAL_FLAG_NAMES.get(word) === true || valueFlags.includes(word))
      ) i++;
    }
    return positionals === 0 ? await completeEnvironmentNames(partial) : [];
  };
}

/** A positional environment name; the shell completes it from the registry. */
export function environmentName(brief = "Environment name", placeholder = "name") {
  return {
    kind: "parsed",
    parse: String,
    brief,
    placeholder,
    proposeCompletions: completeEnvironmentNames,
  } as const;
}

/** The `--env NAME` flag of package commands; the shell completes its value from the registry. */
export function environmentFlag(
  brief = "Environment (default: the active gestvenv environment)",
) {
  return {
    kind: "parsed",
    parse: String,
    brief,
    placeholder: "name",
    optional: true,
    proposeCompletions: completeEnvironmentNames,
  } as const;
}

/** A stricli parameter spec for a string flag or positional. */
export function text(brief: string, placeholder: string) {
  return { kind: "parsed", parse: String, brief, placeholder } as const;
}

/** A stricli parameter spec for an optional string flag. */
export function optionalText(brief: string, placeholder: string) {
  return { kind: "parsed", parse: String, brief, placeholder, optional: true } as const;
}

/** A stricli parameter spec for a repeatable string flag (`-r a -r b`). */
export function repeatable(brief: string, placeholder: string) {
  return {
    kind: "parsed",
    parse: String,
    brief,
    placeholder,
    optional: true,
    variadic: true,
  } as const;
}

/** A stricli parameter spec for an optional boolean switch (no `--no-` form). */
export function toggle(brief: string) {
  return { kind: "boolean", brief, optional: true, withNegated: false } as const;
}

/** `--link-mode`: how the native installer puts cached files into the environment. */
export const LINK_MODE_FLAG = {
  kind: "enum",
  values: ["clone", "hardlink", "copy"],
  brief: "How files go from the cache into the environment (native backend)",
  optional: true,
} as const;

/** `--compile`: byte-compile what is installed. */
export const COMPILE_FLAG = {
  kind: "boolean",
  brief: "Byte-compile the installed modules (one Python process; native backend)",
  optional: true,
  withNegated: false,
} as const;

/** The backend choice flag. */
export const BACKEND_FLAG = {
  kind: "enum",
  values: ["auto", "native", "pip", "uv"],
  brief: "Installer: native (gestvenv's, the default; auto = native), or pip/uv applying its lock",
  optional: true,
} as const;
