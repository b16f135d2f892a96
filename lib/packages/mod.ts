/**
 * What changes an environment's distributions, and what reads or writes them as files: install,
 * uninstall, update, check, sync from a lock, the environment's `pylock.toml`, resolve, the
 * dependency tree, create with packages, clone, export and import. Built on the registry and
 * lifecycle of `lib/environments` (locks, journal, staging), each operation under the
 * environment's lock.
 *
 * @module
 */
export * from "./requirements_text.ts";
export * from "./create_environment.ts";
export * from "./manage_packages.ts";
export type { InstalledFile } from "./installed_files.ts";
export * from "./clone_environment.ts";
export * from "./export_environment.ts";
export * from "./production_set.ts";
export * from "./import_merge.ts";
export * from "./index_client_for.ts";
export * from "./index_failure.ts";
export * from "./environment_lock.ts";
export * from "./cache_references.ts";
export * from "./sync_lock.ts";
export * from "./dependency_graph.ts";
export * from "./resolve_requirements.ts";
export * from "./prefetch_targets.ts";
export * from "./prefetch.ts";
export * from "./prefetch_offline_check.ts";
export * from "./environment_bundle.ts";
export * from "./project_sync.ts";
export * from "./migrate_backend.ts";
