/**
 * gestvenv as a library: named Python environments, created natively (PEP 405), filled through
 * pip or uv, tracked in a registry that never loses data.
 *
 * With `findInterpreter` and `createVirtualenv` imported from this module (a file path, or the
 * raw URL of `mod.ts` in a release):
 *
 * ```ts ignore
 * const python = await findInterpreter(">=3.11");
 * await createVirtualenv("/tmp/demo", python, { creatorVersion: "lib" });
 * ```
 *
 * @module
 */
export * from "./lib/errors/mod.ts";
export * from "./lib/paths/mod.ts";
export * from "./lib/fs/mod.ts";
export * from "./lib/names/mod.ts";
export * from "./lib/config/mod.ts";
export * from "./lib/python/mod.ts";
export * from "./lib/virtualenv/mod.ts";
export * from "./lib/distribution/mod.ts";
export * from "./lib/backends/mod.ts";
export * from "./lib/environments/mod.ts";
