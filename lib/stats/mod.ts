/**
 * Usage statistics (issue 11 §5, `stats`): figures over the operation log (operations by
 * command, durations, cache hit rate and bytes, most installed packages, time per phase, a daily
 * trend) and over the registry (environment sizes, backends).
 *
 * @module
 */
export * from "./operation_stats.ts";
export * from "./environment_sizes.ts";
