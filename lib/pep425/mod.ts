/**
 * PEP 425 compatibility tags, with PEP 600 (manylinux) and PEP 656 (musllinux) platforms.
 *
 * @module
 */
export * from "./tags.ts";
