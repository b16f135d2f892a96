/**
 * gestvenv's installer: the plan (desired vs installed distributions), wheels installed from the
 * cache's unpacked manifests by linking (binary distribution format spec), entry-point launchers,
 * uninstall by RECORD, link modes, bytecode compilation, and `pip check`.
 *
 * @module
 */
export * from "./install_target.ts";
export * from "./install_event.ts";
export * from "./link.ts";
export * from "./plan.ts";
export * from "./scripts.ts";
export * from "./record_writer.ts";
export * from "./install_wheel.ts";
export * from "./uninstall.ts";
export * from "./apply_plan.ts";
export * from "./compile_bytecode.ts";
export * from "./check_dependencies.ts";
export * from "./pool.ts";
