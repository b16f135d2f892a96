/**
 * Configuration: the user's `config.toml` (schema, load, atomic update), pip's own index
 * configuration, and settings precedence (flags > environment > file > defaults).
 *
 * @module
 */
export * from "./config_schema.ts";
export * from "./config_file.ts";
export * from "./pip_config.ts";
export * from "./ini.ts";
export * from "./settings.ts";
export * from "./http_settings.ts";
export * from "./quantities.ts";
export * from "./project_settings.ts";
export * from "./profiles.ts";
export * from "./config_backup.ts";
export * from "./allowed_sources.ts";
