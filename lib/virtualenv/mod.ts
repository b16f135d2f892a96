/**
 * PEP 405 virtual environments, created natively: `pyvenv.cfg`, interpreter links, site-packages,
 * activation scripts; reading an environment's layout; re-targeting a moved environment.
 *
 * @example Create a virtual environment natively
 * ```ts
 * // Needs a Python 3 on this machine (PATH or pyenv); takes a few ms, runs no Python installer.
 * import assert from "node:assert/strict";
 * import { findInterpreter } from "@gestvenv/gestvenv/python";
 * import {
 *   createVirtualenv,
 *   inspectVirtualenv,
 *   readPyvenvCfg,
 * } from "@gestvenv/gestvenv/virtualenv";
 *
 * const dir = await Deno.makeTempDir();
 * const python = await findInterpreter(undefined, { cacheDir: `${dir}/cache` });
 * await createVirtualenv(`${dir}/venv`, python, { creatorVersion: "example" });
 * const layout = await inspectVirtualenv(`${dir}/venv`);
 * assert.ok(layout !== undefined);
 * const cfg = await readPyvenvCfg(`${dir}/venv`);
 * assert.equal(cfg?.get("include-system-site-packages"), "false");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./pyvenv_cfg.ts";
export * from "./layout.ts";
export * from "./write_activators.ts";
export * from "./create_virtualenv.ts";
export * from "./relocate_virtualenv.ts";
