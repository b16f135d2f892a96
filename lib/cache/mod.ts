/**
 * The package cache: artifacts stored by sha256, unpacked wheels as manifests over a
 * content-addressed file store.
 *
 * @module
 */
export type { UnpackedFile, UnpackedWheel } from "./unpacked_wheel.ts";
