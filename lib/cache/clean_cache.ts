/**
 * Cleaning the cache: policies (`all`, `olderThanDays` by last use, `maxBytes` least recently
 * used first, `unpacked` for unpacked wheels and stored files nothing needs), `removeFromCache`
 * for named projects, and `autoCleanup`, the time-bounded clean run after operations.
 *
 * What environments link to is kept (unless `all`): the caller passes the sha256 of every
 * artifact the registered environments' locks name, and the origins (URLs, `file:` URLs of
 * directories) of their files, which is how a wheel built from a locked sdist or directory is
 * found. Their manifests and stored files stay; so does every stored file with more than one hard
 * link (an environment or a build environment links to it, and removing it would free nothing).
 *
 * Every removal runs under the cache's exclusive lock, in an order that leaves a usable cache at
 * each step (a process killed in the middle leaves one a later command uses): manifests first (a
 * manifest never names a file that is gone), then stored files, then each artifact's index row
 * and its file (a row without a file would be listed; a file without a row is found again), then
 * the other buckets. Failpoints: `cache.clean.after_index`,
 * `cache.clean.after_manifests`, `cache.clean.after_files`.
 *
 * @module
 */
import { failpoint, tryWithFileLock } from "../fs/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { join } from "../paths/mod.ts";
import { compareVersions, tryParseVersion } from "../pep440/mod.ts";
import { artifactDir } from "./cache_layout.ts";
import type { CachedArtifactRow } from "./cache_index.ts";
import {
  BUILD_ENVS_BUCKET,
  BUILD_FAILURES_BUCKET,
  BUILT_WHEELS_BUCKET,
  type CacheScan,
  entriesOf,
  manifestFiles,
  METADATA_BUCKET,
  PAGES_BUCKET,
  scanCache,
  treeSize,
} from "./cache_scan.ts";
import type { PackageCache } from "./package_cache.ts";

const DAY_MS = 86_400_000;

/** What the registered environments use (see the module documentation). */
export interface CacheReferences {
  /** sha256 of every artifact an environment's lock names (lowercase hex). */
  sha256s: ReadonlySet<string>;
  /** Origins of their files: index URLs of sdists, `file:` URLs of directories. */
  origins: ReadonlySet<string>;
}

/** No references: nothing is protected. */
export const NO_REFERENCES: CacheReferences = { sha256s: new Set(), origins: new Set() };

/** Which cleaning to do; several policies add up. */
export interface CleanPolicy {
  /** Everything: artifacts, unpacked wheels, stored files, index pages, metadata, builds. */
  all?: boolean;
  /** Artifacts not used for more than this many days (by last use). */
  olderThanDays?: number | undefined;
  /** Least recently used artifacts first until the cache is no larger than this (bytes). */
  maxBytes?: number | undefined;
  /** Unpacked wheels no environment uses and stored files no manifest names. */
  unpacked?: boolean;
}

/** Why an entry goes. */
export type CleanReason = "all" | "older-than" | "max-size" | "unpacked" | "removed";

/** One thing a clean removes (or would remove). */
export interface CleanEntry {
  /** `artifact`, `manifest`, `stored-file`, or a whole entry of another bucket. */
  kind: "artifact" | "manifest" | "stored-file" | "index-page" | "metadata" | "build";
  /** Absolute path (a directory for an artifact or a build). */
  path: string;
  /** Bytes it frees. */
  bytes: number;
  /** The artifact's sha256 (artifacts and manifests). */
  sha256: string | null;
  /** The artifact's project, version and file name, when known. */
  project: string | null;
  version: string | null;
  filename: string | null;
  /** Why it goes. */
  reason: CleanReason;
}

/** What a clean removed (or, in a dry run, would remove). */
export interface CleanReport {
  /** Whether nothing was removed (a plan). */
  dryRun: boolean;
  /** Every entry, artifacts first. */
  entries: CleanEntry[];
  /** Bytes freed (or that would be). */
  bytes: number;
  /** The cache's size before and after (after: projected in a dry run), in bytes. */
  sizeBefore: number;
  sizeAfter: number;
  /** Artifacts kept because an environment uses them (not counted with `all`). */
  kept: { artifacts: number; bytes: number };
  /** Entries of builds left because a build holds them. */
  busy: string[];
  /** False when `autoCleanup` ran out of time before finishing. */
  complete: boolean;
}

/** Options of {@linkcode cleanCache} and {@linkcode removeFromCache}. */
export interface CleanOptions {
  /** What environments use (see the module documentation). @default nothing */
  referenced?: CacheReferences;
  /** Only plan: remove nothing (shared lock). @default false */
  dryRun?: boolean;
  /** "Now", for `olderThanDays` (ms since the epoch). @default Date.now() */
  now?: number;
  /** Stop removing at this time (ms since the epoch); the report says `complete: false`. */
  deadline?: number | undefined;
  /** Stop removing when aborted (Ctrl-C); the report says `complete: false`. */
  signal?: AbortSignal | undefined;
  /** Called once when other processes still use the cache after a second (the clean waits). */
  onWait?: (() => void) | undefined;
}

/**
 * The artifacts environments use: named by sha256, or built from a used origin. `cache clean`
 * keeps them and `cache list --format json` marks them `referenced` (only `sha256` and `origin`
 * of each row are read).
 */
export function referencedArtifacts(
  rows: readonly Pick<CachedArtifactRow, "sha256" | "origin">[],
  refs: CacheReferences,
): Set<string> {
  const used = new Set<string>();
  for (const row of rows) {
    if (refs.sha256s.has(row.sha256) || (row.origin !== null && refs.origins.has(row.origin))) {
      used.add(row.sha256);
    }
  }
  for (const sha of refs.sha256s) used.add(sha);
  return used;
}

/** Plans the removal of `artifacts` (and of unused manifests when `unpacked`). */
function planRemoval(
  scan: CacheScan,
  doomed: Map<string, CleanReason>,
  options: { unpacked: boolean; used: ReadonlySet<string>; all: boolean },
): CleanEntry[] {
  const rows = new Map(scan.rows.map((r) => [r.sha256, r]));
  const entries: CleanEntry[] = [];
  for (const [sha, reason] of doomed) {
    const row = rows.get(sha)!;
    entries.push({
      kind: "artifact",
      path: artifactDir(scan.root, sha),
      bytes: row.size,
      sha256: sha,
      project: row.project,
      version: row.version,
      filename: row.filename,
      reason,
    });
  }
  // Manifests: those of doomed artifacts; with `unpacked`, every one no environment uses.
  const doomedManifests = new Map<string, CleanReason>();
  for (const m of scan.manifests.values()) {
    const reason = options.all ? "all" : doomed.get(m.sha256) ??
      (options.unpacked && (!options.used.has(m.sha256) || m.manifest === undefined)
        ? "unpacked"
        : undefined);
    if (reason !== undefined) doomedManifests.set(m.sha256, reason);
  }
  // Stored files: those only doomed manifests name (or, with `unpacked`, no manifest names).
  const kept = new Set<string>();
  const named = new Map<string, CleanReason>();
  for (const m of scan.manifests.values()) {
    if (m.manifest === undefined) continue;
    const reason = doomedManifests.get(m.sha256);
    for (const path of manifestFiles(scan.root, m.manifest)) {
      if (reason === undefined) kept.add(path);
      else named.set(path, reason);
    }
  }
  for (const [sha, reason] of doomedManifests) {
    const m = scan.manifests.get(sha)!;
    const row = rows.get(sha);
    entries.push({
      kind: "manifest",
      path: m.path,
      bytes: m.bytes,
      sha256: sha,
      project: row?.project ?? null,
      version: row?.version ?? null,
      filename: m.manifest?.filename ?? row?.filename ?? null,
      reason,
    });
  }
  for (const f of [...scan.files.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    let reason: CleanReason | undefined;
    if (options.all) reason = "all";
    else if (kept.has(f.path) || f.nlink > 1) continue;
    else reason = named.get(f.path) ?? (options.unpacked ? "unpacked" : undefined);
    if (reason === undefined) continue;
    entries.push({
      kind: "stored-file",
      path: f.path,
      bytes: f.bytes,
      sha256: null,
      project: null,
      version: null,
      filename: null,
      reason,
    });
  }
  return entries;
}

/**
 * Counts what removing artifacts one by one frees: the artifact, its manifest, and the stored
 * files no remaining manifest names (files with other hard links free nothing and stay).
 */
class Freeing {
  readonly #scan: CacheScan;
  readonly #refs = new Map<string, number>();
  readonly #rows: Map<string, CachedArtifactRow>;

  constructor(scan: CacheScan) {
    this.#scan = scan;
    this.#rows = new Map(scan.rows.map((r) => [r.sha256, r]));
    for (const m of scan.manifests.values()) {
      if (m.manifest === undefined) continue;
      for (const path of new Set(manifestFiles(scan.root, m.manifest))) {
        this.#refs.set(path, (this.#refs.get(path) ?? 0) + 1);
      }
    }
  }

  /** Bytes freed by removing the artifact `sha` (after those removed before). */
  doom(sha: string): number {
    let bytes = this.#rows.get(sha)?.size ?? 0;
    const m = this.#scan.manifests.get(sha);
    if (m === undefined) return bytes;
    bytes += m.bytes;
    if (m.manifest === undefined) return bytes;
    for (const path of new Set(manifestFiles(this.#scan.root, m.manifest))) {
      const left = (this.#refs.get(path) ?? 1) - 1;
      this.#refs.set(path, left);
      const file = this.#scan.files.get(path);
      if (left === 0 && file !== undefined && file.nlink <= 1) bytes += file.bytes;
    }
    return bytes;
  }
}

/** The entries of the other buckets, for `all`. */
async function otherBucketEntries(root: string): Promise<CleanEntry[]> {
  const entries: CleanEntry[] = [];
  const kinds: Array<[string, CleanEntry["kind"]]> = [
    [PAGES_BUCKET, "index-page"],
    [METADATA_BUCKET, "metadata"],
    [BUILD_FAILURES_BUCKET, "metadata"],
    [BUILT_WHEELS_BUCKET, "build"],
    [BUILD_ENVS_BUCKET, "build"],
  ];
  for (const [bucket, kind] of kinds) {
    for (const entry of await entriesOf(join(root, bucket))) {
      // Build keys' lock files stay (a build may wait on one).
      if (kind === "build" && entry.name.endsWith(".lock")) continue;
      const path = join(root, bucket, entry.name);
      entries.push({
        kind,
        path,
        bytes: (await treeSize(path)).bytes,
        sha256: null,
        project: null,
        version: null,
        filename: null,
        reason: "all",
      });
    }
  }
  return entries;
}

/** The plan of a clean with `policy` over `scan` (see {@linkcode cleanCache}). */
export async function planClean(
  scan: CacheScan,
  policy: CleanPolicy,
  options: CleanOptions = {},
): Promise<{ entries: CleanEntry[]; kept: { artifacts: number; bytes: number } }> {
  const now = options.now ?? Date.now();
  const used = referencedArtifacts(scan.rows, options.referenced ?? NO_REFERENCES);
  const all = policy.all ?? false;
  const doomed = new Map<string, CleanReason>();
  const kept = { artifacts: 0, bytes: 0 };
  for (const row of scan.rows) {
    if (all) doomed.set(row.sha256, "all");
    else if (used.has(row.sha256)) {
      kept.artifacts++;
      kept.bytes += row.size;
    } else if (
      policy.olderThanDays !== undefined && now - row.lastUsed > policy.olderThanDays * DAY_MS
    ) doomed.set(row.sha256, "older-than");
  }
  if (!all && policy.maxBytes !== undefined) {
    const freeing = new Freeing(scan);
    let size = scan.totalBytes;
    for (const sha of doomed.keys()) size -= freeing.doom(sha);
    const candidates = scan.rows
      .filter((r) => !used.has(r.sha256) && !doomed.has(r.sha256))
      .sort((a, b) => a.lastUsed - b.lastUsed || a.sha256.localeCompare(b.sha256));
    for (const row of candidates) {
      if (size <= policy.maxBytes) break;
      doomed.set(row.sha256, "max-size");
      size -= freeing.doom(row.sha256);
    }
  }
  const entries = planRemoval(scan, doomed, { unpacked: policy.unpacked ?? false, used, all });
  if (all) entries.push(...await otherBucketEntries(scan.root));
  return { entries, kept: all ? { artifacts: 0, bytes: 0 } : kept };
}

async function removeQuietly(path: string, recursive = false): Promise<boolean> {
  try {
    await Deno.remove(path, { recursive });
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Removes the planned entries in the safe order (see the module documentation).
 * @returns The entries removed, and the build entries left because a build holds them.
 */
async function applyEntries(
  cache: PackageCache,
  entries: readonly CleanEntry[],
  stop: { deadline?: number | undefined; signal?: AbortSignal | undefined },
): Promise<{ removed: CleanEntry[]; busy: string[]; complete: boolean }> {
  const removed: CleanEntry[] = [];
  const busy: string[] = [];
  const late = () =>
    (stop.deadline !== undefined && Date.now() > stop.deadline) || stop.signal?.aborted === true;
  for (const kind of ["manifest", "stored-file"] as const) {
    for (const e of entries.filter((e) => e.kind === kind)) {
      if (late()) return { removed, busy, complete: false };
      await removeQuietly(e.path);
      removed.push(e);
    }
    await failpoint(
      kind === "manifest" ? "cache.clean.after_manifests" : "cache.clean.after_files",
    );
  }
  for (const e of entries) {
    if (e.kind === "manifest" || e.kind === "stored-file") continue;
    if (late()) return { removed, busy, complete: false };
    if (e.kind === "artifact") {
      // Its row first: a row whose file is gone would be listed; a file without a row is
      // found again (and recorded) by the next scan or lookup.
      cache.index.remove(e.sha256!);
      await failpoint("cache.clean.after_index");
    }
    if (e.kind === "build") {
      // A build key is removed under its own lock; one a build holds now is left.
      const held = await tryWithFileLock(`${e.path}.lock`, () => removeQuietly(e.path, true));
      if (held.acquired) removed.push(e);
      else busy.push(e.path);
      continue;
    }
    await removeQuietly(e.path, true);
    removed.push(e);
  }
  return { removed, busy, complete: true };
}

function report(
  scan: CacheScan,
  entries: CleanEntry[],
  kept: { artifacts: number; bytes: number },
  extra: { dryRun: boolean; busy: string[]; complete: boolean },
): CleanReport {
  const bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  return {
    dryRun: extra.dryRun,
    entries,
    bytes,
    sizeBefore: scan.totalBytes,
    sizeAfter: Math.max(0, scan.totalBytes - bytes),
    kept,
    busy: extra.busy,
    complete: extra.complete,
  };
}

/**
 * Cleans the cache with `policy` (see the module documentation); in a dry run, returns exactly
 * what would go (paths and bytes) and removes nothing.
 * @throws {CacheError} (exit 30) when the index cannot be written.
 */
export async function cleanCache(
  cache: PackageCache,
  policy: CleanPolicy,
  options: CleanOptions = {},
): Promise<CleanReport> {
  const run = async (): Promise<CleanReport> => {
    const scan = await scanCache(cache);
    const plan = await planClean(scan, policy, options);
    if (options.dryRun) {
      return report(scan, plan.entries, plan.kept, { dryRun: true, busy: [], complete: true });
    }
    const done = await applyEntries(cache, plan.entries, options);
    return report(scan, done.removed, plan.kept, {
      dryRun: false,
      busy: done.busy,
      complete: done.complete,
    });
  };
  return options.dryRun
    ? await cache.withSharedLock(run)
    : await cache.withExclusiveLock(run, { onWait: options.onWait });
}

/** A `cache remove` argument: a project, and a version or none for every version. */
export interface RemoveTarget {
  /** Project name (any spelling; PEP 503 normalized). */
  project: string;
  /** Version (PEP 440 equality: `1.0` is `1.0.0`), or undefined for every version. */
  version?: string | undefined;
}

function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  const va = tryParseVersion(a);
  const vb = tryParseVersion(b);
  return va !== null && vb !== null && compareVersions(va, vb) === 0;
}

/**
 * Removes the artifacts of the named projects (every version, or the one given), their
 * manifests, the stored files only they named, and the projects' cached index pages. Unlike a
 * clean, it removes what environments use too (they keep working: their files are links or
 * copies; the artifacts are downloaded again when needed).
 * @returns The report, and the targets that matched nothing.
 */
export async function removeFromCache(
  cache: PackageCache,
  targets: readonly RemoveTarget[],
  options: CleanOptions = {},
): Promise<CleanReport & { unmatched: RemoveTarget[] }> {
  const run = async () => {
    const scan = await scanCache(cache);
    const doomed = new Map<string, CleanReason>();
    const unmatched: RemoveTarget[] = [];
    for (const target of targets) {
      const name = normalizeName(target.project);
      const rows = scan.rows.filter((r) =>
        r.project === name &&
        (target.version === undefined || sameVersion(r.version, target.version))
      );
      if (rows.length === 0) unmatched.push(target);
      for (const r of rows) doomed.set(r.sha256, "removed");
    }
    const used = referencedArtifacts(scan.rows, options.referenced ?? NO_REFERENCES);
    const entries = planRemoval(scan, doomed, { unpacked: false, used, all: false });
    // Every version of a project gone: its cached index pages go too (they list its files).
    const whole = new Set(
      targets.filter((t) => t.version === undefined).map((t) => normalizeName(t.project)),
    );
    for (const index of await entriesOf(join(scan.root, PAGES_BUCKET))) {
      if (!index.isDirectory) continue;
      for (const name of whole) {
        const path = join(scan.root, PAGES_BUCKET, index.name, `${name}.json`);
        const info = await Deno.lstat(path).catch(() => undefined);
        if (info === undefined) continue;
        entries.push({
          kind: "index-page",
          path,
          bytes: info.size,
          sha256: null,
          project: name,
          version: null,
          filename: null,
          reason: "removed",
        });
      }
    }
    const kept = { artifacts: 0, bytes: 0 };
    if (options.dryRun) {
      return {
        ...report(scan, entries, kept, { dryRun: true, busy: [], complete: true }),
        unmatched,
      };
    }
    const done = await applyEntries(cache, entries, options);
    return {
      ...report(scan, done.removed, kept, {
        dryRun: false,
        busy: done.busy,
        complete: done.complete,
      }),
      unmatched,
    };
  };
  return options.dryRun
    ? await cache.withSharedLock(run)
    : await cache.withExclusiveLock(run, { onWait: options.onWait });
}

/** Options of {@linkcode autoCleanup} (the `cache.max_size`/`cache.max_age` settings). */
export interface AutoCleanupOptions {
  /** Largest cache size, in bytes (`cache.max_size`); none = no size limit. */
  maxBytes?: number | undefined;
  /** Artifacts not used for this many days go (`cache.max_age`); none = no age limit. */
  maxAgeDays?: number | undefined;
  /** What environments use (kept). */
  referenced: CacheReferences;
  /** Time allowed, in ms: planning and removal stop when it runs out. @default 2000 */
  budgetMs?: number;
}

/**
 * `cache.auto_cleanup`: after an operation, brings the cache back within its limits (artifacts
 * older than `maxAgeDays`, then least recently used until under `maxBytes`), never removing what
 * environments use, and never waiting: when another process uses the cache, or no limit is set,
 * it does nothing and returns undefined. Bounded by `budgetMs`: what is left is done next time
 * (`complete: false`). Call it with the cache's lock not held by this process.
 */
export async function autoCleanup(
  cache: PackageCache,
  options: AutoCleanupOptions,
): Promise<CleanReport | undefined> {
  if (options.maxBytes === undefined && options.maxAgeDays === undefined) return undefined;
  const deadline = Date.now() + (options.budgetMs ?? 2000);
  const attempt = await cache.tryWithExclusiveLock(async () => {
    const scan = await scanCache(cache);
    const plan = await planClean(scan, {
      olderThanDays: options.maxAgeDays,
      maxBytes: options.maxBytes,
    }, { referenced: options.referenced });
    const done = await applyEntries(cache, plan.entries, { deadline });
    return report(scan, done.removed, plan.kept, {
      dryRun: false,
      busy: done.busy,
      complete: done.complete,
    });
  });
  return attempt.acquired ? attempt.value : undefined;
}
