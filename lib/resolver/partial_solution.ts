/**
 * The PubGrub partial solution: an ordered list of assignments (decisions and derivations),
 * each at a decision level, with the accumulated term per package.
 *
 * @module
 */
import type { Incompatibility } from "./incompatibility.ts";
import { intersect, isSubset, negative, type Relation, relation, type Term } from "./term.ts";
import { VersionSet } from "./version_set.ts";

/** One step of the partial solution. */
export interface Assignment {
  readonly term: Term;
  readonly level: number;
  /** The incompatibility that forced it; undefined for decisions. */
  readonly cause: Incompatibility | undefined;
  /** The chosen version index, for decisions. */
  readonly decision: number | undefined;
}

export class PartialSolution {
  readonly assignments: Assignment[] = [];
  readonly #accumulated = new Map<string, Term>();
  readonly #decisions = new Map<string, number>();
  level = 0;

  /** The version index decided for `pkg`, if any. */
  decided(pkg: string): number | undefined {
    return this.#decisions.get(pkg);
  }

  /** All decisions (package → version index). */
  decisions(): ReadonlyMap<string, number> {
    return this.#decisions;
  }

  /** Accumulated term for `pkg`, or undefined when nothing is known. */
  term(pkg: string): Term | undefined {
    return this.#accumulated.get(pkg);
  }

  /** Packages with a positive accumulated term and no decision yet. */
  *undecided(): Generator<Term> {
    for (const [pkg, t] of this.#accumulated) {
      if (t.positive && !this.#decisions.has(pkg)) yield t;
    }
  }

  #add(a: Assignment): void {
    this.assignments.push(a);
    const prev = this.#accumulated.get(a.term.pkg);
    this.#accumulated.set(a.term.pkg, prev === undefined ? a.term : intersect(prev, a.term));
  }

  decide(pkg: string, index: number, size: number): void {
    this.level++;
    this.#decisions.set(pkg, index);
    this.#add({
      term: { pkg, positive: true, set: VersionSet.of(size, [index]) },
      level: this.level,
      cause: undefined,
      decision: index,
    });
  }

  derive(term: Term, cause: Incompatibility): void {
    this.#add({ term, level: this.level, cause, decision: undefined });
  }

  /** Removes every assignment above `level`. */
  backtrack(level: number): void {
    while (
      this.assignments.length > 0 && this.assignments[this.assignments.length - 1]!.level > level
    ) {
      const a = this.assignments.pop()!;
      if (a.decision !== undefined) this.#decisions.delete(a.term.pkg);
    }
    this.level = level;
    this.#accumulated.clear();
    for (const a of this.assignments) {
      const prev = this.#accumulated.get(a.term.pkg);
      this.#accumulated.set(a.term.pkg, prev === undefined ? a.term : intersect(prev, a.term));
    }
  }

  /** How the partial solution relates to one term. */
  relationTo(t: Term): Relation {
    const acc = this.#accumulated.get(t.pkg);
    if (acc === undefined) return relation(negative(t.pkg, VersionSet.empty(t.set.size)), t);
    return relation(acc, t);
  }

  /**
   * The satisfier of a satisfied incompatibility: the earliest assignment after which all its
   * terms hold, the term it satisfies, and the decision level of the previous satisfier.
   */
  satisfier(
    incompat: Incompatibility,
  ): { assignment: Assignment; term: Term; previousLevel: number } {
    const terms = [...incompat.terms.values()];
    const firstSatisfied = (extra?: { pkg: string; term: Term; before: number }) => {
      const acc = new Map<string, Term>();
      const at = new Map<string, number>();
      if (extra !== undefined) {
        acc.set(extra.pkg, extra.term);
        const t = incompat.terms.get(extra.pkg)!;
        if (isSubset(extra.term, t)) at.set(extra.pkg, -1);
      }
      const limit = extra?.before ?? this.assignments.length;
      for (let i = 0; i < limit && at.size < terms.length; i++) {
        const a = this.assignments[i]!;
        const t = incompat.terms.get(a.term.pkg);
        if (t === undefined || at.has(a.term.pkg)) continue;
        const prev = acc.get(a.term.pkg);
        const next = prev === undefined ? a.term : intersect(prev, a.term);
        acc.set(a.term.pkg, next);
        if (isSubset(next, t)) at.set(a.term.pkg, i);
      }
      return at;
    };
    const at = firstSatisfied();
    let satisfierIndex = -1, satisfierPkg = "";
    for (const [pkg, i] of at) {
      if (i > satisfierIndex) [satisfierIndex, satisfierPkg] = [i, pkg];
    }
    const assignment = this.assignments[satisfierIndex]!;
    // Previous satisfier: satisfied by the assignments before the satisfier plus the satisfier.
    const withSatisfier = firstSatisfied({
      pkg: satisfierPkg,
      term: assignment.term,
      before: satisfierIndex,
    });
    let previousLevel = 1;
    for (const i of withSatisfier.values()) {
      if (i >= 0) previousLevel = Math.max(previousLevel, this.assignments[i]!.level);
    }
    return { assignment, term: incompat.terms.get(satisfierPkg)!, previousLevel };
  }
}
