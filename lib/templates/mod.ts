/**
 * Project templates (issue 10 §4; spec 001 "Templates de projets"): built-in templates embedded as
 * a generated module (`templates/projects.generated.ts`, from `templates/projects/<name>/`), the
 * user's in `<gestvenv home>/templates/<name>/`, each a `template.toml` (description, `base`,
 * `groups`, `verbatim`, `skip`, `[variables]`, `[when]`) and a `files/` tree whose contents and
 * paths are Liquid templates (liquidjs, strict variables); rendering in memory, then writing the
 * project through a staging directory renamed into place.
 *
 * @module
 */
export * from "./template_manifest.ts";
export * from "./project_template.ts";
export * from "./path_glob.ts";
export * from "./template_catalog.ts";
export * from "./template_values.ts";
export * from "./render_template.ts";
export * from "./write_project.ts";
export * from "./generate_project.ts";
export * from "./machine_defaults.ts";
export * from "./user_templates.ts";
