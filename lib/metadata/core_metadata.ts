/**
 * Core metadata (`METADATA` in wheels, `PKG-INFO` in sdists; the "Core metadata
 * specifications", versions 1.0 to 2.4): email-header fields, repeated fields kept in order,
 * continuation lines joined, the body taken as the description.
 *
 * @module
 */
import { InvalidSyntaxError } from "../errors/mod.ts";
import {
  evaluateMarker,
  type MarkerContext,
  normalizeName,
  parseRequirement,
  type Requirement,
} from "../pep508/mod.ts";

/** The fields gestvenv uses, parsed from a core-metadata file. */
export interface CoreMetadata {
  /** `Metadata-Version`, e.g. `2.1`. */
  metadataVersion: string;
  /** `Name` as written. */
  name: string;
  /** `Version` as written. */
  version: string;
  /** `Summary`, or null. */
  summary: string | null;
  /** `Requires-Dist` entries (PEP 508 strings), in order. */
  requiresDist: string[];
  /** `Requires-Python` specifier text, or null. */
  requiresPython: string | null;
  /** `Provides-Extra`, normalized (PEP 685). */
  providesExtra: string[];
  /** `Dynamic` fields (PEP 643), lower-case. */
  dynamic: string[];
  /** `License-Expression` (PEP 639) or `License`, or null. */
  license: string | null;
  /** `License-Expression` (PEP 639: an SPDX expression), or null. See `licenseOf`. */
  licenseExpression: string | null;
  /** `Home-page`, or null. */
  homePage: string | null;
  /** `Author` / `Author-email`, joined, or null. */
  author: string | null;
  /** `Project-URL` entries as label → URL. */
  projectUrls: Record<string, string>;
  /** `Classifier` entries. */
  classifiers: string[];
}

/**
 * The header part of core-metadata text: everything up to the first empty line, without the
 * body (the long description, often most of the file, which gestvenv never reads).
 */
export function metadataHeader(text: string): string {
  const m = /\r?\n\r?\n/.exec(text);
  return m === null ? text : text.slice(0, m.index + (text[m.index] === "\r" ? 2 : 1));
}

/** Splits core-metadata text into (lower-case key, value) pairs; stops at the body. */
export function parseMetadataFields(text: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    if ((line[0] === " " || line[0] === "\t") && fields.length > 0) {
      const last = fields[fields.length - 1]!;
      last[1] += "\n" + line.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/**
 * Parses a METADATA / PKG-INFO file.
 * @param source Names the file in errors (`flask 3.0.0 METADATA`).
 * @throws {InvalidSyntaxError} when `Name` or `Version` is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCoreMetadata } from "@gestvenv/gestvenv/metadata";
 *
 * const metadata = parseCoreMetadata(
 *   "Metadata-Version: 2.3\nName: Demo\nVersion: 1.0\nRequires-Dist: idna\n",
 * );
 * assert.equal(metadata.name, "Demo");
 * assert.deepEqual(metadata.requiresDist, ["idna"]);
 * assert.throws(() => parseCoreMetadata("Metadata-Version: 2.3\nName: demo\n", "demo PKG-INFO"));
 * ```
 */
export function parseCoreMetadata(text: string, source?: string): CoreMetadata {
  const fields = parseMetadataFields(text);
  const one = (key: string) => fields.find(([k]) => k === key)?.[1] ?? null;
  const all = (key: string) => fields.filter(([k]) => k === key).map(([, v]) => v);
  const name = one("name"), version = one("version");
  if (name === null || version === null) {
    throw new InvalidSyntaxError("core metadata without a Name or Version field", source);
  }
  const projectUrls: Record<string, string> = {};
  for (const entry of all("project-url")) {
    const comma = entry.indexOf(",");
    if (comma > 0) projectUrls[entry.slice(0, comma).trim()] = entry.slice(comma + 1).trim();
  }
  const authors = [one("author"), one("author-email")].filter((a) => a !== null && a !== "");
  return {
    metadataVersion: one("metadata-version") ?? "1.0",
    name,
    version,
    summary: one("summary"),
    requiresDist: all("requires-dist"),
    requiresPython: one("requires-python"),
    providesExtra: all("provides-extra").map(normalizeName),
    dynamic: all("dynamic").map((d) => d.toLowerCase()),
    license: one("license-expression") ?? one("license"),
    licenseExpression: one("license-expression"),
    homePage: one("home-page"),
    author: authors.length > 0 ? authors.join(", ") : null,
    projectUrls,
    classifiers: all("classifier"),
  };
}

/** Parsed `Requires-Dist` entries, by metadata object (a resolver asks for them many times). */
const parsed = new WeakMap<CoreMetadata, Requirement[]>();

function parsedRequirements(metadata: CoreMetadata, source?: string): Requirement[] {
  let requirements = parsed.get(metadata);
  if (requirements === undefined) {
    requirements = metadata.requiresDist.map((text) => parseRequirement(text, source));
    parsed.set(metadata, requirements);
  }
  return requirements;
}

/**
 * The dependencies a distribution needs in `environment` with `extras` requested: each
 * `Requires-Dist` whose marker holds with `extra` unset or set to one of the extras
 * (PEP 508 "extra"; PEP 685 normalization). Each result says which extra pulled it in.
 * @throws {InvalidSyntaxError} naming `source` when a `Requires-Dist` is malformed.
 */
export function dependenciesFor(
  metadata: CoreMetadata,
  extras: readonly string[],
  environment: MarkerContext,
  source?: string,
): { requirement: Requirement; extra: string | null }[] {
  const out: { requirement: Requirement; extra: string | null }[] = [];
  for (const requirement of parsedRequirements(metadata, source)) {
    if (requirement.marker === null) {
      out.push({ requirement, extra: null });
      continue;
    }
    if (evaluateMarker(requirement.marker, { ...environment, extra: "" })) {
      out.push({ requirement, extra: null });
      continue;
    }
    const extra = extras.find((e) =>
      evaluateMarker(requirement.marker!, { ...environment, extra: e })
    );
    if (extra !== undefined) out.push({ requirement, extra });
  }
  return out;
}
