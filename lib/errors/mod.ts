/**
 * Typed errors and exit codes (spec 001, "Codes de sortie").
 *
 * @module
 */
export * from "./exit_code.ts";
export * from "./gestvenv_error.ts";
