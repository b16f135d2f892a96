/**
 * Named environments: the registry (`environments.json`, atomic and locked), and the operations
 * that keep it true: create, install, uninstall, update, check, delete, rename, clone, export,
 * import, orphan clean-up; each crash-consistent (staging directories, a journal, recovery of
 * what a killed command left) and serialized per environment by cross-process locks.
 *
 * @module
 */
export * from "./environment_record.ts";
export * from "./environment_name.ts";
export * from "./registry.ts";
export * from "./registry_salvage.ts";
export * from "./context.ts";
export * from "./environment_marker.ts";
export * from "./journal.ts";
export * from "./staging.ts";
export * from "./recover_interrupted.ts";
export * from "./remove_environment_files.ts";
export * from "./requirements_text.ts";
export * from "./create_environment.ts";
export * from "./manage_packages.ts";
export * from "./delete_environment.ts";
export * from "./rename_environment.ts";
export * from "./clone_environment.ts";
export * from "./export_environment.ts";
export * from "./orphans.ts";
export * from "./active_environment.ts";
export * from "./index_client_for.ts";
export * from "./index_failure.ts";
export * from "./environment_lock.ts";
export * from "./sync_lock.ts";
export * from "./dependency_graph.ts";
export * from "./resolve_requirements.ts";
