/**
 * Package URLs (purl-spec, type `pypi`) for Python distributions.
 *
 * @module
 */

/** Percent-encodes every character outside purl's unreserved set (`A-Z a-z 0-9 . - _ ~`). */
function encodeSegment(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The name of a PyPI project as purl-spec's `pypi` type writes it: lower-cased, `_` replaced by
 * `-` (purl-spec "PURL-TYPES", pypi: "name must be lowercased and underscore `_` replaced with a
 * dash `-`"; dots are kept, unlike PEP 503 normalization).
 */
export function purlName(name: string): string {
  return name.trim().toLowerCase().replaceAll("_", "-");
}

/**
 * `pkg:pypi/<name>@<version>` for a distribution (purl-spec, type `pypi`): the name as
 * {@linkcode purlName} writes it, both parts percent-encoded (a local version's `+` is `%2B`).
 *
 * @example
 * ```ts
 * import { pypiPurl } from "./purl.ts";
 * pypiPurl("Django_Rest", "1.0+local"); // "pkg:pypi/django-rest@1.0%2Blocal"
 * ```
 */
export function pypiPurl(name: string, version: string): string {
  const base = `pkg:pypi/${encodeSegment(purlName(name))}`;
  return version === "" ? base : `${base}@${encodeSegment(version)}`;
}
