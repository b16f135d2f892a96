/**
 * The resolver: PubGrub over package indexes, with explanations of conflicts.
 *
 * @module
 */
export * from "./version_set.ts";
export * from "./term.ts";
export * from "./incompatibility.ts";
export * from "./pubgrub.ts";
export * from "./report.ts";
export * from "./provider.ts";
export * from "./resolve.ts";
