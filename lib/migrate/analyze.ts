/**
 * `migrate --analyze`: what the other tools' environments are, and what adopting them would
 * improve.
 *
 * @module
 */
import { readInstalledDistributions, readRecord } from "../distribution/mod.ts";
import { treeSize } from "../fs/mod.ts";
import { normalize } from "../paths/mod.ts";
import { inspectVirtualenv } from "../virtualenv/mod.ts";
import type { MigrationCandidate } from "./candidate.ts";

/** One candidate as the analysis reports it. */
export interface AnalyzedCandidate {
  /** The candidate itself. */
  candidate: MigrationCandidate;
  /** Bytes on disk (regular files, symlinks not followed). */
  sizeBytes: number;
  /** How many of its distributions pip (or another tool than gestvenv) installed. */
  installedByOthers: number;
}

/** A `name==version` installed in more than one candidate. */
export interface SharedDistribution {
  /** Normalized name. */
  name: string;
  /** Version. */
  version: string;
  /** The candidates holding it (their paths). */
  environments: string[];
  /** Bytes of one installed copy (from its RECORD sizes, else the files' sizes). */
  sizeBytes: number;
  /**
   * Bytes the cache would save once adopted: every copy but one becomes links to one cached file
   * (`(environments - 1) × sizeBytes`).
   */
  savedBytes: number;
}

/** What {@linkcode analyzeCandidates} found. */
export interface MigrationAnalysis {
  /** Every candidate, with its size. */
  candidates: AnalyzedCandidate[];
  /** Candidates that can be adopted (complete PEP 405 environments). */
  adoptable: number;
  /** Candidates that cannot, with why (their `problem`). */
  notAdoptable: Array<{ path: string; name: string; reason: string }>;
  /**
   * Environments whose distributions were installed by pip (or another installer): each has its
   * own copy of every file; adopted, their files are linked from gestvenv's cache.
   */
  cacheCandidates: Array<{ path: string; name: string; sizeBytes: number }>;
  /**
   * Distributions installed at the same version in several adoptable environments (those that
   * cannot be adopted are not counted), largest saving first.
   */
  shared: SharedDistribution[];
  /** Sum of `shared[].savedBytes`. */
  savedBytes: number;
}

async function distributionSize(distInfo: string): Promise<number> {
  const site = distInfo.slice(0, distInfo.lastIndexOf("/"));
  let total = 0;
  for (const row of (await readRecord(distInfo)) ?? []) {
    if (row.size !== null) {
      total += row.size;
      continue;
    }
    try {
      const stat = await Deno.lstat(normalize(`${site}/${row.path}`));
      if (stat.isFile) total += stat.size;
    } catch { /* listed but gone */ }
  }
  return total;
}

/**
 * Measures the candidates and finds what adopting them would improve: environments installed by
 * pip that would share the cache, the same `name==version` installed in several adoptable ones
 * and the bytes linking one cached copy would save, and the candidates that cannot be adopted and why.
 * Reads only. Requires `--allow-read`.
 */
export async function analyzeCandidates(
  candidates: readonly MigrationCandidate[],
): Promise<MigrationAnalysis> {
  const analyzed: AnalyzedCandidate[] = [];
  const byPin = new Map<string, { name: string; version: string; paths: string[]; size: number }>();
  for (const candidate of candidates) {
    const sizeBytes = await treeSize(candidate.path).catch(() => 0);
    const layout = await inspectVirtualenv(candidate.path);
    const dists = layout === undefined
      ? []
      : await readInstalledDistributions(layout.sitePackages).catch(() => []);
    let installedByOthers = 0;
    for (const dist of dists) {
      if (dist.installer !== "gestvenv") installedByOthers++;
      // A copy in an environment that cannot be adopted can never be linked from the cache.
      if (candidate.problem !== null) continue;
      const key = `${dist.normalized_name}==${dist.version}`;
      let entry = byPin.get(key);
      if (entry === undefined) {
        entry = {
          name: dist.normalized_name,
          version: dist.version,
          paths: [],
          size: await distributionSize(dist.dist_info),
        };
        byPin.set(key, entry);
      }
      entry.paths.push(candidate.path);
    }
    analyzed.push({ candidate, sizeBytes, installedByOthers });
  }
  const shared = [...byPin.values()].filter((e) => e.paths.length > 1).map((e) => ({
    name: e.name,
    version: e.version,
    environments: e.paths,
    sizeBytes: e.size,
    savedBytes: (e.paths.length - 1) * e.size,
  })).sort((a, b) => b.savedBytes - a.savedBytes || (a.name < b.name ? -1 : 1));
  const adoptable = analyzed.filter((a) => a.candidate.problem === null);
  return {
    candidates: analyzed,
    adoptable: adoptable.length,
    notAdoptable: analyzed.filter((a) => a.candidate.problem !== null).map((a) => ({
      path: a.candidate.path,
      name: a.candidate.name,
      reason: a.candidate.problem!,
    })),
    cacheCandidates: adoptable.filter((a) => a.installedByOthers > 0).map((a) => ({
      path: a.candidate.path,
      name: a.candidate.name,
      sizeBytes: a.sizeBytes,
    })),
    shared,
    savedBytes: shared.reduce((n, s) => n + s.savedBytes, 0),
  };
}
