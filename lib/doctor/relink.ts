/**
 * `optimize`'s relinking: distributions of a native environment that were installed as copies
 * ({@linkcode scanCopies}) are installed again from the environment's `pylock.toml` by the
 * installer, which links the files to the cache (clone, else hard link; a copy only when neither
 * works). Only copies proven unchanged are reinstalled: every file their RECORD hashes is hashed
 * first, and a distribution with a file that differs (a user's edit) is left alone and reported.
 * Nothing is relinked under `link_mode = clone` or `copy`, or when the environment and the cache
 * are on different filesystems. The installer fetches and verifies the new files before it
 * removes the old ones, so a relink that cannot get the files leaves the environment as it was;
 * afterwards each distribution is scanned again, and only those now sharing the cache's files
 * count as relinked.
 *
 * @module
 */
import {
  type EnvironmentContext,
  getEnvironment,
  openEnvironment,
  withEnvironmentLock,
} from "../environments/mod.ts";
import { defaultLinkMode } from "../installer/mod.ts";
import { installFromLock, readEnvironmentLock } from "../packages/mod.ts";
import { inspectVirtualenv } from "../virtualenv/mod.ts";
import { type CopyScan, scanCopies } from "./copy_scan.ts";

/** What {@linkcode relinkCopies} did (or would do, in a dry run); lists of `name==version`. */
export interface RelinkReport {
  /** The unchanged copies the lock lists: reinstalled (or that would be). */
  planned: string[];
  /** Of `planned`, those that share the cache's files afterwards (empty in a dry run). */
  relinked: string[];
  /** Of `planned`, those still not sharing the cache's files after the reinstall. */
  stillCopies: string[];
  /** Copies with a file that differs from RECORD (or is missing): never touched. */
  modified: CopyScan["modified"];
  /** Copies the lock does not list (not reinstallable from it): left alone. */
  unlocked: string[];
  /**
   * Why nothing was relinked although there are copies: `link_mode = clone` / `copy`, or the
   * cache on another filesystem; absent otherwise.
   */
  skipped?: string;
  /** The copies `skipped` concerns. */
  skippedCopies: string[];
}

function emptyReport(): RelinkReport {
  return {
    planned: [],
    relinked: [],
    stillCopies: [],
    modified: [],
    unlocked: [],
    skippedCopies: [],
  };
}

/**
 * Re-installs, linked to the cache, the distributions of environment `name` that are unchanged
 * copies and that its lock lists (under the environment's lock; see the module documentation).
 * In a dry run, only says which.
 * @returns What was relinked and what was left alone, and why; all empty for an environment
 *   that is not native or has no lock.
 * @throws {EnvironmentNotFoundError} when the environment does not exist.
 * @throws {NetworkError | ArtifactMismatchError} when a file is neither cached nor reachable, or
 *   does not match the lock (the environment is left as it was).
 */
export async function relinkCopies(
  ctx: EnvironmentContext,
  name: string,
): Promise<RelinkReport> {
  const cacheRoot = ctx.home.cacheDir;
  const plan = async () => {
    const report = emptyReport();
    const record = await getEnvironment(ctx, name);
    if (record.backend !== "native") return { record, report };
    const layout = await inspectVirtualenv(record.path);
    const lock = await readEnvironmentLock(record).catch(() => undefined);
    if (layout === undefined || lock === undefined) return { record, report };
    const scan = await scanCopies(layout, { cacheRoot, verify: true });
    report.modified = scan.modified;
    const mode = ctx.settings.linkMode.value ?? defaultLinkMode();
    if (scan.otherDevice || mode === "clone" || mode === "copy") {
      report.skippedCopies = [...scan.copies, ...scan.unlinkable];
      if (report.skippedCopies.length > 0) {
        report.skipped = scan.otherDevice
          ? "the environment and the cache are on different filesystems: files can only be copied"
          : mode === "clone"
          ? "link_mode = clone: clones share storage with the cache but look like copies"
          : "link_mode = copy";
      }
      return { record, report };
    }
    const locked = new Set(lock.packages.map((p) => `${p.name}==${p.version}`));
    report.planned = scan.copies.filter((d) => locked.has(d));
    report.unlocked = scan.copies.filter((d) => !locked.has(d));
    return { record, report, lock, layout };
  };
  if (ctx.dryRun) return (await plan()).report;
  return await withEnvironmentLock(ctx, name, async () => {
    const { record, report, lock, layout } = await plan();
    if (report.planned.length === 0 || lock === undefined || layout === undefined) return report;
    const { backend, target } = await openEnvironment(ctx, record);
    await installFromLock(ctx, record, backend, target, lock, false, {
      writeLock: false,
      reinstall: new Set(report.planned.map((c) => c.split("==")[0]!)),
    });
    const after = new Set((await scanCopies(layout, { cacheRoot })).copies);
    report.relinked = report.planned.filter((d) => !after.has(d));
    report.stillCopies = report.planned.filter((d) => after.has(d));
    return report;
  });
}
