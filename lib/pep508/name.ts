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
