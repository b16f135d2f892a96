/**
 * Typed errors and exit codes (spec 001, "Codes de sortie").
 *
 * @example Handle gestvenv's errors by exit code
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXIT_CODE, GestvenvError, InvalidSyntaxError } from "@gestvenv/gestvenv/errors";
 *
 * const error: unknown = new InvalidSyntaxError("expected a version", "requirements.txt:3", {
 *   hint: "Write a PEP 440 version, e.g. 1.0",
 * });
 * assert.ok(error instanceof GestvenvError);
 * assert.equal(error.exitCode, EXIT_CODE.USAGE);
 * assert.equal(error.code, "invalid_syntax");
 * assert.equal(error.message, "requirements.txt:3: expected a version");
 * ```
 *
 * @module
 */
export * from "./exit_code.ts";
export * from "./gestvenv_error.ts";
export * from "./redact_urls.ts";
