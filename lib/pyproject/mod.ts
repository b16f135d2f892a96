/**
 * Python projects: reading a pyproject.toml (PEP 518 file; `[project]`, PEP 621;
 * `[dependency-groups]`, PEP 735, with `include-group` resolved), the requirements of chosen
 * extras and groups, the interpreter satisfying `requires-python`, and validation (PEP 621, 508,
 * 517/518, 639, 735).
 *
 * @module
 */
export * from "./requirement_list.ts";
export * from "./dependency_groups.ts";
export * from "./pyproject.ts";
export * from "./project_requirements.ts";
export * from "./project_interpreter.ts";
export * from "./validate.ts";
export * from "./edit_pyproject.ts";
export { isTable, setKey } from "./edit_emit.ts";
export { checkLicenseExpression, type SpdxProblem } from "./validate_spdx.ts";
