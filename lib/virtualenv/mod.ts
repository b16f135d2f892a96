/**
 * PEP 405 virtual environments, created natively: `pyvenv.cfg`, interpreter links, site-packages,
 * activation scripts; reading an environment's layout; re-targeting a moved environment.
 *
 * @module
 */
export * from "./pyvenv_cfg.ts";
export * from "./layout.ts";
export * from "./write_activators.ts";
export * from "./create_virtualenv.ts";
export * from "./relocate_virtualenv.ts";
