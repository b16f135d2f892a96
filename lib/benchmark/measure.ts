/**
 * Measuring cases side by side: one untimed warm-up round, then `runs` rounds in which every
 * case runs once (interleaved, so a change in machine load hits every case alike), each run a
 * sequence of whole processes timed together.
 *
 * @module
 */
import { runTimed } from "./run_timed.ts";

/** One thing measured: the commands of a run, what is prepared (untimed) before it. */
export interface BenchmarkCase {
  /** The row's label. */
  label: string;
  /** Untimed work before run `i` (-1 is the warm-up run). */
  prepare?: (i: number) => Promise<void>;
  /** The commands of run `i`, run one after the other and timed together. */
  commands: (i: number) => string[][];
  /** The whole environment of run `i`'s processes. */
  env: (i: number) => Record<string, string>;
  /** Working directory of the processes. @default this process's */
  cwd?: string;
}

/** Options of {@linkcode measureCases}. */
export interface MeasureOptions {
  /** Timed rounds (after the warm-up round). */
  runs: number;
  /** Skip the untimed warm-up round. @default false */
  noWarmup?: boolean;
  /** Stops the running process and the measurement. */
  signal?: AbortSignal | undefined;
  /**
   * A counter read before and after each run (the benchmark scripts' index request count);
   * the differences are returned per case.
   */
  counter?: () => number;
  /** Called after every run with the case, the run (-1: warm-up) and its time in ms. */
  onRun?: (label: string, run: number, ms: number, count: number | undefined) => void;
}

/** The runs of one case. */
export interface CaseTimes {
  label: string;
  /** Wall time of each timed run, ms. */
  times: number[];
  /** The counter's increase during each timed run (empty without a counter). */
  counts: number[];
}

/**
 * Runs every case `runs` times, interleaved, after one warm-up round (unless `noWarmup`).
 * @throws {OperationError} When a command fails (`runTimed`).
 * @throws {InterruptedError} When `signal` is aborted.
 */
export async function measureCases(
  cases: readonly BenchmarkCase[],
  options: MeasureOptions,
): Promise<CaseTimes[]> {
  const results: CaseTimes[] = cases.map((c) => ({ label: c.label, times: [], counts: [] }));
  for (let i = options.noWarmup ? 0 : -1; i < options.runs; i++) {
    for (const [k, c] of cases.entries()) {
      await c.prepare?.(i);
      const env = c.env(i);
      const before = options.counter?.();
      let ms = 0;
      for (const argv of c.commands(i)) {
        ms += (await runTimed(argv, {
          env,
          signal: options.signal,
          ...(c.cwd === undefined ? {} : { cwd: c.cwd }),
        })).ms;
      }
      const count = before === undefined ? undefined : options.counter!() - before;
      options.onRun?.(c.label, i, ms, count);
      if (i >= 0) {
        results[k]!.times.push(ms);
        if (count !== undefined) results[k]!.counts.push(count);
      }
    }
  }
  return results;
}
