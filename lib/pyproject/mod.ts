/**
 * pyproject.toml: validation (PEP 621, 508, 517/518, 639, 735).
 *
 * @module
 */
export * from "./validate.ts";
