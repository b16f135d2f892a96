/**
 * Software bills of materials of an environment: what is installed (`*.dist-info`), with PURLs,
 * artifact hashes from the lock, licences (PEP 639) and the dependency graph, as CycloneDX 1.5 or
 * SPDX 2.3 JSON.
 *
 * @module
 */
export * from "./purl.ts";
export * from "./components.ts";
export * from "./cyclonedx.ts";
export * from "./spdx.ts";
