/**
 * `gestvenv verify`: installed files against RECORD, cached artifacts against the sha256 the
 * index gave, each distribution's origin against the allowed sources, and PEP 740 provenance.
 *
 * @module
 */
export * from "./sources.ts";
export * from "./verify_environment.ts";
export * from "./provenance.ts";
