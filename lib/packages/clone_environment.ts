import { openCache } from "../cache/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import {
  EnvironmentNotFoundError,
  PackageNotFoundError,
  throwIfInterrupted,
} from "../errors/mod.ts";
import { type Pylock, selectLockedFiles } from "../lock/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { tagInput } from "../python/mod.ts";
import { lockInstalled, readEnvironmentLock } from "./environment_lock.ts";
import { join } from "../paths/mod.ts";
import { copyTree, failpoint } from "../fs/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import { inspectVirtualenv, relocateVirtualenv } from "../virtualenv/mod.ts";
import { createEnvironment } from "./create_environment.ts";
import type { InstalledFile } from "./installed_files.ts";
import {
  buildAndRegister,
  checkFreeName,
  checkFreePath,
  defaultEnvironmentPath,
  type DistributionChange,
  emitLifecycle,
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  loadRegistry,
  newEnvironmentId,
  now,
  openEnvironment,
  validateEnvironmentName,
  withEnvironmentLock,
} from "../environments/mod.ts";

/**
 * How a clone was made: `relink` (same interpreter, native backend: a new environment whose files
 * are linked from the cache by applying the source's lock; no download), `copy` (the directory
 * copied and re-targeted), `reinstall` (another interpreter: the requirements resolved again),
 * `lock` (`--packages-only` when the cache lacks files: the source's lock installed, downloading
 * what is missing).
 */
export type CloneMethod = "relink" | "copy" | "reinstall" | "lock";

/** Options for {@linkcode cloneEnvironment}. */
export interface CloneEnvironmentOptions {
  /** Describe what would be done and change nothing. @default false */
  dryRun?: boolean;
  /**
   * Only the distributions (same versions, from the source's lock): none of the files the
   * source holds beside them (scripts or data put there by hand, `.pth` files no distribution
   * installed, ...). @default false: those are carried too
   */
  packagesOnly?: boolean;
}

/** The outcome of {@linkcode cloneEnvironment}. */
export interface CloneResult {
  /** The clone's record (as it would be, in a dry run). */
  record: EnvironmentRecord;
  /** How it was made. */
  method: CloneMethod;
  /**
   * Paths (relative to the environment, `/`-separated; a directory counts once) of the source's
   * files no distribution installed: carried into the clone, or with `packagesOnly` left out.
   * Empty for `copy` and `reinstall`, and in a dry run.
   */
  extraFiles: string[];
  /** The files installed into the clone (`reinstall`, `lock`, `relink`); empty for `copy`. */
  files: InstalledFile[];
}

/** Marker, journal and lock files of gestvenv at an environment's root: never carried. */
const OWN_FILES = /^(\.gestvenv-|pylock\.toml$)/;

/**
 * The entries of `src` that `dest` lacks, relative and `/`-separated (a directory `dest` lacks
 * counts once, its content with it). gestvenv's own files at the root are not listed.
 */
async function missingEntries(src: string, dest: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(src)) {
    if (rel === "" && OWN_FILES.test(entry.name)) continue;
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    const there = await Deno.lstat(join(dest, path)).catch(() => null);
    if (there === null) out.push(path);
    else if (entry.isDirectory && there.isDirectory) {
      out.push(...await missingEntries(join(src, entry.name), dest, path));
    }
  }
  return out.sort();
}

/** Copies the entries (from {@linkcode missingEntries}) of `src` into `dest`. */
async function copyEntries(
  src: string,
  dest: string,
  entries: string[],
  signal?: AbortSignal,
): Promise<void> {
  for (const path of entries) {
    throwIfInterrupted(signal);
    const from = join(src, path);
    const to = join(dest, path);
    const info = await Deno.lstat(from);
    if (info.isSymlink) await Deno.symlink(await Deno.readLink(from), to);
    else if (info.isDirectory) await copyTree(from, to, signal);
    else await Deno.copyFile(from, to);
  }
}

/**
 * The source's lock when it describes the environment: it parses, and the files it selects for
 * this interpreter are exactly the installed distributions.
 */
async function describingLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
): Promise<Pylock | undefined> {
  const lock = await readEnvironmentLock(record);
  if (lock === undefined) return undefined;
  const { target } = await openEnvironment(ctx, record);
  const info = target.interpreter.info;
  let selected;
  try {
    selected = selectLockedFiles(lock, info.markers, supportedTags(tagInput(info)));
  } catch {
    return undefined;
  }
  const installed = new Set(
    (await readInstalledDistributions(target.layout.sitePackages)).map((d) => d.normalized_name),
  );
  // The lock must describe the environment: same distributions, nothing installed beside it.
  if (selected.length !== installed.size || selected.some((s) => !installed.has(s.name))) {
    return undefined;
  }
  return lock;
}

/**
 * The source's lock when the native installer can rebuild the environment from it with no
 * download: it describes the environment, and every file it selects for this interpreter is in
 * the cache.
 */
async function relinkableLock(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
): Promise<Pylock | undefined> {
  const lock = await describingLock(ctx, record);
  if (lock === undefined) return undefined;
  const { target } = await openEnvironment(ctx, record);
  const info = target.interpreter.info;
  const selected = selectLockedFiles(lock, info.markers, supportedTags(tagInput(info)));
  const cache = await openCache(ctx.home.cacheDir);
  try {
    for (const s of selected) {
      const sha = s.file?.hashes.sha256;
      if (sha === undefined || await cache.find(sha) === undefined) return undefined;
    }
  } finally {
    cache.close();
  }
  return lock;
}

/**
 * Clones an environment. With the same interpreter and the native backend, when the source's lock
 * describes it and the cache holds every locked file, a new environment is created from that lock
 * (files linked from the cache, editable projects rebuilt; no download), and the files of the
 * source no distribution installed (scripts or data put there by hand, `.pth` files of no
 * distribution, ...) are copied into it before it is registered. Otherwise, with the same
 * interpreter, the directory is copied into a staging
 * directory, re-targeted, moved into place and registered (exact, offline, no index needed; see
 * `buildAndRegister` for crash consistency), all while both environments are locked, so a change
 * to the source cannot be lost half-way. With another interpreter (a `--python` given for this
 * command: the `python` setting when its source is a flag), a new environment is
 * created and the source's requested requirements are installed into it (its pinned versions may
 * not exist for another Python), or its frozen pins when it has no recorded requirements.
 *
 * With `packagesOnly` (spec 000 `clone --packages-only`), the same interpreter gets a fresh
 * environment with the same distributions at the same versions, from the source's lock (linked
 * from the cache when it holds them; else the lock is installed, downloading what the cache
 * lacks; a source without a usable lock is locked from the indexes first), and none of the
 * source's other files; `extraFiles` lists what was left out.
 *
 * @throws {EnvironmentNotFoundError} When `source` does not exist.
 * @throws {OperationError} `environment_exists` when `target` is taken.
 * @throws {PackageNotFoundError} With `packagesOnly`, when the source has no lock and some
 *   distribution is not on the indexes.
 * @throws {InterruptedError} On Ctrl-C or SIGTERM, after the roll-back.
 */
export async function cloneEnvironment(
  ctx: EnvironmentContext,
  source: string,
  target: string,
  options: CloneEnvironmentOptions = {},
): Promise<CloneResult> {
  validateEnvironmentName(target);
  const src = await getEnvironment(ctx, source);
  await checkFreeName(ctx, target);
  const request = ctx.settings.python.source === "flag" ? ctx.settings.python.value : undefined;
  const other = request === undefined
    ? undefined
    : await findInterpreter(request, { cacheDir: ctx.home.cacheDir });
  if (other !== undefined && other.realPath !== src.python.path) {
    // Read what the source asks for under its lock, then create the target on its own.
    const packages = await withEnvironmentLock(ctx, source, async () => {
      const current = await getEnvironment(ctx, source);
      if (current.requirements.length > 0) {
        return current.requirements.filter((r) => !r.startsWith("-e "));
      }
      const { backend, target: srcTarget } = await openEnvironment(ctx, current);
      return (await backend.freeze(srcTarget)).filter((l) => !l.startsWith("-e "));
    });
    const created = await createEnvironment(ctx, target, {
      python: other.realPath,
      description: src.description ?? undefined,
      packages,
      dryRun: options.dryRun ?? false,
    });
    return { record: created.record, method: "reinstall", extraFiles: [], files: created.files };
  }
  const backend = ctx.settings.backend.source === "flag" ? ctx.settings.backend.value : src.backend;
  const native = backend === "native" || backend === "auto";
  const path = defaultEnvironmentPath(ctx, target);
  if (options.packagesOnly) {
    const { lock, method } = await withEnvironmentLock(ctx, source, async () => {
      const current = await getEnvironment(ctx, source);
      const relinkable = native ? await relinkableLock(ctx, current) : undefined;
      if (relinkable !== undefined) return { lock: relinkable, method: "relink" as const };
      const described = await describingLock(ctx, current);
      if (described !== undefined) return { lock: described, method: "lock" as const };
      const { target: srcTarget } = await openEnvironment(ctx, current);
      const { lock, unlocked } = await lockInstalled(ctx, current, srcTarget);
      if (unlocked.length > 0) {
        throw new PackageNotFoundError(
          `${source} cannot be cloned package by package: ${
            unlocked.map((u) => `${u.name} ${u.version} (${u.reason})`).join(", ")
          }`,
          { hint: "Clone it without --packages-only (a copy of the directory)" },
        );
      }
      return { lock, method: "lock" as const };
    });
    const left: string[] = [];
    const created = await createEnvironment(ctx, target, {
      python: src.python.path,
      description: src.description ?? undefined,
      lock,
      recordRequirements: src.requirements,
      dryRun: options.dryRun ?? false,
      afterInstall: async (staging) => {
        left.push(...await missingEntries(src.path, staging));
      },
    });
    return { record: created.record, method, extraFiles: left, files: created.files };
  }
  if (native) {
    // Same interpreter, native installer: link the source's locked files from the cache.
    const lock = await withEnvironmentLock(ctx, source, async () => {
      const current = await getEnvironment(ctx, source);
      return await relinkableLock(ctx, current);
    });
    if (lock !== undefined) {
      const carried: string[] = [];
      const created = await createEnvironment(ctx, target, {
        python: src.python.path,
        description: src.description ?? undefined,
        lock,
        recordRequirements: src.requirements,
        dryRun: options.dryRun ?? false,
        afterInstall: async (staging) => {
          // What no distribution installed: the user's own files, carried as they are.
          carried.push(...await missingEntries(src.path, staging));
          await copyEntries(src.path, staging, carried, ctx.signal);
          await relocateVirtualenv(staging, {
            oldRoot: src.path,
            newRoot: path,
            activators: false,
          });
        },
      });
      return {
        record: created.record,
        method: "relink",
        extraFiles: carried,
        files: created.files,
      };
    }
  }
  await checkFreePath(path);
  const plan = (from: EnvironmentRecord): EnvironmentRecord => {
    const timestamp = now();
    return {
      ...from,
      name: target,
      path,
      id: newEnvironmentId(),
      created_at: timestamp,
      last_used_at: timestamp,
    };
  };
  if (options.dryRun) return { record: plan(src), method: "copy", extraFiles: [], files: [] };
  const record = await withEnvironmentLock(ctx, [source, target], async () => {
    // Under both locks: the source as it is now, and the target still free.
    const current = (await loadRegistry(ctx)).environments.get(source);
    if (current === undefined) throw new EnvironmentNotFoundError(source);
    await checkFreeName(ctx, target);
    const record = plan(current);
    ctx.reporter.step(`Copying ${source} to ${target}`);
    try {
      return await buildAndRegister(ctx, "clone", record, async (staging) => {
        await copyTree(current.path, staging, ctx.signal);
        await failpoint("clone.after-copy");
        throwIfInterrupted(ctx.signal);
        // A copy installs every distribution of the source into a new environment: policies,
        // strict mode and hooks judge it like any install, before it is moved into place (a
        // refusal throws here, and the staging directory is removed).
        await emitLifecycle(ctx, {
          event: "pre-install",
          environment: target,
          path: staging,
          changes: await copiedChanges(current, staging),
          requirements: current.requirements,
        });
        // Scripts and activators name the source: re-target them to the clone's final path.
        await relocateVirtualenv(staging, { oldRoot: current.path, newRoot: path, prompt: target });
      });
    } finally {
      ctx.reporter.done();
    }
  });
  return { record, method: "copy", extraFiles: [], files: [] };
}

/**
 * What a copy of `source` into `staging` installs: every distribution in the copy's
 * site-packages (`before` null, `after` its version), with its file's URL or its directory from
 * the source's lock; `artifact` is null (the files are already in place, not a verified file).
 */
async function copiedChanges(
  source: EnvironmentRecord,
  staging: string,
): Promise<DistributionChange[]> {
  const layout = await inspectVirtualenv(staging);
  if (layout === undefined) return [];
  const lock = await readEnvironmentLock(source);
  return (await readInstalledDistributions(layout.sitePackages)).map((d) => {
    const locked = lock?.packages.find((p) => p.name === d.normalized_name);
    const file = locked?.wheels[0] ?? locked?.sdist;
    return {
      name: d.normalized_name,
      before: null,
      after: d.version,
      artifact: null,
      url: file?.url ?? null,
      directory: locked?.directory?.path ?? null,
    };
  });
}
