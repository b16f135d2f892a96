/**
 * PEP 751 lock files (`pylock.toml`): the shape and writer, the validating reader, building a lock
 * from a resolution, and choosing what to install from one.
 *
 * @module
 */
export * from "./pylock.ts";
export * from "./parse_pylock.ts";
export * from "./select_locked_files.ts";
export * from "./from_resolution.ts";
