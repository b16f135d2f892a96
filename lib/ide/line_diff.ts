/**
 * A unified diff of two small texts (editor settings files), for `--dry-run`.
 *
 * @module
 */

/**
 * The lines of `before` and `after` as a unified diff (`--- path`, `+++ path`, `@@` hunks with
 * three lines of context), from a longest-common-subsequence alignment (fine for files of a few
 * thousand lines). Empty when the texts are equal.
 *
 * @param before The old text ("" for a new file).
 * @param after The new text.
 * @param path The file's name for the header lines.
 */
export function unifiedDiff(before: string, after: string, path: string): string {
  if (before === after) return "";
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after === "" ? [] : after.replace(/\n$/, "").split("\n");
  // lcs[i][j]: the common subsequence length of a[i:] and b[j:].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j]
        ? lcs[i + 1]![j + 1]! + 1
        : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Array<{ kind: " " | "-" | "+"; line: string; ai: number; bi: number }> = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i]!, ai: i++, bi: j++ });
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) {
      ops.push({ kind: "+", line: b[j]!, ai: i, bi: j++ });
    } else {
      ops.push({ kind: "-", line: a[i]!, ai: i++, bi: j });
    }
  }
  const CONTEXT = 3;
  const out = [`--- ${before === "" ? "/dev/null" : path}`, `+++ ${path}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === " ") {
      k++;
      continue;
    }
    const start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend the hunk while changes are within 2 * CONTEXT lines of each other.
    while (end < ops.length) {
      if (ops[end]!.kind !== " ") {
        end++;
        continue;
      }
      let next = end;
      while (next < ops.length && ops[next]!.kind === " ") next++;
      if (next === ops.length || next - end > 2 * CONTEXT) break;
      end = next;
    }
    const stop = Math.min(ops.length, end + CONTEXT);
    const hunk = ops.slice(start, stop);
    const aCount = hunk.filter((o) => o.kind !== "+").length;
    const bCount = hunk.filter((o) => o.kind !== "-").length;
    const aStart = aCount === 0 ? hunk[0]!.ai : hunk[0]!.ai + 1;
    const bStart = bCount === 0 ? hunk[0]!.bi : hunk[0]!.bi + 1;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
    k = stop;
  }
  return out.join("\n") + "\n";
}
