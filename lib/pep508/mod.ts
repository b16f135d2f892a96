/**
 * PEP 508: dependency specifications and environment markers (with the marker environment they
 * are evaluated against), and project names (PEP 508 "Names", PEP 503 normalization). Depends on
 * `lib/pep440` and `lib/errors` only.
 *
 * @example Parse a requirement and evaluate its marker
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateMarker, formatRequirement, parseRequirement } from "@gestvenv/gestvenv/pep508";
 *
 * const req = parseRequirement('Requests[socks] >= 2.31 ; python_version >= "3.8"');
 * assert.equal(req.normalizedName, "requests");
 * assert.deepEqual(req.extras, ["socks"]);
 * assert.equal(formatRequirement(req), 'Requests[socks]>=2.31; python_version >= "3.8"');
 *
 * const linux311 = {
 *   implementation_name: "cpython",
 *   implementation_version: "3.11.7",
 *   os_name: "posix",
 *   platform_machine: "x86_64",
 *   platform_python_implementation: "CPython",
 *   platform_release: "6.8.0",
 *   platform_system: "Linux",
 *   platform_version: "#1 SMP",
 *   python_full_version: "3.11.7",
 *   python_version: "3.11",
 *   sys_platform: "linux",
 * };
 * assert.equal(evaluateMarker(req.marker!, linux311), true);
 * assert.equal(evaluateMarker(req.marker!, { ...linux311, python_version: "3.7" }), false);
 * ```
 *
 * @module
 */
export * from "./name.ts";
export * from "./marker.ts";
export * from "./requirement.ts";
