/**
 * Filesystem primitives: atomic writes (temp, fsync, rename), cross-process locks, tree helpers, failpoints for
 * crash tests.
 *
 * @module
 */
export * from "./atomic_write.ts";
export * from "./file_lock.ts";
export * from "./failpoint.ts";
export * from "./tree.ts";
export * from "./hash.ts";
export * from "./replace_user_file.ts";
