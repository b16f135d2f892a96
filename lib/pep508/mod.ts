/**
 * PEP 508: dependency specifications and environment markers (with the marker environment they
 * are evaluated against), and project names (PEP 508 "Names", PEP 503 normalization). Depends on
 * `lib/pep440` and `lib/errors` only.
 *
 * @module
 */
export * from "./name.ts";
export * from "./marker.ts";
export * from "./requirement.ts";
