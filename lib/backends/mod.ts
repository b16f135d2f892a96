/**
 * Installer backends behind one interface: pip (run with `--python` against each environment) and
 * uv (`uv pip ... --python`), and the `auto` choice between them.
 *
 * @module
 */
export * from "./backend.ts";
export * from "./pip_backend.ts";
export * from "./uv_backend.ts";
export * from "./native_backend.ts";
export * from "./select_backend.ts";
export * from "./describe_backends.ts";
