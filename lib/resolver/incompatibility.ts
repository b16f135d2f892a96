/**
 * PubGrub incompatibilities: sets of terms that cannot all hold, each with the reason it is
 * known (a requirement, a dependency, a missing version, or a derivation from two others).
 *
 * @module
 */
import { intersect, type Term } from "./term.ts";

/** Why an incompatibility is known. */
export type Cause =
  | { kind: "root" }
  | { kind: "dependency"; from: string; to: string; label: string }
  | { kind: "constraint"; pkg: string; label: string }
  | { kind: "no_versions" }
  | { kind: "unavailable"; reason: string }
  | { kind: "derived"; left: Incompatibility; right: Incompatibility };

/** Terms that cannot all be true at once. */
export interface Incompatibility {
  readonly id: number;
  readonly terms: ReadonlyMap<string, Term>;
  readonly cause: Cause;
}

let nextId = 0;

/** Builds an incompatibility; terms on the same package are intersected (they hold together). */
export function incompatibility(terms: Term[], cause: Cause): Incompatibility {
  const map = new Map<string, Term>();
  for (const t of terms) {
    const prev = map.get(t.pkg);
    map.set(t.pkg, prev === undefined ? t : intersect(prev, t));
  }
  // "P is not in {}" always holds, so it constrains nothing: drop it (a dependency on a project
  // with no matching version becomes "the depender cannot be used").
  for (const [pkg, t] of map) if (!t.positive && t.set.isEmpty()) map.delete(pkg);
  return { id: nextId++, terms: map, cause };
}

/** Whether the incompatibility has external causes only (a leaf of the derivation). */
export function isExternal(i: Incompatibility): boolean {
  return i.cause.kind !== "derived";
}
