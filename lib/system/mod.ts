/**
 * The machine as `system-info` describes it: time-bounded probes, the C library, disk space,
 * directory sizes and how gestvenv runs.
 *
 * @module
 */
export * from "./probe.ts";
export * from "./host.ts";
