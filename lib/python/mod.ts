/**
 * Python interpreters: discovery (PATH, pyenv, system folders, Windows `py`), one cached probe per
 * interpreter (version, scheme paths, PEP 508 marker environment, libc), and `--python` requests.
 *
 * @example Find an interpreter
 * ```ts
 * // Needs a Python 3 on this machine (PATH or pyenv), as gestvenv itself does.
 * import assert from "node:assert/strict";
 * import { findInterpreter, parsePythonRequest } from "@gestvenv/gestvenv/python";
 *
 * assert.deepEqual(parsePythonRequest("pypy3.10"), {
 *   kind: "version",
 *   implementation: "pypy",
 *   version: [3, 10],
 *   raw: "pypy3.10",
 * });
 * const cacheDir = await Deno.makeTempDir();
 * const python = await findInterpreter(">=3.8", { cacheDir });
 * assert.equal(python.info.version_info[0], 3);
 * assert.match(python.info.markers.python_full_version, /^3\.\d+\.\d+/);
 * await Deno.remove(cacheDir, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./interpreter_info.ts";
export * from "./python_request.ts";
export * from "./query_interpreter.ts";
export * from "./discover_interpreters.ts";
export * from "./find_interpreter.ts";
