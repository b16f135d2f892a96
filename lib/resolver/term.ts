/**
 * PubGrub terms: "package P is selected at a version in S" (positive) or "P is not selected at a
 * version in S" (negative, which also holds when P is not selected at all).
 *
 * @module
 */
import { VersionSet } from "./version_set.ts";

/** A statement about one package. */
export interface Term {
  readonly pkg: string;
  readonly positive: boolean;
  readonly set: VersionSet;
}

export function positive(pkg: string, set: VersionSet): Term {
  return { pkg, positive: true, set };
}

export function negative(pkg: string, set: VersionSet): Term {
  return { pkg, positive: false, set };
}

export function negate(t: Term): Term {
  return { pkg: t.pkg, positive: !t.positive, set: t.set };
}

/** The term that holds when both do. */
export function intersect(a: Term, b: Term): Term {
  if (a.positive && b.positive) return positive(a.pkg, a.set.intersect(b.set));
  if (a.positive) return positive(a.pkg, a.set.minus(b.set));
  if (b.positive) return positive(a.pkg, b.set.minus(a.set));
  return negative(a.pkg, a.set.union(b.set));
}

/** The term that holds when either does. */
export function union(a: Term, b: Term): Term {
  return negate(intersect(negate(a), negate(b)));
}

/** Whether every state allowed by `a` is allowed by `b`. */
export function isSubset(a: Term, b: Term): boolean {
  if (a.positive && b.positive) return a.set.isSubsetOf(b.set);
  if (a.positive) return a.set.isDisjoint(b.set);
  if (b.positive) return false;
  return b.set.isSubsetOf(a.set);
}

/** Whether no state is allowed by both. */
export function isDisjoint(a: Term, b: Term): boolean {
  if (a.positive && b.positive) return a.set.isDisjoint(b.set);
  if (a.positive) return a.set.isSubsetOf(b.set);
  if (b.positive) return b.set.isSubsetOf(a.set);
  return false;
}

/** Relation of the partial solution's term for a package to an incompatibility's term. */
export type Relation = "satisfied" | "contradicted" | "inconclusive";

export function relation(solution: Term, t: Term): Relation {
  if (isSubset(solution, t)) return "satisfied";
  if (isDisjoint(solution, t)) return "contradicted";
  return "inconclusive";
}
