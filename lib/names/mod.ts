/**
 * Package names: PEP 503 normalization, PEP 508 name validation, and "did you mean" suggestions.
 *
 * @example Normalize project names
 * ```ts
 * import assert from "node:assert/strict";
 * import { isValidProjectName, normalizeName } from "@gestvenv/gestvenv/names";
 *
 * assert.equal(normalizeName("Flask_SQLAlchemy"), "flask-sqlalchemy");
 * assert.equal(normalizeName("zope.interface"), "zope-interface");
 * assert.equal(isValidProjectName("-bad"), false);
 * ```
 *
 * @module
 */
export * from "./normalize_name.ts";
export * from "./closest_names.ts";
