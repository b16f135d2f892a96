/**
 * Package names: "did you mean" suggestions, and (re-exported from `lib/pep508`, which owns
 * them) PEP 503 normalization and PEP 508 name validation.
 *
 * @module
 */
export { isValidProjectName, normalizeName } from "../pep508/mod.ts";
export * from "./closest_names.ts";
