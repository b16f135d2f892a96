/**
 * Normalizes a project name as PEP 503 ("Normalized Names") defines it: lowercase, with runs of
 * `-`, `_` and `.` collapsed to a single `-`. `Flask_SQLAlchemy` → `flask-sqlalchemy`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeName } from "@gestvenv/gestvenv/names";
 *
 * assert.equal(normalizeName("Django_REST.framework"), "django-rest-framework");
 * ```
 */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/**
 * Whether `name` is a valid project name (PEP 508 "Names": ASCII letters, digits, `.`, `_`, `-`,
 * starting and ending with a letter or digit).
 */
export function isValidProjectName(name: string): boolean {
  return /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name);
}

/**
 * The project name at the start of a requirement string (`requests[socks]>=2 ; python_version>"3"`
 * → `requests`), or undefined when the string starts with something else (a path, a URL, an
 * option). Full PEP 508 parsing belongs to the resolver; this only needs the name.
 */
export function requirementName(requirement: string): string | undefined {
  const match = requirement.trim().match(/^([A-Za-z0-9][A-Za-z0-9._-]*)(?=\s*($|[\[<>=!~;@ (]))/);
  return match?.[1];
}
