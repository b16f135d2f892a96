/**
 * Isolated build environments (PEP 517 "Build environment"): a virtual environment holding only
 * the build requirements, created natively and cached per (interpreter, requirement set) under
 * `<cache root>/build-envs-v1/<key>`.
 *
 * @module
 */
import { join } from "../paths/mod.ts";
import { atomicWriteFile, failpoint, pathExists, withFileLock } from "../fs/mod.ts";
import { throwIfInterrupted } from "../errors/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import {
  createVirtualenv,
  inspectVirtualenv,
  relocateVirtualenv,
  type VirtualenvLayout,
} from "../virtualenv/mod.ts";

/** The cache bucket holding build environments. */
export const BUILD_ENVS_BUCKET = "build-envs-v1";

/**
 * Installs `requirements` (PEP 508 strings) into the environment at `layout`. gestvenv's own
 * resolver and installer in production; tests may use pip.
 */
export type InstallInto = (
  layout: VirtualenvLayout,
  requirements: string[],
  signal?: AbortSignal,
) => Promise<void>;

/** Options for {@linkcode ensureBuildEnvironment}. */
export interface BuildEnvironmentOptions {
  /** The base interpreter the environment is made for. */
  interpreter: Interpreter;
  /** The cache root; environments live in its `build-envs-v1/` bucket. */
  cacheRoot: string;
  /** Fills the new environment with the requirements. */
  installInto: InstallInto;
  /** Written into `pyvenv.cfg` as the creator. @default "unknown" */
  creatorVersion?: string | undefined;
  /** Stops the work between steps (and the installer, which receives it). */
  signal?: AbortSignal | undefined;
}

/** A ready build environment. */
export interface BuildEnvironment {
  /** Its layout (root, interpreter, site-packages). */
  layout: VirtualenvLayout;
  /** The cache key (hex): interpreter and sorted requirement set. */
  key: string;
  /** False when this call created it, true when an earlier one had. */
  reused: boolean;
}

/** The file written last into a complete build environment. */
const COMPLETE_MARKER = ".gestvenv-build-env.json";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The requirement set as the key sees it: trimmed, without duplicates, sorted. */
export function normalizeRequirementSet(requirements: readonly string[]): string[] {
  return [...new Set(requirements.map((r) => r.trim().replace(/\s+/g, " ")))].filter((r) =>
    r !== ""
  ).sort();
}

/**
 * The cache key of a build environment: the interpreter (real path, implementation and full
 * version, so an upgraded interpreter gets a new environment) and the sorted requirement set.
 */
export async function buildEnvironmentKey(
  interpreter: Interpreter,
  requirements: readonly string[],
): Promise<string> {
  const info = interpreter.info;
  const material = JSON.stringify([
    1,
    interpreter.realPath,
    info.implementation,
    info.version,
    info.gil_disabled,
    normalizeRequirementSet(requirements),
  ]);
  return (await sha256Hex(material)).slice(0, 32);
}

/**
 * Returns the build environment for `requirements` on `options.interpreter`, creating it when
 * the cache has none: a virtual environment (`lib/virtualenv`, no pip) made in a temporary
 * directory beside its final place, filled through `installInto`, re-targeted to its final path
 * and renamed there, a completion marker inside. A lock (`build-envs-v1/<key>.lock`) makes a
 * second process wait for the first instead of building the same environment twice; leftovers of
 * a process that died halfway are removed under that lock and never used.
 *
 * Requires `--allow-read`, `--allow-write` and `--allow-run` (what `installInto` runs).
 *
 * @throws whatever `installInto` throws (the half-made environment is removed first);
 *   {@linkcode InterruptedError} when `signal` was aborted by SIGINT/SIGTERM.
 */
export async function ensureBuildEnvironment(
  requirements: readonly string[],
  options: BuildEnvironmentOptions,
): Promise<BuildEnvironment> {
  const set = normalizeRequirementSet(requirements);
  const key = await buildEnvironmentKey(options.interpreter, set);
  const bucket = join(options.cacheRoot, BUILD_ENVS_BUCKET);
  const root = join(bucket, key);
  const ready = async () =>
    await pathExists(join(root, COMPLETE_MARKER)) ? await inspectVirtualenv(root) : undefined;
  const existing = await ready();
  if (existing !== undefined) return { layout: existing, key, reused: true };
  return await withFileLock(join(bucket, `${key}.lock`), async () => {
    const again = await ready();
    if (again !== undefined) return { layout: again, key, reused: true };
    // Nobody else builds this key while we hold the lock: what is here is debris.
    await removeDebris(bucket, key);
    if (await pathExists(root)) await Deno.remove(root, { recursive: true });
    throwIfInterrupted(options.signal);
    const staging = join(bucket, `.tmp-${key}-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
    try {
      const layout = await createVirtualenv(staging, options.interpreter, {
        creatorVersion: options.creatorVersion ?? "unknown",
        prompt: "build-env",
        finalRoot: root,
      });
      if (set.length > 0) await options.installInto(layout, set, options.signal);
      throwIfInterrupted(options.signal);
      await failpoint("build.env-filled");
      await relocateVirtualenv(staging, { oldRoot: staging, newRoot: root, activators: false });
      await atomicWriteFile(
        join(staging, COMPLETE_MARKER),
        JSON.stringify({
          version: 1,
          interpreter: options.interpreter.realPath,
          python: options.interpreter.info.version,
          requirements: set,
          created: new Date().toISOString(),
        }) + "\n",
      );
      await Deno.rename(staging, root);
    } catch (error) {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
      throw error;
    }
    const layout = await inspectVirtualenv(root);
    if (layout === undefined) throw new Error(`build environment ${root} vanished`);
    return { layout, key, reused: false };
  }, { label: `the build environment ${key}`, holder: { command: "build environment" } });
}

async function removeDebris(bucket: string, key: string): Promise<void> {
  try {
    for await (const entry of Deno.readDir(bucket)) {
      if (entry.name.startsWith(`.tmp-${key}-`)) {
        await Deno.remove(join(bucket, entry.name), { recursive: true }).catch(() => {});
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
