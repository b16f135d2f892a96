/** Formats an "Examples:" block for a command's full description in `--help`. */
export function examples(lines: Array<[string, string]>): string {
  const width = Math.max(...lines.map(([cmd]) => cmd.length));
  return "Examples:\n" +
    lines.map(([cmd, what]) => `  $ ${cmd.padEnd(width)}  # ${what}`).join("\n");
}

import { readRegistry } from "../lib/environments/mod.ts";
import { resolveHome } from "../lib/paths/mod.ts";

/** A positional environment name; the shell completes it from the registry. */
export function environmentName(brief = "Environment name", placeholder = "name") {
  return {
    kind: "parsed",
    parse: String,
    brief,
    placeholder,
    async proposeCompletions(partial: string): Promise<string[]> {
      const doc = await readRegistry(resolveHome().registryFile).catch(() => undefined);
      return [...(doc?.environments.keys() ?? [])].filter((n) => n.startsWith(partial)).sort();
    },
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

/** The backend choice flag. */
export const BACKEND_FLAG = {
  kind: "enum",
  values: ["auto", "pip", "uv"],
  brief: "Installer backend",
  optional: true,
} as const;
