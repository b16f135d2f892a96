import { openCache } from "../cache/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { EnvironmentNotFoundError, throwIfInterrupted } from "../errors/mod.ts";
import { type Pylock, selectLockedFiles } from "../lock/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { tagInput } from "../python/mod.ts";
import { readEnvironmentLock } from "./environment_lock.ts";
import { copyTree, failpoint } from "../fs/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import { relocateVirtualenv } from "../virtualenv/mod.ts";
import { createEnvironment } from "./create_environment.ts";
import {
  buildAndRegister,
  checkFreeName,
  checkFreePath,
  defaultEnvironmentPath,
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
 * copied and re-targeted), `reinstall` (another interpreter: the requirements resolved again).
 */
export type CloneMethod = "relink" | "copy" | "reinstall";

/**
 * The source's lock when the native installer can rebuild the environment from it with no
 * download: the lock parses, and every file it selects for this interpreter is in the cache.
 */
async function relinkableLock(
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
 * (files linked from the cache, editable projects rebuilt; no download). Otherwise, with the same
 * interpreter, the directory is copied into a staging
 * directory, re-targeted, moved into place and registered (exact, offline, no index needed; see
 * `buildAndRegister` for crash consistency), all while both environments are locked, so a change
 * to the source cannot be lost half-way. With another interpreter (a `--python` given for this
 * command: the `python` setting when its source is a flag), a new environment is
 * created and the source's requested requirements are installed into it (its pinned versions may
 * not exist for another Python), or its frozen pins when it has no recorded requirements.
 *
 * @throws {EnvironmentNotFoundError} When `source` does not exist.
 * @throws {OperationError} `environment_exists` when `target` is taken.
 * @throws {InterruptedError} On Ctrl-C or SIGTERM, after the roll-back.
 */
export async function cloneEnvironment(
  ctx: EnvironmentContext,
  source: string,
  target: string,
  options: { dryRun?: boolean } = {},
): Promise<{ record: EnvironmentRecord; method: CloneMethod }> {
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
    return { record: created.record, method: "reinstall" };
  }
  const backend = ctx.settings.backend.source === "flag" ? ctx.settings.backend.value : src.backend;
  if (backend === "native" || backend === "auto") {
    // Same interpreter, native installer: link the source's locked files from the cache.
    const lock = await withEnvironmentLock(ctx, source, async () => {
      const current = await getEnvironment(ctx, source);
      return await relinkableLock(ctx, current);
    });
    if (lock !== undefined) {
      const created = await createEnvironment(ctx, target, {
        python: src.python.path,
        description: src.description ?? undefined,
        lock,
        recordRequirements: src.requirements,
        dryRun: options.dryRun ?? false,
      });
      return { record: created.record, method: "relink" };
    }
  }
  const path = defaultEnvironmentPath(ctx, target);
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
  if (options.dryRun) return { record: plan(src), method: "copy" };
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
        // Scripts and activators name the source: re-target them to the clone's final path.
        await relocateVirtualenv(staging, { oldRoot: current.path, newRoot: path, prompt: target });
      });
    } finally {
      ctx.reporter.done();
    }
  });
  return { record, method: "copy" };
}
