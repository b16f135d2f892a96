/**
 * PEP 751 lock files (`pylock.toml`): the shape and writer, the validating reader, building a lock
 * from a resolution, and choosing what to install from one.
 *
 * @example Write and read back a PEP 751 lock
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatPylock, parsePylock, type Pylock } from "@gestvenv/gestvenv/lock";
 *
 * const lock: Pylock = {
 *   lockVersion: "1.0",
 *   createdBy: "gestvenv",
 *   requiresPython: ">=3.8",
 *   packages: [{
 *     name: "idna",
 *     version: "3.7",
 *     dependencies: [],
 *     wheels: [{
 *       name: "idna-3.7-py3-none-any.whl",
 *       url: "https://files.example.org/idna-3.7-py3-none-any.whl",
 *       size: 66836,
 *       hashes: { sha256: "8".repeat(64) },
 *     }],
 *   }],
 * };
 * const text = formatPylock(lock);
 * assert.match(text, /^lock-version = "1.0"/m);
 * const again = parsePylock(text, "pylock.toml");
 * assert.equal(again.packages[0]?.wheels[0]?.hashes.sha256, "8".repeat(64));
 * ```
 *
 * @module
 */
export * from "./pylock.ts";
export * from "./parse_pylock.ts";
export * from "./select_locked_files.ts";
export * from "./from_resolution.ts";
