/**
 * Distribution file names: wheels (PEP 427) and source distributions (PEP 625).
 *
 * @module
 */
export * from "./wheel_filename.ts";
export * from "./sdist_filename.ts";
