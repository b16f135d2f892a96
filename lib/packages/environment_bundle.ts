/**
 * Environment bundles (issue 9 §3b): one file that carries an environment to another machine —
 * its export (JSON), its PEP 751 lock, and every artifact the lock needs, in the same bundle
 * format as `cache export` (`lib/bundle`). On the other machine, `import FILE NAME` adds the
 * artifacts to the cache (verified, atomic) and creates the environment from the lock with no
 * network: each file is taken from the cache by its sha256. The interpreter there may live at
 * another path; it is found by the version the lock was made for.
 *
 * @module
 */
import { fileFitsPlatforms } from "../platforms/mod.ts";
import {
  type BundleArtifact,
  type BundleCompression,
  type BundleManifest,
  type BundleProgress,
  importBundle,
  type ImportBundleResult,
  planBundle,
  readBundleManifest,
  writeBundle,
  type WrittenBundle,
} from "../bundle/mod.ts";
import { openCache } from "../cache/mod.ts";
import { InvalidSyntaxError, UsageError } from "../errors/mod.ts";
import {
  checkFreeName,
  type CreateEnvironmentResult,
  type EnvironmentContext,
  getEnvironment,
  openEnvironment,
  validateEnvironmentName,
} from "../environments/mod.ts";
import {
  formatPylock,
  parsePylock,
  type Pylock,
  type PylockFile,
  selectLockedFiles,
} from "../lock/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { tagInput } from "../python/mod.ts";
import { absolute } from "../paths/mod.ts";
import { createEnvironment } from "./create_environment.ts";
import { lockInstalled, readEnvironmentLock } from "./environment_lock.ts";
import { exportEnvironment, samePython } from "./export_environment.ts";
import { configuredIndexes } from "./sync_lock.ts";
import { fetchLockedFile, withNativeSession } from "./native_install.ts";

/** Options of {@linkcode exportEnvironmentBundle}. */
export interface ExportEnvironmentBundleOptions {
  /** How the bundle is compressed. */
  compression: BundleCompression;
  /** Also the lock's files for these platform tags (wheels that fit, else the sdist). */
  platforms?: readonly string[] | undefined;
  /** Called as artifact bytes are written. */
  onProgress?: ((progress: BundleProgress) => void) | undefined;
}

/** The files of `lock` a bundle takes: this interpreter's, and those for `platforms`. */
function lockFilesFor(
  lock: Pylock,
  selected: ReturnType<typeof selectLockedFiles>,
  platforms: readonly string[],
): Array<{ project: string; version: string; file: PylockFile }> {
  const out = new Map<string, { project: string; version: string; file: PylockFile }>();
  const add = (project: string, version: string, file: PylockFile) => {
    const sha = file.hashes.sha256;
    if (sha !== undefined && !out.has(sha)) out.set(sha, { project, version, file });
  };
  for (const s of selected) if (s.file !== null) add(s.name, s.version ?? "", s.file);
  for (const p of lock.packages) {
    for (const platform of platforms) {
      const wheels = p.wheels.filter((w) => fileFitsPlatforms(w.name, [platform]));
      for (const w of wheels) add(p.name, p.version ?? "", w);
      if (wheels.length === 0 && p.sdist !== undefined) add(p.name, p.version ?? "", p.sdist);
    }
  }
  return [...out.values()];
}

/**
 * Writes environment `name` as a bundle at `dest`: its export, its lock (`pylock.toml`, or one
 * made from what is installed when it has none), and every file the lock installs here (and, with
 * `platforms`, the lock's files for those), each fetched into the cache when it is not there
 * (verified by the lock's sha256).
 * @throws {EnvironmentNotFoundError} when there is no such environment.
 * @throws {UsageError} when the lock has a local directory (it cannot travel in a bundle).
 * @throws {ArtifactMismatchError | NetworkError} when a file cannot be fetched.
 */
export async function exportEnvironmentBundle(
  ctx: EnvironmentContext,
  name: string,
  dest: string,
  options: ExportEnvironmentBundleOptions,
): Promise<WrittenBundle> {
  const record = await getEnvironment(ctx, name);
  const { target } = await openEnvironment(ctx, record);
  let lock = await readEnvironmentLock(record);
  if (lock === undefined) {
    const made = await lockInstalled(ctx, record, target);
    for (const u of made.unlocked) {
      ctx.reporter.warn(`${u.name} ${u.version} is not in the bundle: ${u.reason}`);
    }
    lock = made.lock;
  }
  const directories = lock.packages.filter((p) => p.directory !== undefined);
  if (directories.length > 0) {
    throw new UsageError(
      `${name} has packages installed from local directories (${
        directories.map((p) => p.name).join(", ")
      }), which a bundle cannot carry`,
      { hint: "Build wheels of them and install those, or export without --bundle" },
    );
  }
  const exported = JSON.parse(await exportEnvironment(ctx, name, "json")) as Record<
    string,
    unknown
  >;
  const info = target.interpreter.info;
  const selected = selectLockedFiles(lock, info.markers, supportedTags(tagInput(info)));
  const wanted = lockFilesFor(lock, selected, options.platforms ?? []);
  return await withNativeSession(ctx, configuredIndexes(ctx), async (session) => {
    const artifacts: BundleArtifact[] = [];
    for (const w of wanted) {
      ctx.reporter.step(`Fetching ${w.file.name}`);
      const stored = await fetchLockedFile(ctx, session, w.project, w.version, w.file);
      artifacts.push({
        sha256: stored.sha256,
        filename: stored.filename,
        project: w.project,
        version: w.version,
        origin: w.file.url,
      });
    }
    ctx.reporter.done();
    const plan = await planBundle(session.cache, artifacts, {
      gestvenvVersion: ctx.creatorVersion,
      platforms: options.platforms,
      environment: { name: record.name, export: exported, pylock: formatPylock(lock) },
    });
    return await writeBundle(plan, dest, {
      compression: options.compression,
      signal: ctx.signal,
      onProgress: options.onProgress,
    });
  });
}

/**
 * The manifest of `file` when it is a bundle (recognised by its content: a tar, gzip or zstd
 * archive whose first entry is the manifest), else null.
 * @throws {InvalidSyntaxError} when it is a bundle with an invalid manifest.
 */
export async function bundleManifestOf(file: string): Promise<BundleManifest | null> {
  return await readBundleManifest(absolute(file));
}

/** What {@linkcode importEnvironmentBundle} did. */
export interface ImportEnvironmentBundleResult extends CreateEnvironmentResult {
  /** The artifacts imported into the cache (undefined for a dry run). */
  cache: ImportBundleResult | undefined;
}

/**
 * Creates environment `name` from an environment bundle: checks the name, imports the bundle's
 * artifacts into the cache (everything verified first; see `importBundle`), then creates the
 * environment from the bundle's lock, every file taken from the cache (no network needed), on
 * the interpreter the lock was made for (the same version, wherever it is installed) or the
 * `--python` given.
 * @throws {UsageError} when the file is a cache bundle without an environment.
 * @throws {CacheError} when the bundle is rejected (the cache is then unchanged).
 * @throws {OperationError} `environment_exists` when the name is taken.
 */
export async function importEnvironmentBundle(
  ctx: EnvironmentContext,
  file: string,
  name: string,
  options: { dryRun?: boolean } = {},
): Promise<ImportEnvironmentBundleResult> {
  const path = absolute(file);
  const manifest = await readBundleManifest(path);
  if (manifest === null) {
    throw new InvalidSyntaxError("not a gestvenv bundle", path);
  }
  if (manifest.environment === null) {
    throw new UsageError(`${path} is a cache bundle: it carries packages, not an environment`, {
      hint: `Add its packages with \`gestvenv cache import ${file}\`, then create the environment`,
    });
  }
  validateEnvironmentName(name);
  await checkFreeName(ctx, name);
  const lock = parsePylock(manifest.environment.pylock, `${path} (pylock.toml)`);
  const explicit = ctx.settings.python.source === "flag" ? ctx.settings.python.value : undefined;
  const python = explicit ??
    (lock.gestvenv?.python === undefined
      ? undefined
      : await samePython(ctx, "cpython", lock.gestvenv.python));
  const description = manifest.environment.export.description;
  const dryRun = options.dryRun ?? false;
  let imported: ImportBundleResult | undefined;
  if (!dryRun) {
    const cache = await openCache(ctx.home.cacheDir);
    try {
      ctx.reporter.step(`Verifying ${path}`);
      imported = await importBundle(cache, path, { signal: ctx.signal });
    } finally {
      ctx.reporter.done();
      cache.close();
    }
  }
  const created = await createEnvironment(ctx, name, {
    python,
    lock,
    description: typeof description === "string" ? description : undefined,
    dryRun,
  });
  return { ...created, cache: imported };
}
