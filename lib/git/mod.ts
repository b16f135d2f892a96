/**
 * What gestvenv asks git: configuration values (`gitConfig`), e.g. the default author of a new
 * project (`user.name`, `user.email`), as `uv init` and cookiecutter do.
 *
 * @module
 */
export * from "./git_config.ts";
