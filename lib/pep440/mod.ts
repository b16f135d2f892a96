/**
 * PEP 440: versions, their order, and version specifiers.
 *
 * @example Versions, their order, and specifiers
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   compareVersions,
 *   parseSpecifierSet,
 *   parseVersion,
 *   satisfiesSpecifierSet,
 * } from "@gestvenv/gestvenv/pep440";
 *
 * assert.equal(compareVersions(parseVersion("1.0rc1"), parseVersion("1.0")), -1);
 * const range = parseSpecifierSet(">=2.31,<3");
 * assert.equal(satisfiesSpecifierSet(parseVersion("2.32.3"), range), true);
 * assert.equal(satisfiesSpecifierSet(parseVersion("3.0"), range), false);
 * // Pre-releases only match when asked for (or when a clause names one).
 * assert.equal(satisfiesSpecifierSet(parseVersion("3.0b1"), parseSpecifierSet(">=2")), false);
 * ```
 *
 * @module
 */
export * from "./version.ts";
export * from "./specifier.ts";
