/**
 * A span and counter sink that keeps everything it is told, and the one computation of where the
 * time went (`profile`, the operation log's `phases_ms`).
 *
 * @module
 */
import { type Counter, COUNTERS, type Phase, PHASES, type SpanEvents } from "./spans.ts";

/** One span as a {@linkcode SpanCollector} recorded it. */
export interface SpanRecord {
  /** Its phase. */
  phase: Phase;
  /** What it worked on (a file, a project), or null. */
  detail: string | null;
  /** When it started, ms on the collector's clock (`performance.now()` by default). */
  start: number;
  /** When it ended, same clock, or null while it runs. */
  end: number | null;
}

/** The time of one phase in a {@linkcode SpanSummary}. */
export interface PhaseTime {
  /** The phase. */
  phase: Phase;
  /** Wall-clock ms attributed to it (see {@linkcode SpanCollector.summary}). */
  ms: number;
  /** `ms` / the summary's wall time (0 when the wall time is 0). */
  share: number;
  /** How many spans of this phase there were. */
  spans: number;
}

/** Where the time of a window went, and the counters. */
export interface SpanSummary {
  /** The window's length, ms. */
  wall_ms: number;
  /** Phases that had spans, in {@linkcode PHASES} order; their `ms` add up to at most `wall_ms`. */
  phases: PhaseTime[];
  /** `wall_ms` minus the phases' time: work outside any span (argument parsing, plans, output). */
  unaccounted_ms: number;
  /** Every counter (0 when nothing counted it). */
  counters: Record<Counter, number>;
}

/** An empty counter record (every counter at 0). */
export function emptyCounters(): Record<Counter, number> {
  const counters = {} as Record<Counter, number>;
  for (const c of COUNTERS) counters[c] = 0;
  return counters;
}

/**
 * Keeps every span and counter it receives (a {@linkcode SpanEvents} sink: give it to a fan-out
 * reporter). Spans that never end are treated as running until the end of the window asked for.
 */
export class SpanCollector implements SpanEvents {
  /** Every span, in the order they started. */
  readonly spans: SpanRecord[] = [];
  /** The counters' totals. */
  readonly counters: Record<Counter, number> = emptyCounters();
  readonly #clock: () => number;

  /**
   * Creates an empty collector.
   *
   * @param clock The current time in ms (`performance.now()` unless a test moves its own clock).
   */
  constructor(clock: () => number = () => performance.now()) {
    this.#clock = clock;
  }

  /** Records a span starting now; the returned function ends it (later calls do nothing). */
  span(phase: Phase, detail?: string): () => void {
    const record: SpanRecord = { phase, detail: detail ?? null, start: this.#clock(), end: null };
    this.spans.push(record);
    return () => {
      if (record.end === null) record.end = this.#clock();
    };
  }

  /** Adds `amount` to `counter`. */
  count(counter: Counter, amount: number): void {
    this.counters[counter] += amount;
  }

  /**
   * Where the time of `[from, to]` (ms on the collector's clock) went. Each instant is counted
   * once, for the most recently started span still running then (the innermost one when spans
   * nest: a build's own resolution counts as `resolve`, not `build`; parallel downloads count
   * once), so the phases never add up to more than the window.
   */
  summary(from: number, to: number): SpanSummary {
    const wall = Math.max(0, to - from);
    const totals = attribute(this.spans, from, to);
    const phases: PhaseTime[] = [];
    let accounted = 0;
    for (const phase of PHASES) {
      const spans = this.spans.filter((s) => s.phase === phase).length;
      if (spans === 0) continue;
      const ms = totals.get(phase) ?? 0;
      accounted += ms;
      phases.push({ phase, ms, share: wall === 0 ? 0 : ms / wall, spans });
    }
    return {
      wall_ms: wall,
      phases,
      unaccounted_ms: Math.max(0, wall - accounted),
      counters: { ...this.counters },
    };
  }
}

/** Exclusive time per phase in `[from, to]`: a sweep over the spans' boundaries. */
function attribute(spans: readonly SpanRecord[], from: number, to: number): Map<Phase, number> {
  const totals = new Map<Phase, number>();
  const clipped = spans
    .map((s, i) => ({
      phase: s.phase,
      order: i,
      start: Math.max(from, s.start),
      end: Math.min(to, s.end ?? to),
    }))
    .filter((s) => s.end > s.start);
  if (clipped.length === 0) return totals;
  const points = [...new Set(clipped.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!, b = points[i + 1]!;
    let chosen: (typeof clipped)[number] | undefined;
    for (const s of clipped) {
      if (s.start > a || s.end < b) continue;
      if (
        chosen === undefined || s.start > chosen.start ||
        (s.start === chosen.start && s.order > chosen.order)
      ) chosen = s;
    }
    if (chosen !== undefined) totals.set(chosen.phase, (totals.get(chosen.phase) ?? 0) + b - a);
  }
  return totals;
}
