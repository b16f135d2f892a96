/**
 * Building wheels from source (PEP 517, PEP 660 editable wheels, PEP 518 build requirements): an
 * sdist or a local tree is built through its build backend in an isolated build environment, and
 * the wheel (or the metadata) is cached under `<cache root>/built-wheels-v1/<key>/`.
 *
 * @module
 */
import { basename, join } from "../paths/mod.ts";
import { atomicWriteFile, failpoint, withFileLock } from "../fs/mod.ts";
import { BuildError, OperationError, throwIfInterrupted, UsageError } from "../errors/mod.ts";
import { decodeMetadata, MAX_METADATA_BYTES } from "../metadata/mod.ts";
import { fileSource, findWheelMetadata, readZipDirectory, readZipEntry } from "../zip/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";
import { bestTagRank, supportedTags } from "../pep425/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import { type Interpreter, tagInput } from "../python/mod.ts";
import type { VirtualenvLayout } from "../virtualenv/mod.ts";
import { type BuildSystem, readBuildSystem } from "./build_system.ts";
import { ensureBuildEnvironment, type InstallInto, normalizeRequirementSet } from "./build_env.ts";
import { type HookName, runHook } from "./run_hook.ts";
import { treeFingerprint } from "./source_key.ts";
import { unpackSdist } from "./unpack_sdist.ts";

/** The cache bucket holding built wheels and built metadata. */
export const BUILT_WHEELS_BUCKET = "built-wheels-v1";

/**
 * What to build: an sdist archive (`.tar.gz`, `.tgz`, `.tar` or legacy `.zip`) with its sha256
 * (hex, the cache key; the caller verified it against the index), or a local source tree.
 */
export type BuildSource =
  | {
    kind: "sdist";
    /** The archive (its format is read from its first bytes, so any name will do). */
    path: string;
    /** Its sha256, 64 hex digits: the built-wheel cache key. */
    sha256: string;
    /** Its file name for messages, when `path` does not end with it. @default basename */
    filename?: string | undefined;
  }
  | { kind: "tree"; path: string };

export type { InstallInto } from "./build_env.ts";

/** Options for {@linkcode buildWheel} and {@linkcode buildMetadata}. */
export interface BuildOptions {
  /** The base interpreter to build with (the build environment is made from it). */
  interpreter: Interpreter;
  /** The cache root; builds use its buckets `build-envs-v1/` and `built-wheels-v1/`. */
  cacheRoot: string;
  /** Installs requirements into a new build environment. */
  installInto: InstallInto;
  /** Build an editable wheel (PEP 660 `build_editable`); trees only. @default false */
  editable?: boolean | undefined;
  /** PEP 517 `config_settings` passed to every hook. @default none (`None`) */
  configSettings?: Record<string, string | string[]> | undefined;
  /** Aborting stops the build (the backend gets SIGINT/SIGTERM as the reason says). */
  signal?: AbortSignal | undefined;
  /** Each line the build backend prints, as it comes (for `--verbose`, progress). */
  onOutput?: ((line: string) => void) | undefined;
  /** gestvenv's version, written into the build environments' `pyvenv.cfg`. @default "unknown" */
  creatorVersion?: string | undefined;
}

/** A wheel built from source (or found in the cache). */
export interface BuiltWheel {
  /** Absolute path of the wheel in the cache. */
  path: string;
  /** Its file name (PEP 427). */
  filename: string;
  /** True when it came from the cache and no backend ran. */
  cached: boolean;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A source resolved for a build: its cache directory and a name for messages. */
interface PreparedSource {
  source: BuildSource;
  /** `built-wheels-v1/<key>`. */
  cacheDir: string;
  key: string;
  /** The sdist's file name or the tree's path. */
  label: string;
  /** Absolute tree path (trees only). */
  tree?: string;
  editable: boolean;
}

async function prepareSource(source: BuildSource, options: BuildOptions): Promise<PreparedSource> {
  const editable = options.editable === true;
  let key: string;
  let label: string;
  let tree: string | undefined;
  if (source.kind === "sdist") {
    if (!/^[0-9a-fA-F]{64}$/.test(source.sha256)) {
      throw new TypeError(`buildWheel: sha256 of ${source.path} is not 64 hex digits`);
    }
    if (editable) {
      throw new UsageError(`An editable install needs a source directory, not ${source.path}`, {
        hint: "Pass the project's directory with `-e PATH`",
      });
    }
    key = source.sha256.toLowerCase();
    label = source.filename ?? basename(source.path);
  } else {
    try {
      tree = await Deno.realPath(source.path);
      if (!(await Deno.stat(tree)).isDirectory) throw new Deno.errors.NotADirectory(tree);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
        throw new OperationError(`${source.path} is not a directory`, "source_not_found", {
          hint: "Give the path of a Python project (a directory with pyproject.toml or setup.py)",
        });
      }
      throw error;
    }
    label = tree;
    key = `tree-${(await treeFingerprint(tree, editable)).slice(0, 32)}`;
  }
  const settings = options.configSettings;
  if (settings !== undefined && Object.keys(settings).length > 0) {
    const sorted = Object.keys(settings).sort().map((k) => [k, settings[k]]);
    key += `-cs${(await sha256Hex(JSON.stringify(sorted))).slice(0, 16)}`;
  }
  const cacheDir = join(options.cacheRoot, BUILT_WHEELS_BUCKET, key);
  return tree === undefined
    ? { source, cacheDir, key, label, editable }
    : { source, cacheDir, key, label, tree, editable };
}

/** The best wheel in `dir` that `interpreter` can install, by PEP 425 tag preference. */
async function findCachedWheel(
  dir: string,
  interpreter: Interpreter,
): Promise<string | undefined> {
  const tags = supportedTags(tagInput(interpreter.info));
  let best: { name: string; rank: number } | undefined;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile) continue;
      const parsed = tryParseWheelFilename(entry.name);
      if (parsed === null) continue;
      const rank = bestTagRank(tags, parsed.pythonTags, parsed.abiTags, parsed.platformTags);
      if (rank !== undefined && (best === undefined || rank < best.rank)) {
        best = { name: entry.name, rank };
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  return best?.name;
}

/** Runs `fn` on the source tree: the tree itself, or the sdist unpacked into a temp dir. */
async function withSourceTree<T>(
  prepared: PreparedSource,
  signal: AbortSignal | undefined,
  fn: (tree: string) => Promise<T>,
): Promise<T> {
  if (prepared.tree !== undefined) return await fn(prepared.tree);
  const source = prepared.source as { kind: "sdist"; path: string };
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-sdist-" });
  try {
    const tree = await unpackSdist(source.path, dir, { filename: prepared.label, signal });
    return await fn(tree);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function configSettingsArg(options: BuildOptions): Record<string, string | string[]> | null {
  const settings = options.configSettings;
  return settings === undefined || Object.keys(settings).length === 0 ? null : { ...settings };
}

/** Everything a hook call needs once the build environment is ready. */
interface Builder {
  call(hook: HookName, kwargs: Record<string, unknown>): Promise<unknown>;
}

/**
 * Makes the build environment for the tree: `build-system.requires`, then (PEP 517) what
 * `get_requires_for_build_wheel` / `_editable` adds, each set its own cached environment.
 */
async function prepareBuilder(
  tree: string,
  prepared: PreparedSource,
  options: BuildOptions,
): Promise<Builder> {
  const buildSystem = await readBuildSystem(tree, prepared.label);
  const envOptions = {
    interpreter: options.interpreter,
    cacheRoot: options.cacheRoot,
    installInto: options.installInto,
    creatorVersion: options.creatorVersion,
    signal: options.signal,
  };
  const [major, minor] = options.interpreter.info.version_info;
  const isolatedFlag = major > 3 || (major === 3 && minor >= 4);
  const callIn =
    (env: VirtualenvLayout, system: BuildSystem) =>
    (hook: HookName, kwargs: Record<string, unknown>) =>
      runHook(hook, kwargs, {
        env,
        tree,
        buildSystem: system,
        source: prepared.label,
        isolatedFlag,
        onOutput: options.onOutput,
        signal: options.signal,
      });
  const base = await ensureBuildEnvironment(buildSystem.requires, envOptions);
  const extra = await callIn(base.layout, buildSystem)(
    prepared.editable ? "get_requires_for_build_editable" : "get_requires_for_build_wheel",
    { config_settings: configSettingsArg(options) },
  );
  if (!Array.isArray(extra) || extra.some((r) => typeof r !== "string")) {
    throw new BuildError(
      `Building ${prepared.label} failed: the build backend's get_requires hook returned ` +
        `${JSON.stringify(extra)}, not a list of requirement strings`,
      prepared.label,
    );
  }
  for (const requirement of extra as string[]) {
    try {
      parseRequirement(requirement);
    } catch (error) {
      throw new BuildError(
        `Building ${prepared.label} failed: the build backend asked for an invalid requirement ` +
          `\`${requirement}\``,
        prepared.label,
        undefined,
        { cause: error },
      );
    }
  }
  const known = new Set(normalizeRequirementSet(buildSystem.requires));
  const more = normalizeRequirementSet(extra as string[]).filter((r) => !known.has(r));
  const env = more.length === 0
    ? base.layout
    : (await ensureBuildEnvironment([...buildSystem.requires, ...more], envOptions)).layout;
  return { call: callIn(env, buildSystem) };
}

/** Checks a hook's returned file name: one path segment, present in `dir`. */
async function checkReturnedName(
  value: unknown,
  dir: string,
  what: string,
  prepared: PreparedSource,
): Promise<string> {
  const bad = (why: string) =>
    new BuildError(
      `Building ${prepared.label} failed: the build backend returned ${
        JSON.stringify(value)
      } as the ${what}, ${why}`,
      prepared.label,
      undefined,
      { hint: "The build backend is broken; report it to the package's authors" },
    );
  if (typeof value !== "string" || value === "" || /[\\/]/.test(value) || value === "..") {
    throw bad("which is not a file name");
  }
  try {
    await Deno.lstat(join(dir, value));
  } catch {
    throw bad("but wrote no such file");
  }
  return value;
}

/** Moves a built wheel into the cache directory (same filesystem: the bucket), durably. */
async function storeWheel(from: string, cacheDir: string, filename: string): Promise<string> {
  const file = await Deno.open(from, { read: true, write: true });
  try {
    await file.syncData();
  } finally {
    file.close();
  }
  await failpoint("build.before-store");
  await Deno.mkdir(cacheDir, { recursive: true });
  const target = join(cacheDir, filename);
  await Deno.rename(from, target);
  return target;
}

/**
 * Builds `source` into a wheel with its PEP 517 build backend (PEP 660 `build_editable` when
 * `options.editable`), or returns the wheel a previous build cached:
 * `built-wheels-v1/<sdist sha256>/<wheel>` for sdists, `built-wheels-v1/tree-<fingerprint>/`
 * for trees (path plus the size and mtime of its files; for editable builds only
 * `pyproject.toml`, `setup.py` and `setup.cfg` count), with a `-cs<hash>` suffix when
 * `configSettings` are given. Among cached wheels the one whose tags suit the interpreter best is
 * used.
 *
 * A build unpacks an sdist safely into a temp dir (see {@linkcode unpackSdist}), reads
 * `[build-system]` ({@linkcode readBuildSystem}), gets the isolated build environment for its
 * requirements plus what `get_requires_for_build_*` adds ({@linkcode ensureBuildEnvironment}),
 * and calls `build_wheel` / `build_editable` through the driver ({@linkcode runHook}); the wheel
 * is written inside the bucket and renamed into place. A per-key lock keeps two processes from
 * building the same source at once (the second one gets the first one's wheel).
 *
 * Requires `--allow-read`, `--allow-write`, `--allow-run` and `--allow-env`.
 *
 * @throws {BuildError} when the backend fails (exit code = the backend's; its output tail in the
 *   message) or misbehaves.
 * @throws {DistributionError} for a corrupt or hostile sdist, or an invalid `pyproject.toml`.
 * @throws {UsageError} for an editable build of an sdist.
 * @throws {OperationError} `source_not_found` when a tree path is not a directory.
 * @throws {InterruptedError} when `signal` was aborted by SIGINT/SIGTERM.
 */
export async function buildWheel(source: BuildSource, options: BuildOptions): Promise<BuiltWheel> {
  const prepared = await prepareSource(source, options);
  const hit = await findCachedWheel(prepared.cacheDir, options.interpreter);
  if (hit !== undefined) return { path: join(prepared.cacheDir, hit), filename: hit, cached: true };
  const bucket = join(options.cacheRoot, BUILT_WHEELS_BUCKET);
  return await withFileLock(join(bucket, `${prepared.key}.lock`), async () => {
    const again = await findCachedWheel(prepared.cacheDir, options.interpreter);
    if (again !== undefined) {
      return { path: join(prepared.cacheDir, again), filename: again, cached: true };
    }
    await removeDebris(bucket, prepared.key);
    return await withSourceTree(prepared, options.signal, async (tree) => {
      const builder = await prepareBuilder(tree, prepared, options);
      throwIfInterrupted(options.signal);
      const out = await Deno.makeTempDir({ dir: bucket, prefix: `.tmp-${prepared.key}.build-` });
      try {
        const name = await builder.call(prepared.editable ? "build_editable" : "build_wheel", {
          wheel_directory: out,
          config_settings: configSettingsArg(options),
          metadata_directory: null,
        });
        const filename = await checkReturnedName(name, out, "wheel", prepared);
        if (tryParseWheelFilename(filename) === null) {
          throw new BuildError(
            `Building ${prepared.label} failed: the build backend made \`${filename}\`, ` +
              "which is not a wheel file name (PEP 427)",
            prepared.label,
          );
        }
        const path = await storeWheel(join(out, filename), prepared.cacheDir, filename);
        return { path, filename, cached: false };
      } finally {
        await Deno.remove(out, { recursive: true }).catch(() => {});
      }
    });
  }, { label: `the build of ${prepared.label}`, holder: { command: "build" } });
}

/**
 * Removes what a build of `key` that died halfway left in the bucket (its `.tmp-<key>.*`
 * directories); called under the key's lock, so no live build owns them.
 */
async function removeDebris(bucket: string, key: string): Promise<void> {
  try {
    for await (const entry of Deno.readDir(bucket)) {
      if (entry.name.startsWith(`.tmp-${key}.`)) {
        await Deno.remove(join(bucket, entry.name), { recursive: true }).catch(() => {});
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** METADATA of a cached wheel, or undefined when there is none. */
async function metadataFromCachedWheel(
  prepared: PreparedSource,
  interpreter: Interpreter,
): Promise<string | undefined> {
  const name = await findCachedWheel(prepared.cacheDir, interpreter);
  if (name === undefined) return undefined;
  const file = await Deno.open(join(prepared.cacheDir, name), { read: true });
  try {
    const source = await fileSource(file);
    const entry = findWheelMetadata(await readZipDirectory(source));
    if (entry === undefined) return undefined;
    return decodeMetadata(
      await readZipEntry(source, entry, { maxBytes: MAX_METADATA_BYTES }),
      name,
    );
  } finally {
    file.close();
  }
}

async function readCachedMetadata(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * The core metadata (METADATA text) of `source`, from PEP 517
 * `prepare_metadata_for_build_wheel` (`prepare_metadata_for_build_editable` when
 * `options.editable`); when the backend lacks the hook, the wheel is built and its `.dist-info`
 * read, and that wheel is cached too. Cached as `built-wheels-v1/<key>/METADATA`; a cached wheel
 * of the source answers without any build.
 *
 * Requires `--allow-read`, `--allow-write`, `--allow-run` and `--allow-env`.
 *
 * @throws {BuildError} when the backend fails or returns no usable `.dist-info`.
 * @throws {DistributionError} for a corrupt or hostile sdist, an invalid `pyproject.toml`, or
 *   a METADATA file larger than `MAX_METADATA_BYTES`.
 * @throws {InterruptedError} when `signal` was aborted by SIGINT/SIGTERM.
 */
export async function buildMetadata(source: BuildSource, options: BuildOptions): Promise<string> {
  const prepared = await prepareSource(source, options);
  const metadataPath = join(prepared.cacheDir, "METADATA");
  const cached = await readCachedMetadata(metadataPath) ??
    await metadataFromCachedWheel(prepared, options.interpreter);
  if (cached !== undefined) return cached;
  const bucket = join(options.cacheRoot, BUILT_WHEELS_BUCKET);
  return await withFileLock(join(bucket, `${prepared.key}.lock`), async () => {
    const again = await readCachedMetadata(metadataPath) ??
      await metadataFromCachedWheel(prepared, options.interpreter);
    if (again !== undefined) return again;
    await removeDebris(bucket, prepared.key);
    return await withSourceTree(prepared, options.signal, async (tree) => {
      const builder = await prepareBuilder(tree, prepared, options);
      throwIfInterrupted(options.signal);
      const out = await Deno.makeTempDir({ dir: bucket, prefix: `.tmp-${prepared.key}.metadata-` });
      try {
        const distInfo = await checkReturnedName(
          await builder.call(
            prepared.editable
              ? "prepare_metadata_for_build_editable"
              : "prepare_metadata_for_build_wheel",
            { metadata_directory: out, config_settings: configSettingsArg(options) },
          ),
          out,
          ".dist-info directory",
          prepared,
        );
        const metadataFile = join(out, distInfo, "METADATA");
        let size: number;
        try {
          size = (await Deno.stat(metadataFile)).size;
        } catch {
          throw new BuildError(
            `Building the metadata of ${prepared.label} failed: the build backend wrote no ` +
              `${distInfo}/METADATA`,
            prepared.label,
          );
        }
        if (size > MAX_METADATA_BYTES) {
          throw new BuildError(
            `Building the metadata of ${prepared.label} failed: ${distInfo}/METADATA is ` +
              `${size} bytes, more than gestvenv accepts`,
            prepared.label,
          );
        }
        const text = decodeMetadata(await Deno.readFile(metadataFile), prepared.label);
        // Without prepare_metadata_* the driver built the wheel to read its .dist-info: keep it,
        // so the buildWheel that usually follows is a cache hit.
        const builtMarker = join(out, ".gestvenv-built-wheel");
        const built = await readCachedMetadata(builtMarker);
        if (built !== undefined) {
          const filename = built.trim();
          if (tryParseWheelFilename(filename) !== null && !/[\\/]/.test(filename)) {
            await storeWheel(join(out, ".gestvenv-wheel", filename), prepared.cacheDir, filename)
              .catch(() => {});
          }
        }
        await atomicWriteFile(metadataPath, text);
        return text;
      } finally {
        await Deno.remove(out, { recursive: true }).catch(() => {});
      }
    });
  }, { label: `the build of ${prepared.label}`, holder: { command: "build" } });
}
