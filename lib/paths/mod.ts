/**
 * Where gestvenv keeps things: the home layout and the environment variables it reads.
 *
 * @module
 */
export * from "./env_vars.ts";
export * from "./home.ts";
export * from "./find_executable.ts";
export * from "./path.ts";
