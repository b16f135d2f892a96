/**
 * Flags shared by `cache add` and `cache check-offline`: requirements, the machines to resolve
 * for (`--platforms`, `--python-version`, `--implementation`), and the resolution policies.
 *
 * @module
 */
import type { PrefetchTargetOptions } from "../../lib/packages/mod.ts";
import { parsePlatformList } from "../../lib/platforms/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import { optionalText, repeatable, toggle } from "../_help.ts";
import { RESOLVE_FLAGS, type ResolveFlags, resolveOptions } from "../_resolve_flags.ts";

/** Values of the flags of {@linkcode TARGET_FLAGS}. */
export interface TargetFlags extends Omit<ResolveFlags, "refresh"> {
  readonly platforms?: readonly string[];
  readonly pythonVersion?: string;
  readonly implementation?: string;
  readonly noDeps?: boolean;
}

const { refresh: _refresh, ...resolveFlags } = RESOLVE_FLAGS;

/** Stricli specs of {@linkcode TargetFlags}. */
export const TARGET_FLAGS = {
  ...resolveFlags,
  platforms: repeatable(
    "PEP 425 platform tags to resolve for, comma-separated (win_amd64,macosx_11_0_arm64,manylinux_2_28_x86_64,...)",
    "tags",
  ),
  pythonVersion: optionalText(
    "Python version of the --platforms machines (default: the interpreter's)",
    "X.Y",
  ),
  implementation: optionalText("Implementation of the --platforms machines (default: cp)", "cp"),
  noDeps: toggle("Only the named requirements, not their dependencies"),
} as const;

/** Turns the flags into the options of `prefetchArtifacts` / `checkOffline`. */
export function targetOptions(flags: TargetFlags, requirements: string[]): PrefetchTargetOptions {
  if (requirements.length === 0 && (flags.requirement ?? []).length === 0) {
    throw new UsageError("No requirements given", {
      hint: "Name requirements (`numpy pandas`), or pass `-r requirements.txt`",
    });
  }
  const base = resolveOptions(flags, requirements);
  return {
    requirements: base.requirements ?? [],
    requirementFiles: base.requirementFiles ?? [],
    constraintFiles: base.constraintFiles ?? [],
    onlyBinary: base.onlyBinary ?? [],
    noBinary: base.noBinary ?? [],
    ...(base.resolution !== undefined ? { resolution: base.resolution } : {}),
    ...(base.prerelease !== undefined ? { prerelease: base.prerelease } : {}),
    platforms: flags.platforms === undefined ? [] : parsePlatformList(flags.platforms),
    pythonVersion: flags.pythonVersion,
    implementation: flags.implementation,
    noDeps: flags.noDeps ?? false,
  };
}
