/**
 * Core metadata (METADATA / PKG-INFO) and reading it out of wheel archives.
 *
 * @module
 */
export * from "./core_metadata.ts";
export * from "./wheel_metadata.ts";
