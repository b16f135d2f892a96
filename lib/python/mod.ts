/**
 * Python interpreters: discovery (PATH, pyenv, system folders, Windows `py`), one cached probe per
 * interpreter (version, scheme paths, PEP 508 marker environment, libc), and `--python` requests.
 *
 * @module
 */
export * from "./interpreter_info.ts";
export * from "./python_request.ts";
export * from "./query_interpreter.ts";
export * from "./discover_interpreters.ts";
export * from "./find_interpreter.ts";
