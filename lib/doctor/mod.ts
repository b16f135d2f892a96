/**
 * `gestvenv doctor`: checks as data (`{id, severity, subject, message, fix}`) over environments
 * (interpreter link, `pyvenv.cfg`, shebangs, files against RECORD, dependencies, the lock), the
 * registry against the disk, the configuration, the cache and the backends; and the fixes `doctor --fix` / `repair` apply, each
 * verified by running its check again.
 *
 * @module
 */
export * from "./doctor_check.ts";
export * from "./environment_checks.ts";
export * from "./home_checks.ts";
export * from "./config_checks.ts";
export * from "./cache_checks.ts";
export * from "./repair.ts";
