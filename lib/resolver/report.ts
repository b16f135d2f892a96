/**
 * Explains a failed resolution in sentences, following PubGrub's error reporting (Dart pub's
 * `doc/solver.md`, "Error Reporting"): the derivation graph is walked from the final
 * incompatibility; shared intermediate results get line numbers so later sentences can refer
 * back to them.
 *
 * @module
 */
import type { Incompatibility } from "./incompatibility.ts";
import { ROOT } from "./pubgrub.ts";
import type { Term } from "./term.ts";
import type { VersionSet } from "./version_set.ts";

/** How to print package sets; supplied by the provider, which knows the versions. */
export interface SetFormatter {
  /** `flask>=2.0,<=2.3.3`, `flask==2.0.0`, or `flask` for every version. */
  describe(pkg: string, set: VersionSet): string;
  /** Why no version of `pkg` matches `label` (not found, only yanked or pre-releases, ...). */
  whyNone(pkg: string, label: string): string;
  /**
   * Sentences to print after the derivation, given the specifiers it names (`pkg` and label):
   * what makes it look contradictory on its face (a version every specifier matches but that is
   * left out, e.g. yanked). Optional.
   */
  notes?(named: Iterable<{ pkg: string; label: string }>): string[];
}

/** The specifiers (package and label) an explanation names: its requirements and constraints. */
function namedSpecifiers(root: Incompatibility): { pkg: string; label: string }[] {
  const out: { pkg: string; label: string }[] = [];
  const seen = new Set<Incompatibility>();
  const walk = (i: Incompatibility) => {
    if (seen.has(i)) return;
    seen.add(i);
    const cause = i.cause;
    if (cause.kind === "derived") {
      walk(cause.left);
      walk(cause.right);
    } else if (cause.kind === "dependency") out.push({ pkg: cause.to, label: cause.label });
    else if (cause.kind === "constraint") out.push({ pkg: cause.pkg, label: cause.label });
  };
  walk(root);
  return out;
}

function termText(t: Term, f: SetFormatter): string {
  return f.describe(t.pkg, t.set);
}

/** One incompatibility as a clause ("flask==2.0 depends on werkzeug>=2.0"). */
export function incompatibilityText(i: Incompatibility, f: SetFormatter): string {
  const terms = [...i.terms.values()];
  const cause = i.cause;
  if (cause.kind === "dependency") {
    const from = i.terms.get(cause.from), to = i.terms.get(cause.to);
    const target = `${cause.to}${cause.label}`;
    const none = to === undefined ? ` (${f.whyNone(cause.to, cause.label)})` : "";
    if (cause.from === ROOT) return `you require ${target}${none}`;
    if (from !== undefined && from.set.size > 1 && from.set.count() === from.set.size) {
      return `all versions of ${cause.from} depend on ${target}${none}`;
    }
    const who = from === undefined ? cause.from : termText(from, f);
    return `${who} depends on ${target}${none}`;
  }
  if (cause.kind === "constraint") {
    return `you constrain ${cause.pkg} to ${cause.pkg}${cause.label}`;
  }
  if (cause.kind === "no_versions") {
    const t = terms[0]!;
    if (t.set.size === 0) return `${t.pkg} was not found in the package index`;
    return `there is no version of ${termText(t, f)}`;
  }
  if (cause.kind === "unavailable") return `${termText(terms[0]!, f)} ${cause.reason}`;
  if (cause.kind === "root") return "the root requirements";
  const nonRoot = terms.filter((t) => t.pkg !== ROOT);
  const hasRoot = terms.length !== nonRoot.length;
  if (nonRoot.length === 0) return "your requirements are unsatisfiable";
  if (nonRoot.length === 1) {
    const t = nonRoot[0]!;
    if (hasRoot) {
      return t.positive ? `you cannot use ${termText(t, f)}` : `you require ${termText(t, f)}`;
    }
    return t.positive ? `${termText(t, f)} cannot be used` : `${termText(t, f)} is required`;
  }
  const pos = nonRoot.filter((t) => t.positive), neg = nonRoot.filter((t) => !t.positive);
  if (pos.length === 1 && neg.length === 1) {
    return `${termText(pos[0]!, f)} depends on ${termText(neg[0]!, f)}`;
  }
  if (neg.length === 0) {
    return `${pos.map((t) => termText(t, f)).join(" and ")} are incompatible`;
  }
  return `if ${pos.map((t) => termText(t, f)).join(" and ")} then ${
    neg.map((t) => termText(t, f)).join(" or ")
  }`;
}

/**
 * The whole explanation of the terminal incompatibility `root`, one sentence per line, ending
 * with the conclusion, then the formatter's notes (after a blank line). Lines referenced later
 * are numbered `(1)`, `(2)`.
 */
export function explainFailure(root: Incompatibility, f: SetFormatter): string {
  const notes = f.notes?.(namedSpecifiers(root)) ?? [];
  const derivation = explainDerivation(root, f);
  return notes.length === 0 ? derivation : `${derivation}\n\n${notes.join("\n")}`;
}

function explainDerivation(root: Incompatibility, f: SetFormatter): string {
  const lines: [string, number | undefined][] = [];
  const lineNumbers = new Map<Incompatibility, number>();
  const refCount = new Map<Incompatibility, number>();
  const count = (i: Incompatibility) => {
    refCount.set(i, (refCount.get(i) ?? 0) + 1);
    if (refCount.get(i)! > 1) return;
    if (i.cause.kind === "derived") {
      count(i.cause.left);
      count(i.cause.right);
    }
  };
  count(root);
  const text = (i: Incompatibility) => incompatibilityText(i, f);
  const ref = (i: Incompatibility) => {
    const n = lineNumbers.get(i);
    return n === undefined ? text(i) : `${text(i)} (${n})`;
  };
  const write = (i: Incompatibility, message: string, numbered: boolean) => {
    if (numbered) {
      const n = lineNumbers.size + 1;
      lineNumbers.set(i, n);
      lines.push([message, n]);
    } else lines.push([message, undefined]);
  };
  const isDerived = (i: Incompatibility) => i.cause.kind === "derived";
  const visit = (i: Incompatibility, conclusion = false): void => {
    const numbered = conclusion || (refCount.get(i) ?? 0) > 1;
    if (i.cause.kind !== "derived") return;
    const { left, right } = i.cause;
    const and = conclusion && lines.length > 0 ? "And because" : "Because";
    if (isDerived(left) && isDerived(right)) {
      const l1 = lineNumbers.get(left), l2 = lineNumbers.get(right);
      if (l1 !== undefined && l2 !== undefined) {
        write(i, `Because ${ref(left)} and ${ref(right)}, ${text(i)}.`, numbered);
      } else if (l1 !== undefined || l2 !== undefined) {
        const [known, other] = l1 !== undefined ? [left, right] : [right, left];
        visit(other);
        write(i, `And because ${ref(known)}, ${text(i)}.`, numbered);
      } else {
        visit(left, true);
        visit(right);
        write(i, `And because ${ref(left)}, ${text(i)}.`, numbered);
      }
    } else if (isDerived(left) || isDerived(right)) {
      const [derived, external] = isDerived(left) ? [left, right] : [right, left];
      const n = lineNumbers.get(derived);
      if (n !== undefined) {
        write(i, `Because ${text(external)} and ${ref(derived)}, ${text(i)}.`, numbered);
      } else if (
        derived.cause.kind === "derived" && (refCount.get(derived) ?? 0) <= 1 &&
        (isDerived(derived.cause.left) !== isDerived(derived.cause.right))
      ) {
        const inner = derived.cause;
        const [innerDerived, innerExternal] = isDerived(inner.left)
          ? [inner.left, inner.right]
          : [inner.right, inner.left];
        visit(innerDerived);
        write(i, `And because ${text(innerExternal)} and ${text(external)}, ${text(i)}.`, numbered);
      } else {
        visit(derived);
        write(i, `And because ${text(external)}, ${text(i)}.`, numbered);
      }
    } else {
      write(i, `${and} ${text(left)} and ${text(right)}, ${text(i)}.`, numbered);
    }
  };
  if (root.cause.kind !== "derived") return `Because ${text(root)}, no solution exists.`;
  visit(root, true);
  // Number only the lines that are referred to later.
  const used = new Set<number>();
  for (const [message] of lines) {
    for (const m of message.matchAll(/\((\d+)\)/g)) used.add(Number(m[1]));
  }
  return lines.map((
    [message, n],
  ) => (n !== undefined && used.has(n) ? `${message} (${n})` : message))
    .join("\n").replace(/^And because/, "Because");
}
