/**
 * Package names: PEP 503 normalization and PEP 508 name validation.
 *
 * @module
 */
export * from "./normalize_name.ts";
