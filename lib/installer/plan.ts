/**
 * The install plan: what a desired set of distributions means for an environment's installed
 * ones (what stays, what goes, what is installed and what it replaces). Pure.
 *
 * @module
 */
import type { InstalledDistribution } from "../distribution/mod.ts";
import { UsageError } from "../errors/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { tryParseVersion, versionsEqual } from "../pep440/mod.ts";

/** A distribution that should be installed, at one version, from one source. */
export interface DesiredDistribution<S = unknown> {
  /** PEP 503 normalized name. */
  name: string;
  /** The version to install. */
  version: string;
  /** The user asked for it by name: `REQUESTED` is written (PEP 376). */
  requested: boolean;
  /** PEP 610 `direct_url.json` content, for URL, path and editable installs. */
  directUrl?: Record<string, unknown> | null;
  /** Opaque to the installer; handed back to the fetch callback of `applyPlan`. */
  source: S;
}

/** What {@linkcode planInstall} decided. */
export interface InstallPlan<S = unknown> {
  /** Installed distributions left as they are. */
  keep: InstalledDistribution[];
  /** Installed distributions to remove: not desired (only when exact) or replaced. */
  remove: InstalledDistribution[];
  /** Distributions to install, with the installed one each replaces (also in `remove`). */
  install: Array<{ desired: DesiredDistribution<S>; replaces: InstalledDistribution | null }>;
}

/** Options for {@linkcode planInstall}. */
export interface PlanOptions {
  /** Remove installed distributions that are not desired (a sync), except `keep`. */
  exact: boolean;
  /** Normalized names an exact plan never removes (e.g. `pip`). */
  keep?: ReadonlySet<string>;
  /** Normalized names reinstalled even when the same version is installed. */
  reinstall?: ReadonlySet<string>;
}

function sameVersion(a: string, b: string): boolean {
  const va = tryParseVersion(a), vb = tryParseVersion(b);
  return va !== null && vb !== null ? versionsEqual(va, vb) : a === b;
}

/**
 * Compares `desired` with `installed` (as `lib/distribution` reads them): a distribution installed
 * at the desired version (PEP 440 equality: `1.0 == 1.0.0`) is kept unless named in `reinstall`;
 * another version is replaced (removed, then installed); a missing one is installed. With `exact`,
 * installed distributions that are not desired are removed, except names in `keep`; without it
 * they are kept. Every list is sorted by name. Nothing is read or written.
 *
 * @throws {UsageError} When `desired` names a distribution twice.
 */
export function planInstall<S>(
  desired: DesiredDistribution<S>[],
  installed: InstalledDistribution[],
  options: PlanOptions,
): InstallPlan<S> {
  const installedByName = new Map(installed.map((d) => [d.normalized_name, d]));
  const desiredNames = new Set<string>();
  const plan: InstallPlan<S> = { keep: [], remove: [], install: [] };
  for (const want of desired) {
    const name = normalizeName(want.name);
    if (desiredNames.has(name)) {
      throw new UsageError(`${name} is asked for twice in one install`, {
        hint: "Ask for each distribution once, at one version",
      });
    }
    desiredNames.add(name);
    const current = installedByName.get(name);
    if (
      current !== undefined && sameVersion(current.version, want.version) &&
      !(options.reinstall?.has(name) ?? false)
    ) {
      plan.keep.push(current);
      continue;
    }
    plan.install.push({ desired: want, replaces: current ?? null });
    if (current !== undefined) plan.remove.push(current);
  }
  for (const dist of installed) {
    if (desiredNames.has(dist.normalized_name)) continue;
    if (options.exact && !(options.keep?.has(dist.normalized_name) ?? false)) {
      plan.remove.push(dist);
    } else plan.keep.push(dist);
  }
  const byName = (a: { normalized_name: string }, b: { normalized_name: string }) =>
    a.normalized_name < b.normalized_name ? -1 : a.normalized_name > b.normalized_name ? 1 : 0;
  plan.keep.sort(byName);
  plan.remove.sort(byName);
  plan.install.sort((a, b) =>
    byName({ normalized_name: normalizeName(a.desired.name) }, {
      normalized_name: normalizeName(b.desired.name),
    })
  );
  return plan;
}

/** Whether `plan` changes nothing. */
export function isNoopPlan(plan: InstallPlan<unknown>): boolean {
  return plan.remove.length === 0 && plan.install.length === 0;
}
