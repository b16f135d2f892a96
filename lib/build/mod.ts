/**
 * Building wheels from source (PEP 517, PEP 660 editable wheels, PEP 518 build requirements):
 * sdists and local trees are built through their build backend in isolated, cached build
 * environments, by a small driver script; built wheels and metadata are cached.
 *
 * @module
 */
export * from "./build_wheel.ts";
export * from "./build_system.ts";
export * from "./build_env.ts";
export * from "./run_hook.ts";
export * from "./source_key.ts";
export * from "./unpack_sdist.ts";
