/**
 * One reporter for many listeners: the CLI's spinner, the operation log's collector, `profile`,
 * and `--log-file` all receive the same events.
 *
 * @module
 */
import type { ProgressUpdate, Reporter } from "./reporter.ts";
import type { Counter, Phase } from "./spans.ts";

/** A listener: any part of a {@linkcode Reporter} (what it lacks, it does not receive). */
export type ReporterListener = Partial<Reporter>;

/**
 * A reporter that passes every event to `primary` and then to each listener. `span` and `count`
 * are set only when one of them listens (so the areas that emit spans pay nothing otherwise);
 * `output` and `progress` likewise. With no listeners, `primary` itself is returned.
 */
export function fanOut(primary: Reporter, listeners: readonly ReporterListener[]): Reporter {
  if (listeners.length === 0) return primary;
  const all: ReporterListener[] = [primary, ...listeners];
  const having = <K extends keyof Reporter>(key: K) => all.filter((l) => l[key] !== undefined);
  const spanning = having("span");
  const counting = having("count");
  const outputs = having("output");
  const progressing = having("progress");
  return {
    step(message: string) {
      for (const l of all) l.step?.(message);
    },
    done() {
      for (const l of all) l.done?.();
    },
    warn(message: string) {
      for (const l of all) l.warn?.(message);
    },
    output: outputs.length === 0 ? undefined : (line: string) => {
      for (const l of outputs) l.output!(line);
    },
    progress: progressing.length === 0 ? undefined : (update: ProgressUpdate) => {
      for (const l of progressing) l.progress!(update);
    },
    span: spanning.length === 0 ? undefined : (phase: Phase, detail?: string) => {
      const ends = spanning.map((l) => l.span!(phase, detail));
      return () => {
        for (const end of ends) end();
      };
    },
    count: counting.length === 0 ? undefined : (counter: Counter, amount: number) => {
      for (const l of counting) l.count!(counter, amount);
    },
  };
}
