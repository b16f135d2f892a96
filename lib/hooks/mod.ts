/**
 * Hooks (issue 12 §4; spec 001 "Hooks et événements"): commands the user attaches to lifecycle
 * events (`pre-create`, `post-create`, `pre-install`, `post-install`, `post-sync`, `pre-delete`,
 * `post-activate`, and `pre-run`), kept globally (config.toml `[hooks]`), per project
 * (`.gestvenv.toml` `[hooks]`, run only once trusted: `trust.json`) and per environment (its
 * registry record); run from the lifecycle listener through the user's shell with a timeout.
 *
 * @module
 */
export * from "./hook_definition.ts";
export * from "./hook_store.ts";
export * from "./hook_listing.ts";
export * from "./trust_store.ts";
export * from "./run_hook.ts";
export * from "./hook_runner.ts";
