/**
 * What the cache holds, for `cache info`, `cache list` and `cache stats`: counts and sizes by
 * kind, artifacts grouped by project and version (files, platforms from the wheel tags, size,
 * last use), the lookup log's hits and misses, the largest projects and the age of artifacts by
 * last use.
 *
 * @module
 */
import type { CachedArtifactRow, LookupTotals } from "./cache_index.ts";
import { type CacheKind, type CacheScan, scanCache } from "./cache_scan.ts";
import type { PackageCache } from "./package_cache.ts";

const DAY_MS = 86_400_000;

/** Counts and sizes of a cache by kind ({@linkcode summarizeCache}). */
export interface CacheSummary {
  /** The cache root. */
  root: string;
  /** Everything under the root but the index database, in bytes (what `maxBytes` limits). */
  totalBytes: number;
  /** The index database, in bytes. */
  indexBytes: number;
  /** Every kind, in a fixed order (zero counts included). */
  kinds: Array<{ kind: CacheKind; count: number; bytes: number }>;
}

const KIND_ORDER: readonly CacheKind[] = [
  "wheels",
  "sdists",
  "unpacked-wheels",
  "stored-files",
  "index-pages",
  "metadata",
  "built-wheels",
  "build-envs",
  "other",
];

function isWheel(row: CachedArtifactRow): boolean {
  return row.filename.toLowerCase().endsWith(".whl");
}

/** Counts and bytes by kind from a scan. */
export function summarizeScan(scan: CacheScan): CacheSummary {
  const counts = new Map<CacheKind, { count: number; bytes: number }>();
  const add = (kind: CacheKind, count: number, bytes: number) => {
    const b = counts.get(kind) ?? { count: 0, bytes: 0 };
    b.count += count;
    b.bytes += bytes;
    counts.set(kind, b);
  };
  for (const row of scan.rows) add(isWheel(row) ? "wheels" : "sdists", 1, row.size);
  for (const m of scan.manifests.values()) add("unpacked-wheels", 1, m.bytes);
  for (const f of scan.files.values()) add("stored-files", 1, f.bytes);
  for (const [kind, b] of scan.buckets) add(kind, b.count, b.bytes);
  return {
    root: scan.root,
    totalBytes: scan.totalBytes,
    indexBytes: scan.indexBytes,
    kinds: KIND_ORDER.map((kind) => ({ kind, ...(counts.get(kind) ?? { count: 0, bytes: 0 }) })),
  };
}

/**
 * Counts and sizes of the cache by kind (walks the tree; holds the shared lock).
 * @throws {CacheError} (exit 30) when the index cannot be written while reconciling.
 */
export async function summarizeCache(cache: PackageCache): Promise<CacheSummary> {
  return await cache.withSharedLock(async () =>
    summarizeScan(await scanCache(cache, { parseManifests: false }))
  );
}

/**
 * The platform tags of an artifact: a wheel's platform tags (PEP 425, compressed sets split:
 * `manylinux_2_17_x86_64.manylinux2014_x86_64` gives two), `any` for pure wheels, `source` for
 * an sdist.
 */
export function platformsOf(row: Pick<CachedArtifactRow, "tags" | "filename">): string[] {
  if (row.tags === null) return row.filename.toLowerCase().endsWith(".whl") ? [] : ["source"];
  const platform = row.tags.split("-")[2] ?? "";
  return platform.split(".").filter((p) => p !== "");
}

/** One artifact in a {@linkcode CachedProject}. */
export interface CachedFile {
  /** The file name. */
  filename: string;
  /** sha256 of its bytes. */
  sha256: string;
  /** Size in bytes. */
  bytes: number;
  /** Its platform tags ({@linkcode platformsOf}). */
  platforms: string[];
  /** Whether it is unpacked (a manifest exists). */
  unpacked: boolean;
  /** Where it came from, or null when unknown. */
  origin: string | null;
  /** When it was stored and last used (ms since the epoch). */
  added: number;
  lastUsed: number;
}

/** A project version held by the cache. */
export interface CachedProject {
  /** Normalized project name (PEP 503). */
  project: string;
  /** Version (empty when unknown). */
  version: string;
  /** Its artifacts, by file name. */
  files: CachedFile[];
  /** The platform tags of its files, sorted, without repeats. */
  platforms: string[];
  /** Bytes of its artifacts. */
  bytes: number;
  /** The latest use of any of its files (ms since the epoch). */
  lastUsed: number;
}

/** Options of {@linkcode listCachedProjects}. */
export interface ListOptions {
  /** Keep projects whose name contains this text (case-insensitive; `-`, `_`, `.` alike). */
  filter?: string | undefined;
  /** Keep files with this platform tag (`any`, `source`, `win_amd64`, …). */
  platform?: string | undefined;
}

/** Groups a scan's artifacts by project and version (see {@linkcode listCachedProjects}). */
export function projectsOfScan(scan: CacheScan, options: ListOptions = {}): CachedProject[] {
  const fold = (s: string) => s.toLowerCase().replace(/[-_.]+/g, "-");
  const filter = options.filter === undefined ? undefined : fold(options.filter);
  const platform = options.platform?.toLowerCase();
  const projects = new Map<string, CachedProject>();
  for (const row of scan.rows) {
    if (filter !== undefined && !fold(row.project).includes(filter)) continue;
    const platforms = platformsOf(row);
    if (platform !== undefined && !platforms.some((p) => p.toLowerCase() === platform)) continue;
    const key = `${row.project}\u0000${row.version}`;
    let project = projects.get(key);
    if (project === undefined) {
      project = {
        project: row.project,
        version: row.version,
        files: [],
        platforms: [],
        bytes: 0,
        lastUsed: 0,
      };
      projects.set(key, project);
    }
    project.files.push({
      filename: row.filename,
      sha256: row.sha256,
      bytes: row.size,
      platforms,
      unpacked: scan.manifests.has(row.sha256),
      origin: row.origin,
      added: row.added,
      lastUsed: row.lastUsed,
    });
    project.bytes += row.size;
    project.lastUsed = Math.max(project.lastUsed, row.lastUsed);
    project.platforms = [...new Set([...project.platforms, ...platforms])].sort();
  }
  for (const p of projects.values()) p.files.sort((a, b) => a.filename.localeCompare(b.filename));
  return [...projects.values()];
}

/**
 * The artifacts of the cache grouped by project and version, by project then version (walks the
 * tree; holds the shared lock).
 */
export async function listCachedProjects(
  cache: PackageCache,
  options: ListOptions = {},
): Promise<CachedProject[]> {
  return await cache.withSharedLock(async () => projectsOfScan(await scanCache(cache), options));
}

/** An age band of the artifacts by last use ({@linkcode CacheStats.ages}). */
export interface AgeBand {
  /** `<1d`, `<7d`, `<30d` or `>=30d`. */
  band: "<1d" | "<7d" | "<30d" | ">=30d";
  /** Artifacts last used in that band. */
  count: number;
  /** Their bytes. */
  bytes: number;
}

/** What `cache stats` shows. Bytes; times in ms since the epoch. */
export interface CacheStats {
  /** The lookup log's totals. */
  lookups: LookupTotals;
  /** hits / (hits + misses), or null with no lookup. */
  hitRate: number | null;
  /** The projects holding the most bytes of artifacts, most first (at most 10). */
  largest: Array<{ project: string; versions: number; files: number; bytes: number }>;
  /** Artifacts by time since last use. */
  ages: AgeBand[];
  /** Artifacts and their bytes. */
  artifacts: { count: number; bytes: number };
}

/** Stats from a scan and the lookup log (see {@linkcode cacheStats}). */
export function statsOfScan(
  scan: CacheScan,
  lookups: LookupTotals,
  now: number = Date.now(),
): CacheStats {
  const byProject = new Map<string, { versions: Set<string>; files: number; bytes: number }>();
  const ages: AgeBand[] = [
    { band: "<1d", count: 0, bytes: 0 },
    { band: "<7d", count: 0, bytes: 0 },
    { band: "<30d", count: 0, bytes: 0 },
    { band: ">=30d", count: 0, bytes: 0 },
  ];
  let bytes = 0;
  for (const row of scan.rows) {
    const p = byProject.get(row.project) ?? { versions: new Set(), files: 0, bytes: 0 };
    p.versions.add(row.version);
    p.files++;
    p.bytes += row.size;
    byProject.set(row.project, p);
    bytes += row.size;
    const days = (now - row.lastUsed) / DAY_MS;
    const band = ages[days < 1 ? 0 : days < 7 ? 1 : days < 30 ? 2 : 3]!;
    band.count++;
    band.bytes += row.size;
  }
  const total = lookups.hits + lookups.misses;
  return {
    lookups,
    hitRate: total === 0 ? null : lookups.hits / total,
    largest: [...byProject].map(([project, p]) => ({
      project,
      versions: p.versions.size,
      files: p.files,
      bytes: p.bytes,
    })).sort((a, b) => b.bytes - a.bytes || a.project.localeCompare(b.project)).slice(0, 10),
    ages,
    artifacts: { count: scan.rows.length, bytes },
  };
}

/**
 * The cache's statistics: hits, misses and bytes from the lookup log (every artifact an install
 * asked the cache for), the largest projects and the ages of artifacts by last use (holds the
 * shared lock).
 */
export async function cacheStats(
  cache: PackageCache,
  now: number = Date.now(),
): Promise<CacheStats> {
  return await cache.withSharedLock(async () =>
    statsOfScan(
      await scanCache(cache, { storedFiles: false, parseManifests: false }),
      cache.index.lookupTotals(),
      now,
    )
  );
}
