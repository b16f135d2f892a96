/**
 * Installed distributions (PEP 376 `.dist-info` directories) and core-metadata headers.
 *
 * @module
 */
export * from "./installed_distributions.ts";
export * from "./freeze.ts";
export * from "./record.ts";
