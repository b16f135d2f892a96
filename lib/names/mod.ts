/**
 * Package names: "did you mean" suggestions, and (re-exported from `lib/pep508`, which owns
 * them) PEP 503 normalization and PEP 508 name validation.
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
export { isValidProjectName, normalizeName } from "../pep508/mod.ts";
export * from "./closest_names.ts";
