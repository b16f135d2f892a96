/**
 * PEP 425 compatibility tags, with PEP 600 (manylinux) and PEP 656 (musllinux) platforms.
 *
 * @example The tags an interpreter accepts, and the best wheel
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestTagRank, supportedTags } from "@gestvenv/gestvenv/pep425";
 *
 * const tags = supportedTags({
 *   implementation: "cpython",
 *   pythonVersion: [3, 12],
 *   platform: "linux-x86_64",
 *   soabi: "cpython-312-x86_64-linux-gnu",
 *   freeThreaded: false,
 *   pointerBits: 64,
 *   libc: { family: "glibc", version: "2.35" },
 * });
 * assert.equal(tags.tags[0], "cp312-cp312-manylinux_2_35_x86_64");
 * assert.equal(tags.tags.at(-1), "py30-none-any");
 * // A lower rank is better: a binary wheel for this interpreter beats a pure-Python one.
 * const binary = bestTagRank(tags, ["cp312"], ["cp312"], ["manylinux_2_17_x86_64"])!;
 * const pure = bestTagRank(tags, ["py3"], ["none"], ["any"])!;
 * assert.ok(binary < pure);
 * assert.equal(bestTagRank(tags, ["cp312"], ["cp312"], ["win_amd64"]), undefined);
 * ```
 *
 * @module
 */
export * from "./tags.ts";
