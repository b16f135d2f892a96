/**
 * PEP 508 dependency specifications ("Grammar"): `name [extras] (specifiers | @ url) ; marker`.
 *
 * @module
 */
import { InvalidSyntaxError } from "../errors/mod.ts";
import { normalizeName } from "./name.ts";
import { formatSpecifierSet, parseSpecifierSet, type SpecifierSet } from "../pep440/mod.ts";
import { formatMarker, type Marker, parseMarkerAt } from "./marker.ts";

/** A parsed PEP 508 requirement. */
export interface Requirement {
  /** The project name as written. */
  name: string;
  /** PEP 503 normalized name. */
  normalizedName: string;
  /** Requested extras, normalized (PEP 685), sorted. */
  extras: string[];
  /** Version specifiers (empty for "any version" and for URL requirements). */
  specifier: SpecifierSet;
  /** Direct reference (`name @ url`), or null. */
  url: string | null;
  /** Environment marker, or null. */
  marker: Marker | null;
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;

/**
 * Parses one requirement, e.g. `requests[socks]>=2.31; python_version >= "3.8"` or
 * `pip @ https://host/pip-24.0-py3-none-any.whl`.
 * @param source Where the text came from, for error messages (`requirements.txt:3`).
 * @throws {InvalidSyntaxError} naming the column of the first error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InvalidSyntaxError } from "@gestvenv/gestvenv/errors";
 * import { parseRequirement } from "@gestvenv/gestvenv/pep508";
 *
 * const req = parseRequirement("pip @ https://example.org/pip-24.0-py3-none-any.whl");
 * assert.equal(req.url, "https://example.org/pip-24.0-py3-none-any.whl");
 * assert.equal(req.specifier.specifiers.length, 0);
 * assert.throws(() => parseRequirement("flask[security"), InvalidSyntaxError);
 * ```
 */
export function parseRequirement(text: string, source?: string): Requirement {
  const fail = (what: string, pos: number): never => {
    throw new InvalidSyntaxError(`${what} at column ${pos + 1} of \`${text}\``, source);
  };
  let pos = 0;
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  skip();
  const nameMatch = NAME.exec(text.slice(pos));
  if (nameMatch === null) fail("expected a package name", pos);
  const name = nameMatch![0];
  pos += name.length;
  skip();
  const extras: string[] = [];
  if (text[pos] === "[") {
    const close = text.indexOf("]", pos);
    if (close < 0) fail("expected `]`", text.length);
    const inner = text.slice(pos + 1, close).trim();
    if (inner !== "") {
      for (const extra of inner.split(",")) {
        const e = extra.trim();
        if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(e)) {
          fail(`invalid extra \`${e}\``, pos);
        }
        extras.push(normalizeName(e));
      }
    }
    pos = close + 1;
    skip();
  }
  let url: string | null = null;
  let specifier: SpecifierSet = { specifiers: [] };
  let markerStart = -1;
  if (text[pos] === "@") {
    pos++;
    skip();
    const rest = text.slice(pos);
    // A `;` starts the marker only after whitespace: URLs may contain `;`.
    const m = /^(\S+)(?:\s+;|\s*$)/.exec(rest);
    if (m === null || m[1] === "") fail("expected a URL after `@`", pos);
    url = m![1]!;
    pos += url.length;
    skip();
    if (text[pos] === ";") markerStart = pos + 1;
    else if (pos < text.length) fail("expected `;` before a marker", pos);
  } else {
    const semi = text.indexOf(";", pos);
    let specText = semi < 0 ? text.slice(pos) : text.slice(pos, semi);
    specText = specText.trim();
    if (specText.startsWith("(")) {
      if (!specText.endsWith(")")) fail("expected `)`", pos);
      specText = specText.slice(1, -1);
    }
    if (specText !== "" && !/^[<>=!~]/.test(specText)) {
      fail("expected a version specifier, `@` or `;`", pos);
    }
    specifier = parseSpecifierSet(specText, source);
    if (semi >= 0) markerStart = semi + 1;
  }
  const marker = markerStart < 0 ? null : parseMarkerAt(text, markerStart, source);
  return {
    name,
    normalizedName: normalizeName(name),
    extras: [...new Set(extras)].sort(),
    specifier,
    url,
    marker,
  };
}

/** Writes a requirement back in PEP 508 form (`name[a,b]>=1.0; marker`). */
export function formatRequirement(req: Requirement): string {
  const extras = req.extras.length > 0 ? `[${req.extras.join(",")}]` : "";
  const spec = req.url !== null ? ` @ ${req.url}` : formatSpecifierSet(req.specifier);
  const marker = req.marker === null
    ? ""
    : `${req.url !== null ? " " : ""}; ${formatMarker(req.marker)}`;
  return `${req.name}${extras}${spec}${marker}`;
}
