/**
 * gestvenv as a library: named Python environments, created natively (PEP 405), filled through
 * pip or uv, tracked in a registry that never loses data; and the packaging standards behind
 * resolution: PEP 440 versions and specifiers, PEP 508 requirements and markers, PEP 425 tags,
 * PEP 427/625 file names, core metadata, requirements files, a PEP 691/503/658 index client, a
 * PubGrub resolver, and PEP 751 lock files.
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
export * from "./lib/pep440/mod.ts";
export * from "./lib/pep508/mod.ts";
export * from "./lib/pep425/mod.ts";
export * from "./lib/dist_filename/mod.ts";
export * from "./lib/metadata/mod.ts";
export * from "./lib/requirements_file/mod.ts";
export * from "./lib/index/mod.ts";
export * from "./lib/resolver/mod.ts";
export * from "./lib/lock/mod.ts";
