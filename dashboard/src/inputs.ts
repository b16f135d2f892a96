/**
 * What the forms accept, checked on the page before a job is posted (the server checks again).
 * Without the DOM (unit-tested in `tests/browser/dashboard_pure_test.ts`).
 *
 * @module
 */

/**
 * The Clean form's day count: a whole number, 1 or more (`cache clean --older-than` refuses 0).
 * @returns the number, or null for a blank, fractional, non-positive or non-numeric text.
 */
export function parseDays(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) && n >= 1 && n <= 100_000 ? n : null;
}
