/**
 * Benchmarks (issue 11 §5, spec 001 "Monitoring de performance"): gestvenv operations timed as
 * whole processes in throwaway homes (`gestvenv benchmark`, `compare`), and the measuring code the
 * benchmark scripts (`scripts/bench_*.ts`) share: interleaved runs after a warm-up round, medians.
 *
 * @module
 */
export * from "./stats.ts";
export * from "./run_timed.ts";
export * from "./measure.ts";
export * from "./run_benchmark.ts";
