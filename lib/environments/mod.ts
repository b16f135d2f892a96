/**
 * Named environments: the registry (`environments.json`, atomic and locked) and the lifecycle
 * that keeps it true: create (with a step that `lib/packages` fills), delete, rename, orphan
 * clean-up, the active environment; each crash-consistent (staging directories, a journal,
 * recovery of what a killed command left) and serialized per environment by cross-process locks.
 * What changes an environment's distributions lives in `lib/packages`.
 *
 * @module
 */
export * from "./environment_record.ts";
export * from "./environment_settings.ts";
export * from "./bound_environment.ts";
export * from "./environment_name.ts";
export * from "./registry.ts";
export * from "./registry_salvage.ts";
export * from "./context.ts";
export * from "./lifecycle.ts";
export * from "./environment_marker.ts";
export * from "./journal.ts";
export * from "./staging.ts";
export * from "./migration_backup.ts";
export * from "./recover_interrupted.ts";
export * from "./remove_environment_files.ts";
export * from "./create_environment.ts";
export * from "./delete_environment.ts";
export * from "./rename_environment.ts";
export * from "./orphans.ts";
export * from "./active_environment.ts";
