/**
 * The PubGrub version solver (Natalie Weizenbaum's algorithm, as described in Dart pub's
 * `doc/solver.md`): unit propagation over incompatibilities, conflict-driven clause learning
 * with backjumping, and decisions made one package at a time. The solver is generic: a
 * {@linkcode DependencyProvider} supplies each package's versions and dependencies.
 *
 * @module
 */
import { type Cause, type Incompatibility, incompatibility } from "./incompatibility.ts";
import { PartialSolution } from "./partial_solution.ts";
import { intersect, negate, negative, positive, type Term } from "./term.ts";
import { VersionSet } from "./version_set.ts";

/** A dependency of one version: the package and the versions of it that are acceptable. */
export interface Dependency {
  pkg: string;
  set: VersionSet;
  /** How to print the set (the specifier as written, e.g. `>=2.0,<3`). */
  label: string;
}

/** What a provider says about one version. */
export type VersionDependencies =
  | { kind: "available"; dependencies: Dependency[] }
  | { kind: "unavailable"; reason: string };

/** Supplies packages to the solver. Package keys are opaque strings (names, `name[extra]`). */
export interface DependencyProvider {
  /** Number of known versions of `pkg` (its domain size); loads the package. */
  domainSize(pkg: string): Promise<number>;
  /** Candidate version indices of `allowed`, most preferred first; at most `limit` of them. */
  preferred(pkg: string, allowed: VersionSet, limit?: number): number[];
  /** Dependencies of version `index` of `pkg`. */
  dependencies(pkg: string, index: number): Promise<VersionDependencies>;
  /** Incompatibilities known up front for `pkg` (constraints), given its domain size. */
  constraints(pkg: string): { set: VersionSet; label: string }[];
  /**
   * Hint that this version may be needed soon (fetch metadata ahead); `likely` when it is the
   * package's preferred candidate, false for speculative batches.
   */
  prefetch(pkg: string, index: number, likely: boolean): void;
  /** Priority: lower decides first (e.g. first-seen order); ties keep insertion order. */
  priority(pkg: string, allowedCount: number): number;
}

/** The root package key. */
export const ROOT = "<root>";

/** Thrown when no solution exists; carries the terminal incompatibility for reporting. */
export class NoSolutionError extends Error {
  constructor(readonly incompatibility: Incompatibility) {
    super("no solution");
  }
}

/** A solution: package → chosen version index. */
export type Solution = Map<string, number>;

/**
 * Runs PubGrub from the root package, whose single version (index 0) depends on
 * `rootDependencies`.
 * @throws {NoSolutionError} when the requirements cannot be satisfied together.
 */
export async function solve(
  provider: DependencyProvider,
  rootDependencies: Dependency[],
): Promise<Solution> {
  const solution = new PartialSolution();
  const byPackage = new Map<string, Incompatibility[]>();
  const sizes = new Map<string, number>([[ROOT, 1]]);
  const merged = new Map<string, Incompatibility>();
  const tries = new Map<string, number>();

  const add = (incompat: Incompatibility) => {
    for (const pkg of incompat.terms.keys()) {
      let list = byPackage.get(pkg);
      if (list === undefined) byPackage.set(pkg, list = []);
      list.push(incompat);
    }
  };
  const remove = (incompat: Incompatibility) => {
    for (const pkg of incompat.terms.keys()) {
      const list = byPackage.get(pkg);
      if (list !== undefined) {
        const i = list.indexOf(incompat);
        if (i >= 0) list.splice(i, 1);
      }
    }
  };

  const load = async (pkg: string): Promise<number> => {
    let size = sizes.get(pkg);
    if (size === undefined) {
      size = await provider.domainSize(pkg);
      sizes.set(pkg, size);
      for (const c of provider.constraints(pkg)) {
        // "pkg must not be outside c.set": the versions outside it are incompatible.
        add(
          incompatibility([positive(pkg, c.set.complement())], {
            kind: "constraint",
            pkg,
            label: c.label,
          }),
        );
      }
    }
    return size;
  };

  /** Adds "from ∈ fromSet depends on dep", merging with the same dependency of other versions. */
  const addDependency = (from: string, fromSet: VersionSet, dep: Dependency, cause: Cause) => {
    const key = `${from}\u0000${dep.pkg}\u0000${dep.set.key()}`;
    const old = merged.get(key);
    let set = fromSet;
    if (old !== undefined) {
      set = old.terms.get(from)!.set.union(fromSet);
      remove(old);
    }
    const incompat = incompatibility([positive(from, set), negative(dep.pkg, dep.set)], cause);
    merged.set(key, incompat);
    add(incompat);
    return incompat;
  };

  add(incompatibility([negative(ROOT, VersionSet.of(1, [0]))], { kind: "root" }));

  const conflictResolution = (start: Incompatibility): Incompatibility => {
    let incompat = start;
    let createdNew = false;
    for (;;) {
      const terms = [...incompat.terms.values()];
      if (
        terms.length === 0 || (terms.length === 1 && terms[0]!.pkg === ROOT && terms[0]!.positive)
      ) {
        throw new NoSolutionError(incompat);
      }
      const { assignment, term, previousLevel } = solution.satisfier(incompat);
      if (assignment.decision !== undefined || previousLevel !== assignment.level) {
        if (createdNew) add(incompat);
        solution.backtrack(previousLevel);
        return incompat;
      }
      const cause = assignment.cause!;
      const priorTerms: Term[] = [];
      for (const t of incompat.terms.values()) if (t.pkg !== term.pkg) priorTerms.push(t);
      for (const t of cause.terms.values()) if (t.pkg !== term.pkg) priorTerms.push(t);
      // If the satisfier does not fully satisfy `term`, what remains must not hold either.
      const rest = intersect(assignment.term, negate(term));
      if (!(rest.positive ? rest.set.isEmpty() : false)) priorTerms.push(negate(rest));
      incompat = incompatibility(priorTerms, { kind: "derived", left: incompat, right: cause });
      createdNew = true;
    }
  };

  const propagate = (start: string) => {
    const changed = [start];
    while (changed.length > 0) {
      const pkg = changed.pop()!;
      const list = byPackage.get(pkg) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        const incompat = list[i];
        if (incompat === undefined) continue;
        let unsatisfied: Term | undefined;
        let result: "satisfied" | "almost" | "none" = "satisfied";
        for (const t of incompat.terms.values()) {
          const r = solution.relationTo(t);
          if (r === "contradicted") {
            result = "none";
            break;
          }
          if (r === "inconclusive") {
            if (unsatisfied !== undefined) {
              result = "none";
              break;
            }
            unsatisfied = t;
            result = "almost";
          }
        }
        if (result === "satisfied") {
          const root = conflictResolution(incompat);
          // After backjumping, the learned incompatibility is almost satisfied.
          let term: Term | undefined;
          for (const t of root.terms.values()) {
            if (solution.relationTo(t) !== "satisfied") {
              term = t;
              break;
            }
          }
          solution.derive(negate(term!), root);
          changed.length = 0;
          changed.push(term!.pkg);
          break;
        }
        if (result === "almost") {
          solution.derive(negate(unsatisfied!), incompat);
          changed.push(unsatisfied!.pkg);
        }
      }
    }
  };

  let next = ROOT;
  for (;;) {
    propagate(next);
    // Choose the next package: undecided with a positive term, by provider priority.
    let best: Term | undefined, bestPriority = Infinity;
    for (const t of solution.undecided()) {
      const count = t.set.count();
      const p = count <= 1 ? -1 : provider.priority(t.pkg, count);
      if (p < bestPriority) [best, bestPriority] = [t, p];
    }
    if (best === undefined) break;
    const pkg = best.pkg;
    for (const t of solution.undecided()) {
      if (t.pkg !== pkg) {
        const first = provider.preferred(t.pkg, t.set, 1)[0];
        if (first !== undefined) provider.prefetch(t.pkg, first, true);
      }
    }
    if (pkg === ROOT) {
      const deps = await Promise.all(rootDependencies.map(async (d) => {
        await load(d.pkg);
        return d;
      }));
      const fresh = deps.map((d) =>
        addDependency(ROOT, VersionSet.of(1, [0]), d, {
          kind: "dependency",
          from: ROOT,
          to: d.pkg,
          label: d.label,
        })
      );
      void fresh;
      solution.decide(ROOT, 0, 1);
      next = ROOT;
      continue;
    }
    const size = await load(pkg);
    const candidates = provider.preferred(pkg, best.set, 50);
    const index = candidates[0];
    // Backtracking through many versions of one package: fetch the next ones' metadata in
    // parallel instead of one round trip per try (uv's batch prefetch, after a few tries).
    const tried = (tries.get(pkg) ?? 0) + 1;
    tries.set(pkg, tried);
    if (tried >= 3) {
      for (const i of candidates.slice(1, tried >= 10 ? 50 : 10)) {
        provider.prefetch(pkg, i, false);
      }
    }
    if (index === undefined) {
      add(incompatibility([positive(pkg, best.set)], { kind: "no_versions" }));
      next = pkg;
      continue;
    }
    const result = await provider.dependencies(pkg, index);
    const versionSet = VersionSet.of(size, [index]);
    if (result.kind === "unavailable") {
      add(
        incompatibility([positive(pkg, versionSet)], {
          kind: "unavailable",
          reason: result.reason,
        }),
      );
      next = pkg;
      continue;
    }
    await Promise.all(result.dependencies.map((d) => load(d.pkg)));
    let conflict = false;
    for (const d of result.dependencies) {
      if (d.pkg === pkg) continue;
      const incompat = addDependency(pkg, versionSet, d, {
        kind: "dependency",
        from: pkg,
        to: d.pkg,
        label: d.label,
      });
      // Deciding would immediately violate this dependency: let propagation learn from it.
      const other = [...incompat.terms.values()].filter((t) => t.pkg !== pkg);
      if (other.every((t) => solution.relationTo(t) === "satisfied")) conflict = true;
    }
    if (!conflict) solution.decide(pkg, index, size);
    next = pkg;
  }
  const out: Solution = new Map();
  for (const [pkg, index] of solution.decisions()) if (pkg !== ROOT) out.set(pkg, index);
  return out;
}
