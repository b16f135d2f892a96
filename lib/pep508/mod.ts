/**
 * PEP 508: dependency specifications and environment markers.
 *
 * @module
 */
export * from "./marker.ts";
export * from "./requirement.ts";
