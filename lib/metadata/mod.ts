/**
 * Core metadata (METADATA / PKG-INFO) and reading it out of wheel archives.
 *
 * @example Read core metadata and the dependencies it declares
 * ```ts
 * import assert from "node:assert/strict";
 * import { dependenciesFor, parseCoreMetadata } from "@gestvenv/gestvenv/metadata";
 *
 * const metadata = parseCoreMetadata([
 *   "Metadata-Version: 2.1",
 *   "Name: demo",
 *   "Version: 1.0",
 *   "Requires-Python: >=3.8",
 *   "Requires-Dist: idna>=3",
 *   'Requires-Dist: pysocks>=1.5; extra == "socks"',
 *   "Provides-Extra: socks",
 *   "",
 *   "A long description.",
 * ].join("\n"));
 * assert.equal(metadata.requiresPython, ">=3.8");
 * assert.deepEqual(metadata.providesExtra, ["socks"]);
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
 * const names = (extras: string[]) =>
 *   dependenciesFor(metadata, extras, linux311).map((d) => d.requirement.name);
 * assert.deepEqual(names([]), ["idna"]);
 * assert.deepEqual(names(["socks"]), ["idna", "pysocks"]);
 * ```
 *
 * @module
 */
export * from "./core_metadata.ts";
export * from "./wheel_metadata.ts";
export * from "./license.ts";
export type { RangeSource } from "../zip/mod.ts";
