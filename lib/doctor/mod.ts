/**
 * `gestvenv doctor`: checks as data (`{id, severity, subject, message, fix}`) over environments
 * (interpreter link, `pyvenv.cfg`, shebangs, permissions, files against RECORD, files two
 * distributions claim, dependencies, the lock), the registry against the disk, the configuration
 * (and whether the indexes answer), the cache and the backends; the fixes `doctor --fix` /
 * `repair` apply, each verified by running its check again; `doctor --suggest`'s suggestions; and
 * `health-check`'s fast subset.
 *
 * @module
 */
export * from "./doctor_check.ts";
export * from "./environment_checks.ts";
export * from "./permission_checks.ts";
export * from "./duplicate_checks.ts";
export * from "./home_checks.ts";
export * from "./config_checks.ts";
export * from "./index_checks.ts";
export * from "./cache_checks.ts";
export * from "./suggestions.ts";
export * from "./copy_scan.ts";
export * from "./health.ts";
export * from "./relink.ts";
export * from "./repair.ts";
export * from "./record_check.ts";
export * from "./policy_checks.ts";
