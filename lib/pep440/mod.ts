/**
 * PEP 440: versions, their order, and version specifiers.
 *
 * @module
 */
export * from "./version.ts";
export * from "./specifier.ts";
