/**
 * The operation log (issue 11 §2): every changing command appends one JSON line to
 * `<home>/logs/operations.jsonl` (rotated by size); `logs` and `audit` read it back.
 *
 * @module
 */
export * from "./entry.ts";
export * from "./log_file.ts";
export * from "./filter.ts";
export * from "./retention.ts";
