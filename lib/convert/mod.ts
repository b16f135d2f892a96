/**
 * Conversions of other project files to pyproject.toml tables: pip requirements files (with
 * their includes, group files and index options), pipenv's Pipfile and setuptools' setup.cfg.
 * Converters read; merging into a file is `mergeProject` of `lib/pyproject`.
 *
 * @module
 */
export * from "./conversion.ts";
export * from "./convert_file.ts";
export * from "./from_requirements.ts";
export * from "./from_pipfile.ts";
export * from "./from_setup_cfg.ts";
export * from "./project_data.ts";
export * from "./git_author.ts";
export * from "./missing_requirements.ts";
