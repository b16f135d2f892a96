/**
 * Figures over the operation log (`lib/oplog` entries): operations by command with their
 * durations, the cache's hit rate and bytes, the most installed packages, time per phase, and a
 * per-day trend. Pure functions: the caller reads and filters the log.
 *
 * @module
 */
import { type Phase, PHASES } from "../events/mod.ts";
import type { OperationEntry } from "../oplog/mod.ts";

/** One command's operations. */
export interface CommandStats {
  /** The command's route (`install`, `cache clean`). */
  command: string;
  /** Operations logged. */
  count: number;
  /** Those that ended with a non-zero exit code. */
  failures: number;
  /** Median duration, ms. */
  median_ms: number;
  /** 90th percentile duration (nearest rank), ms. */
  p90_ms: number;
}

/** The cache's figures over the operations that recorded them. */
export interface CacheFigures {
  /** Operations whose line has the figures (lines written before gestvenv logged them do not). */
  measured_operations: number;
  /** Operations without them. */
  unmeasured_operations: number;
  /** Artifacts served from the cache. */
  hits: number;
  /** Artifacts fetched. */
  misses: number;
  /** hits / (hits + misses), or null when no artifact was asked for. */
  hit_rate: number | null;
  /** Bytes downloaded, or null when no operation recorded it. */
  bytes_downloaded: number | null;
  /** Bytes served from the cache instead of downloaded, or null when no operation recorded it. */
  bytes_saved: number | null;
}

/** A package and how often it was installed. */
export interface PackageCount {
  /** The distribution name as logged. */
  name: string;
  /** Times it was installed or changed version (successful operations). */
  installs: number;
  /** Distinct environments it went into. */
  environments: number;
}

/** One day of the trend. */
export interface DayStats {
  /** The day, `YYYY-MM-DD` (UTC). */
  day: string;
  /** Operations that started that day. */
  operations: number;
  /** Those that failed. */
  failures: number;
  /** Their median duration, ms. */
  median_ms: number;
  /** Artifacts served from the cache that day (operations that recorded it). */
  cache_hits: number;
  /** Artifacts fetched that day. */
  cache_misses: number;
  /** cache_hits / (cache_hits + cache_misses), or null when no artifact was asked for. */
  cache_hit_rate: number | null;
}

/** The median of `values` (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The `p`th percentile (0-100, nearest rank) of `values` (0 for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Operations by command, most frequent first (then by name). */
export function commandStats(entries: readonly OperationEntry[]): CommandStats[] {
  const byCommand = new Map<string, OperationEntry[]>();
  for (const e of entries) {
    const list = byCommand.get(e.command);
    if (list === undefined) byCommand.set(e.command, [e]);
    else list.push(e);
  }
  return [...byCommand].map(([command, list]) => {
    const durations = list.map((e) => e.duration_ms);
    return {
      command,
      count: list.length,
      failures: list.filter((e) => e.exit_code !== 0).length,
      median_ms: median(durations),
      p90_ms: percentile(durations, 90),
    };
  }).sort((a, b) => b.count - a.count || (a.command < b.command ? -1 : 1));
}

/** The cache's hits, misses and bytes over the entries that recorded them. */
export function cacheFigures(entries: readonly OperationEntry[]): CacheFigures {
  let measured = 0, hits = 0, misses = 0, downloaded = 0, saved = 0, withBytes = 0;
  for (const e of entries) {
    if (e.cache === undefined) continue;
    measured++;
    hits += e.cache.hits;
    misses += e.cache.misses;
    saved += e.cache.bytes_saved;
    if (e.bytes_downloaded !== undefined) {
      withBytes++;
      downloaded += e.bytes_downloaded;
    }
  }
  return {
    measured_operations: measured,
    unmeasured_operations: entries.length - measured,
    hits,
    misses,
    hit_rate: hits + misses === 0 ? null : hits / (hits + misses),
    bytes_downloaded: withBytes === 0 ? null : downloaded,
    bytes_saved: measured === 0 ? null : saved,
  };
}

/** The packages successful operations installed most often (at most `limit`). */
export function topPackages(entries: readonly OperationEntry[], limit: number): PackageCount[] {
  const counts = new Map<string, { name: string; installs: number; envs: Set<string> }>();
  for (const e of entries) {
    if (e.exit_code !== 0) continue;
    for (const c of e.changes) {
      if (typeof c.after !== "string") continue; // A removal.
      const key = c.name.toLowerCase().replace(/[-_.]+/g, "-");
      const entry = counts.get(key) ?? { name: c.name, installs: 0, envs: new Set<string>() };
      entry.installs++;
      entry.envs.add(c.environment);
      counts.set(key, entry);
    }
  }
  return [...counts.values()]
    .map((c) => ({ name: c.name, installs: c.installs, environments: c.envs.size }))
    .sort((a, b) => b.installs - a.installs || (a.name < b.name ? -1 : 1))
    .slice(0, Math.max(0, limit));
}

/** Total ms per phase over the entries that recorded phases, in phase order. */
export function phaseTotals(entries: readonly OperationEntry[]): Array<[Phase, number]> {
  const totals = new Map<Phase, number>();
  for (const e of entries) {
    for (const phase of PHASES) {
      const ms = e.phases_ms?.[phase];
      if (ms !== undefined) totals.set(phase, (totals.get(phase) ?? 0) + ms);
    }
  }
  return PHASES.filter((p) => totals.has(p)).map((p) => [p, Math.round(totals.get(p)! * 10) / 10]);
}

/**
 * How far in the future a line's time may be, ms (a day): another machine's clock sharing the
 * home may be a little ahead; further is a corrupt or hand-edited line.
 */
export const FUTURE_SLACK_MS = 86_400_000;

/**
 * The entries dated at most {@linkcode FUTURE_SLACK_MS} after `now` (epoch ms), and how many
 * were left out for being dated later.
 */
export function withoutFuture(
  entries: readonly OperationEntry[],
  now: number = Date.now(),
): { entries: OperationEntry[]; future: number } {
  const kept = entries.filter((e) => Date.parse(e.time) <= now + FUTURE_SLACK_MS);
  return { entries: kept, future: entries.length - kept.length };
}

/**
 * Operations per day (UTC), oldest first; days without operations are left out. A time after
 * `now` (a clock ahead) counts as `now`.
 */
export function dailyTrend(
  entries: readonly OperationEntry[],
  now: number = Date.now(),
): DayStats[] {
  const days = new Map<string, OperationEntry[]>();
  for (const e of entries) {
    const day = new Date(Math.min(Date.parse(e.time), now)).toISOString().slice(0, 10);
    const list = days.get(day);
    if (list === undefined) days.set(day, [e]);
    else list.push(e);
  }
  return [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, list]) => {
    const cache = cacheFigures(list);
    return {
      day,
      operations: list.length,
      failures: list.filter((e) => e.exit_code !== 0).length,
      median_ms: median(list.map((e) => e.duration_ms)),
      cache_hits: cache.hits,
      cache_misses: cache.misses,
      cache_hit_rate: cache.hit_rate,
    };
  });
}
