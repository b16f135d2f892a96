/**
 * What an environment needs at run time (`export --production-ready`): its installed
 * distributions minus the packaging tools nobody asked for, each with the sha256 of every file
 * its lock knows, so `pip install --require-hashes -r` accepts the pins.
 *
 * @module
 */
import type { BackendTarget } from "../backends/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import type { EnvironmentContext, EnvironmentRecord } from "../environments/mod.ts";
import { PackageNotFoundError } from "../errors/mod.ts";
import type { Pylock, PylockPackage } from "../lock/mod.ts";
import { installedGraph } from "./dependency_graph.ts";
import { lockInstalled, readEnvironmentLock } from "./environment_lock.ts";
import { requirementProject } from "./requirements_text.ts";

/**
 * Packaging tools that environments get without asking (pip seeded by `create --seed` or by a
 * `python -m venv`, setuptools and wheel by older `venv`s and `virtualenv`): left out of a
 * production export unless the user asked for them or a kept distribution depends on them.
 */
export const BUILD_TOOLING: ReadonlySet<string> = new Set(["pip", "setuptools", "wheel"]);

/** One distribution of a production export: an exact pin and the sha256 of its files. */
export interface ProductionPin {
  /** The name as installed (METADATA `Name`). */
  name: string;
  /** The installed version. */
  version: string;
  /** sha256 (lowercase hex) of every file of this version the lock lists (wheels and sdist). */
  sha256: string[];
  /** The lock entry the hashes come from (its files, index and dependencies). */
  locked: PylockPackage;
}

/** The production set of an environment and the tooling left out of it. */
export interface ProductionSet {
  /** Kept distributions, sorted by normalized name. */
  pins: ProductionPin[];
  /** PEP 503 names of the installed tooling left out (sorted). */
  excluded: string[];
}

/**
 * Computes the production set of an environment: every installed distribution, except those of
 * {@linkcode BUILD_TOOLING} that are neither requested by the user (the recorded requirements)
 * nor reached through the dependencies (METADATA `Requires-Dist`, markers evaluated for the
 * environment's interpreter) of a distribution that is kept. The hashes come from the
 * environment's `pylock.toml`; distributions it does not describe at their installed version are
 * looked up on the indexes (as `gestvenv lock` does).
 *
 * @throws {PackageNotFoundError} (exit 4) When a kept distribution has no file with a sha256 on
 *   the indexes, or was installed from a directory (naming each one; a directory or an
 *   unhashed URL cannot be installed with `--require-hashes`).
 * @throws {NetworkError} When an index must be asked and cannot be reached.
 */
export async function productionSet(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  target: BackendTarget,
): Promise<ProductionSet> {
  const installed = await readInstalledDistributions(target.layout.sitePackages);
  const requested = new Set<string>();
  for (const r of record.requirements) {
    const project = requirementProject(r);
    if (project !== undefined) requested.add(project);
  }
  const graph = await installedGraph(target, record.requirements);
  const kept = new Set<string>();
  const stack = installed
    .map((d) => d.normalized_name)
    .filter((n) => !BUILD_TOOLING.has(n) || requested.has(n));
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (kept.has(name)) continue;
    kept.add(name);
    for (const r of graph.nodes.get(name)?.requires ?? []) if (r.installed) stack.push(r.name);
  }
  const dists = installed
    .filter((d) => kept.has(d.normalized_name))
    .sort((a, b) => (a.normalized_name < b.normalized_name ? -1 : 1));
  const excluded = installed
    .map((d) => d.normalized_name)
    .filter((n) => !kept.has(n))
    .sort();
  const entries = new Map<string, PylockPackage>();
  const addFrom = (lock: Pylock | undefined) => {
    for (const p of lock?.packages ?? []) {
      const k = `${p.name}==${p.version}`;
      if (p.version !== undefined && !entries.has(k)) entries.set(k, p);
    }
  };
  addFrom(await readEnvironmentLock(record));
  const key = (d: { normalized_name: string; version: string }) =>
    `${d.normalized_name}==${d.version}`;
  if (dists.some((d) => !entries.has(key(d)))) {
    // The environment's lock is missing or stale for some of them: ask the indexes.
    addFrom((await lockInstalled(ctx, record, target)).lock);
  }
  const pins: ProductionPin[] = [];
  const problems: string[] = [];
  for (const d of dists) {
    const locked = entries.get(key(d));
    const files = locked === undefined
      ? []
      : [...locked.wheels, ...(locked.sdist ? [locked.sdist] : [])];
    const sha256 = [...new Set(files.map((f) => f.hashes.sha256).filter((h) => h !== undefined))]
      .sort();
    if (locked === undefined) {
      problems.push(`${d.name} ${d.version} (not on the indexes)`);
    } else if (locked.directory !== undefined) {
      problems.push(
        `${d.name} ${d.version} (installed from the directory ${locked.directory.path})`,
      );
    } else if (sha256.length === 0) {
      problems.push(`${d.name} ${d.version} (no file with a sha256 on the indexes)`);
    } else {
      pins.push({ name: d.name, version: d.version, sha256, locked });
    }
  }
  if (problems.length > 0) {
    throw new PackageNotFoundError(
      `${record.name} cannot be exported production-ready: ${problems.join(", ")}`,
      {
        hint: "Production exports pin index files by sha256; install these from an index " +
          "(`gestvenv install --env NAME PKG==VERSION`), or export without --production-ready",
      },
    );
  }
  return { pins, excluded };
}
