/**
 * What `cache add` and `cache check-offline` share: the machines a set of requirements is
 * resolved for (this interpreter, or platforms synthesized from `--platforms`,
 * `--python-version` and `--implementation`), and one resolution per machine that does not stop
 * the others when it fails.
 *
 * @module
 */
import { readBuildSystem, unpackSdist } from "../build/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { GestvenvError, ResolutionError, UsageError } from "../errors/mod.ts";
import type { IndexClient, IndexFile } from "../index/mod.ts";
import { bestTagRank, supportedTags, type TagSet } from "../pep425/mod.ts";
import { targetPlatform } from "../platforms/mod.ts";
import { findInterpreter, type Interpreter, tagInput } from "../python/mod.ts";
import {
  type PrereleaseMode,
  type Resolution,
  type ResolutionMode,
  resolve,
  type ResolveTarget,
} from "../resolver/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import type { RequirementInputs } from "./resolve_requirements.ts";

/** The requirements and machines of a prefetch or an offline check. */
export interface PrefetchTargetOptions {
  /** PEP 508 requirement strings. @default [] */
  requirements?: string[];
  /** requirements.txt files (`-r`); their index options apply. @default [] */
  requirementFiles?: string[];
  /** Constraints files (`-c`). @default [] */
  constraintFiles?: string[];
  /**
   * PEP 425 platform tags to resolve for (`win_amd64`, `macosx_11_0_arm64`, ...), each a machine
   * synthesized by lib/platforms; none = the interpreter of the `python` setting.
   * @default []
   */
  platforms?: string[];
  /** The Python version of the platforms (`X.Y[.Z]`). @default the interpreter's version */
  pythonVersion?: string | undefined;
  /** The implementation of the platforms (`cp`). @default "cp" */
  implementation?: string | undefined;
  /** Only the named requirements, not their dependencies (pip's `--no-deps`). @default false */
  noDeps?: boolean;
  /** Version preference. @default "highest" */
  resolution?: ResolutionMode;
  /** Pre-release policy. @default "if-necessary-or-explicit" */
  prerelease?: PrereleaseMode;
  /** Normalized names, or `:all:`, that must come from wheels. @default [] */
  onlyBinary?: string[];
  /** Normalized names, or `:all:`, that must not come from wheels. @default [] */
  noBinary?: string[];
}

/** One machine to resolve for. */
export interface PrefetchTarget {
  /** Its label: the platform tag, or the interpreter's platform (`linux-x86_64`). */
  platform: string;
  /** The Python version it stands for (`3.12.0`). */
  python: string;
  /** Its supported tags (to say whether a wheel fits). */
  tags: TagSet;
  /** How the resolver is told about it. */
  resolveWith: { target: ResolveTarget } | { interpreter: Interpreter["info"] };
}

/**
 * The machines of `options`: one per `--platforms` tag (Python version from `pythonVersion`, else
 * the interpreter's), or the interpreter itself. Also returns the interpreter, when one is found
 * (it builds sdist metadata whose dependencies are dynamic); it is required when no platform is
 * named or no Python version is given.
 * @throws {UsageError} for a platform tag, Python version or implementation that cannot be
 *   described, or `--python-version`/`--implementation` without `--platforms`.
 * @throws {GestvenvError} when the required interpreter cannot be found.
 */
export async function prefetchTargets(
  ctx: EnvironmentContext,
  options: PrefetchTargetOptions,
): Promise<{ targets: PrefetchTarget[]; interpreter: Interpreter | undefined }> {
  const platforms = options.platforms ?? [];
  const find = () => findInterpreter(ctx.settings.python.value, { cacheDir: ctx.home.cacheDir });
  if (platforms.length === 0) {
    if (options.pythonVersion !== undefined || options.implementation !== undefined) {
      throw new UsageError("`--python-version` and `--implementation` describe `--platforms`", {
        hint:
          "Name the platforms too (--platforms win_amd64,...), or choose an interpreter with --python",
      });
    }
    const interpreter = await find();
    const info = interpreter.info;
    return {
      targets: [{
        platform: info.sysconfig_platform,
        python: info.version,
        tags: supportedTags(tagInput(info)),
        resolveWith: { interpreter: info },
      }],
      interpreter,
    };
  }
  let interpreter: Interpreter | undefined;
  if (options.pythonVersion === undefined) interpreter = await find();
  else {
    // Only sdist metadata builds use it: without one, such sdists are reported, not built.
    interpreter = await find().catch(() => undefined);
  }
  const pythonVersion = options.pythonVersion ?? interpreter!.info.version;
  const targets = platforms.map((platform): PrefetchTarget => {
    const t = targetPlatform({
      platform,
      pythonVersion,
      ...(options.implementation !== undefined ? { implementation: options.implementation } : {}),
    });
    return {
      platform: t.platform,
      python: t.pythonFullVersion,
      tags: t.tags,
      resolveWith: {
        target: {
          markers: t.markers,
          tags: t.tags,
          pythonFullVersion: t.pythonFullVersion,
          platform: t.platform,
        },
      },
    };
  });
  return { targets, interpreter };
}

/** A resolution for one machine, or why there is none. */
export type TargetResolution =
  | { ok: true; resolution: Resolution }
  | { ok: false; error: GestvenvError };

/**
 * Resolves `inputs` for `target` on `index`. A failure to find a solution (a `ResolutionError`,
 * e.g. a project without a file for that platform) is returned, so the other machines go on;
 * other errors (network, interruption) are thrown.
 */
export async function resolveForTarget(
  index: IndexClient,
  target: PrefetchTarget,
  inputs: RequirementInputs,
  options: PrefetchTargetOptions,
): Promise<TargetResolution> {
  try {
    const resolution = await resolve({
      requirements: inputs.requirements,
      constraints: inputs.constraints,
      ...target.resolveWith,
      index,
      resolution: options.resolution ?? "highest",
      prerelease: options.prerelease ?? (inputs.pre ? "allow" : "if-necessary-or-explicit"),
      onlyBinary: inputs.onlyBinary,
      noBinary: inputs.noBinary,
      noDeps: options.noDeps ?? false,
    });
    return { ok: true, resolution };
  } catch (error) {
    if (error instanceof ResolutionError) return { ok: false, error };
    throw error;
  }
}

/** Whether `file` is a wheel, and whether some wheel of `files` fits `tags`. */
export function describeChoice(
  file: IndexFile,
  files: readonly IndexFile[],
  tags: TagSet,
): { kind: "wheel" | "sdist"; wheelFits: boolean } {
  const fits = (f: IndexFile) => {
    const w = tryParseWheelFilename(f.filename);
    return w !== null && bestTagRank(tags, w.pythonTags, w.abiTags, w.platformTags) !== undefined;
  };
  return {
    kind: tryParseWheelFilename(file.filename) !== null ? "wheel" : "sdist",
    wheelFits: files.some(fits),
  };
}

/**
 * The PEP 518 build requirements of the sdist at `path` (`build-system.requires`; pip's legacy
 * `setuptools>=40.8.0` without a `[build-system]` table): what an install must resolve and fetch
 * to build it. Only the static list: what a backend adds through `get_requires_for_build_wheel`
 * is known only by running it.
 * @throws {DistributionError} when the archive or its `pyproject.toml` is broken.
 */
export async function sdistBuildRequires(path: string, filename: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-sdist-" });
  try {
    const tree = await unpackSdist(path, dir, { filename });
    return (await readBuildSystem(tree, filename)).requires;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
