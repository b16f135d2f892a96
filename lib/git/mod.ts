/**
 * What gestvenv asks git: configuration values (`gitConfig`), e.g. the default author of a new
 * project (`user.name`, `user.email`), as `uv init` and cookiecutter do; the files of a folder
 * git would commit (`gitListedFiles`, `gitListedFilter`), e.g. what `template create --from`
 * copies.
 *
 * @module
 */
export * from "./git_config.ts";
export * from "./git_listed_files.ts";
