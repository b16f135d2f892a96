/**
 * Distribution file names: wheels (PEP 427) and source distributions (PEP 625).
 *
 * @example Wheel and sdist file names
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWheelFilename, tryParseSdistFilename } from "@gestvenv/gestvenv/dist_filename";
 *
 * const wheel = parseWheelFilename("Flask_SQLAlchemy-3.1.1-py3-none-any.whl");
 * assert.equal(wheel.name, "flask-sqlalchemy");
 * assert.equal(wheel.version.text, "3.1.1");
 * assert.deepEqual(wheel.pythonTags, ["py3"]);
 *
 * const sdist = tryParseSdistFilename("flask-3.0.3.tar.gz");
 * assert.equal(sdist?.version.text, "3.0.3");
 * assert.equal(sdist?.extension, ".tar.gz");
 * assert.equal(tryParseSdistFilename("flask-3.0.3.rar"), null);
 * ```
 *
 * @module
 */
export * from "./wheel_filename.ts";
export * from "./sdist_filename.ts";
