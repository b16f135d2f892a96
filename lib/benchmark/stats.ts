/**
 * Summaries of timed runs: median, min, max, and how a report prints a duration and a ratio.
 * The benchmark scripts (`scripts/bench_*.ts`) and `gestvenv benchmark`/`compare` share them,
 * so both report the same figures the same way.
 *
 * @module
 */

/** The median of `xs` (the mean of the two middle values for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Wall times of the timed runs of one case, in milliseconds, summarized. */
export interface TimingSummary {
  /** Timed runs (the warm-up run is not counted). */
  iterations: number;
  /** Fastest run, ms. */
  min_ms: number;
  /** Median run, ms. */
  median_ms: number;
  /** Slowest run, ms. */
  max_ms: number;
  /** Every timed run in order, ms (rounded to 0.1 ms). */
  times_ms: number[];
}

const tenth = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Summarizes `times` (ms).
 * @throws {RangeError} When `times` is empty.
 */
export function summarize(times: readonly number[]): TimingSummary {
  if (times.length === 0) throw new RangeError("no timed runs to summarize");
  return {
    iterations: times.length,
    min_ms: tenth(Math.min(...times)),
    median_ms: tenth(median(times)),
    max_ms: tenth(Math.max(...times)),
    times_ms: times.map(tenth),
  };
}

/** A duration for a report: `123.4 ms` below one second, else `1.23 s`. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** `a / b` as a report prints it (`2.83x`). */
export function formatRatio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}
