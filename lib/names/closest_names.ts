/**
 * "Did you mean ...?" for names: environments, packages, keys. The rule is small and predictable
 * so that a suggestion never surprises: a candidate is close when its optimal-string-alignment
 * (restricted Damerau-Levenshtein) distance to the word is at most 2 (at most 1 for words of 3
 * characters or fewer), or when the word is a prefix of it at least 3 characters long.
 *
 * @module
 */

/**
 * The optimal-string-alignment distance between `a` and `b`: the number of single-character
 * insertions, deletions, substitutions and transpositions of adjacent characters that turn one into
 * the other, no substring edited twice (`monap` → `monapp` is 1, `flsak` → `flask` is 1).
 * Compares UTF-16 code units, case-sensitively.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: i-2, i-1 and i.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2]! + 1);
      }
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/** Options for {@linkcode closestNames}. */
export interface ClosestNamesOptions {
  /** Largest number of names returned. @default 3 */
  limit?: number;
}

/**
 * The candidates close to `word` (see the module rule), nearest first (ties: alphabetical).
 * Comparison ignores case; `word` itself is never suggested.
 *
 * @example
 * ```ts
 * closestNames("monap", ["monapp", "web", "api"]); // ["monapp"]
 * ```
 */
export function closestNames(
  word: string,
  candidates: Iterable<string>,
  options: ClosestNamesOptions = {},
): string[] {
  const limit = options.limit ?? 3;
  const w = word.toLowerCase();
  const maxDistance = w.length <= 3 ? 1 : 2;
  const scored: Array<[string, number]> = [];
  for (const candidate of new Set(candidates)) {
    const c = candidate.toLowerCase();
    if (candidate === word) continue;
    const distance = editDistance(w, c);
    if (distance <= maxDistance) scored.push([candidate, distance]);
    else if (w.length >= 3 && c.startsWith(w)) scored.push([candidate, maxDistance + 1]);
  }
  scored.sort(([a, da], [b, db]) => da - db || (a < b ? -1 : a > b ? 1 : 0));
  return scored.slice(0, limit).map(([name]) => name);
}

/** `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``: names for a "did you mean" sentence. */
export function formatAlternatives(names: readonly string[]): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}
