/**
 * Flags shared by the commands that resolve (`resolve`, `lock`): interpreter, files,
 * resolution and pre-release policies, binary choices, `--refresh` (`--offline` is global).
 *
 * @module
 */
import type { ResolveRequirementsOptions } from "../lib/packages/mod.ts";
import { normalizeName } from "../lib/names/mod.ts";
import { optionalText, repeatable, toggle } from "./_help.ts";

/** Values of the shared resolution flags. */
export interface ResolveFlags {
  readonly python?: string;
  readonly requirement?: readonly string[];
  readonly constraint?: readonly string[];
  readonly resolution?: "highest" | "lowest" | "lowest-direct";
  readonly prerelease?: "if-necessary-or-explicit" | "allow" | "if-necessary" | "disallow";
  readonly onlyBinary?: readonly string[];
  readonly noBinary?: readonly string[];
  readonly refresh?: boolean;
  readonly indexUrl?: string;
}

/** Stricli specs of {@linkcode ResolveFlags}. */
export const RESOLVE_FLAGS = {
  python: optionalText("Interpreter to resolve for (3.12, >=3.10, a path)", "request"),
  requirement: repeatable("Requirements file (repeatable)", "file"),
  constraint: repeatable(
    "Constraints file: limits versions without requiring (repeatable)",
    "file",
  ),
  resolution: {
    kind: "enum",
    values: ["highest", "lowest", "lowest-direct"],
    brief: "Version preference (default: highest)",
    optional: true,
  },
  prerelease: {
    kind: "enum",
    values: ["if-necessary-or-explicit", "allow", "if-necessary", "disallow"],
    brief: "Pre-releases (default: only when a specifier names one, or nothing else exists)",
    optional: true,
  },
  onlyBinary: repeatable("Use only wheels for these packages (`:all:` for every one)", "name"),
  noBinary: repeatable("Never use wheels for these packages (`:all:` for every one)", "name"),
  refresh: toggle("Fetch index pages again, unconditionally, and retry failed sdist builds"),
  indexUrl: optionalText("Package index (overrides the configuration)", "url"),
} as const;

/** Aliases of the shared resolution flags. */
export const RESOLVE_ALIASES = { p: "python", r: "requirement", c: "constraint" } as const;

/** Turns the flags into resolver options. */
export function resolveOptions(
  flags: ResolveFlags,
  requirements: string[],
): ResolveRequirementsOptions {
  const names = (list: readonly string[] | undefined) =>
    (list ?? []).flatMap((v) => v.split(",")).map((n) => (n === ":all:" ? n : normalizeName(n)));
  return {
    requirements,
    requirementFiles: [...(flags.requirement ?? [])],
    constraintFiles: [...(flags.constraint ?? [])],
    ...(flags.resolution !== undefined ? { resolution: flags.resolution } : {}),
    ...(flags.prerelease !== undefined ? { prerelease: flags.prerelease } : {}),
    onlyBinary: names(flags.onlyBinary),
    noBinary: names(flags.noBinary),
    refresh: flags.refresh ?? false,
  };
}
