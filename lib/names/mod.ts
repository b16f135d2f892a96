/**
 * Package names: PEP 503 normalization, PEP 508 name validation, and "did you mean" suggestions.
 *
 * @module
 */
export * from "./normalize_name.ts";
export * from "./closest_names.ts";
