/**
 * PEP 751 lock files (`pylock.toml`).
 *
 * @module
 */
export * from "./pylock.ts";
export * from "./from_resolution.ts";
