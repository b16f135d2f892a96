/**
 * Text templates embedded as modules, so a compiled binary reads no file at run time.
 *
 * @module
 */
export * from "./activate_sh.ts";
export * from "./activate_fish.ts";
export * from "./activate_csh.ts";
export * from "./activate_nu.ts";
export * from "./activate_ps1.ts";
export * from "./activate_bat.ts";
export * from "./pep517_driver.ts";
