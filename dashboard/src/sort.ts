/**
 * The order of the dashboard's sortable columns, without the DOM (unit-tested in
 * `tests/browser/dashboard_pure_test.ts`): versions compare by their numbers, not as text.
 *
 * @module
 */

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Texts with runs of digits compared as numbers (`a9` < `a10`); a prefix first. */
function compareNatural(a: string, b: string): number {
  const x = a.split(/(\d+)/).filter((t) => t !== "");
  const y = b.split(/(\d+)/).filter((t) => t !== "");
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const s = x[i] as string;
    const t = y[i] as string;
    const digits = /^\d/.test(s) && /^\d/.test(t);
    const order = digits ? compareDigits(s, t) : s < t ? -1 : s > t ? 1 : 0;
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

/** A suffix's place after the release numbers (PEP 440): dev, pre-release, none, post, local. */
function suffixRank(suffix: string): number {
  const s = suffix.replace(/^[._-]+/, "");
  if (suffix === "") return 2;
  if (/^dev/.test(s)) return 0;
  if (/^(a|b|c|rc|alpha|beta|pre|preview)(?![a-z])/.test(s)) return 1;
  if (/^(post|rev|r)(?![a-z])/.test(s) || /^-\d/.test(suffix)) return 3;
  if (suffix.startsWith("+")) return 4;
  return 1;
}

/**
 * Orders version strings as people read them: the release numbers compare as numbers (`3.9` <
 * `3.10`, `9.0` < `10.0`, `1.0` = `1.0.0`), then a development release comes before a
 * pre-release, before the release, before a post-release (PEP 440 §"Summary of permitted suffixes
 * and relative ordering"); within a kind, suffixes compare with their numbers as numbers. A
 * display order, not the resolver's comparison: texts that are not versions compare the same
 * way, digits as numbers. Case-insensitive. @returns < 0, 0 or > 0.
 */
export function compareVersions(a: string, b: string): number {
  const x = a.trim().toLowerCase().replace(/^v(?=\d)/, "");
  const y = b.trim().toLowerCase().replace(/^v(?=\d)/, "");
  const mx = /^(\d+(?:\.\d+)*)(.*)$/.exec(x);
  const my = /^(\d+(?:\.\d+)*)(.*)$/.exec(y);
  if (mx === null || my === null) return compareNatural(x, y);
  const rx = (mx[1] as string).split(".");
  const ry = (my[1] as string).split(".");
  for (let i = 0; i < Math.max(rx.length, ry.length); i++) {
    const order = compareDigits(rx[i] ?? "0", ry[i] ?? "0");
    if (order !== 0) return order;
  }
  const sx = mx[2] as string;
  const sy = my[2] as string;
  const rank = suffixRank(sx) - suffixRank(sy);
  if (rank !== 0) return rank;
  return compareNatural(sx.replace(/^[._-]+/, ""), sy.replace(/^[._-]+/, ""));
}

/**
 * The order of a sortable column: empty values (null) last, numbers as numbers, versions with
 * {@linkcode compareVersions}, other texts by `localeCompare`. @returns < 0, 0 or > 0.
 */
export function compareValues(
  a: string | number | null,
  b: string | number | null,
  version = false,
): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (version) return compareVersions(String(a), String(b));
  return String(a).localeCompare(String(b));
}
