/**
 * A distribution's licence as an SPDX expression, from its core metadata (PEP 639).
 *
 * @module
 */
import type { CoreMetadata } from "./core_metadata.ts";
import { SPDX_IDS } from "./license_spdx_ids.generated.ts";

/** What {@linkcode licenseOf} found. */
export interface LicenseInfo {
  /**
   * The SPDX license expression (`MIT`, `Apache-2.0 OR BSD-3-Clause`), or null when the metadata
   * does not say which licence exactly (no field, a licence text, an ambiguous classifier such as
   * `BSD License`).
   */
  expression: string | null;
  /** Where it came from: the PEP 639 field, the older `License` field, or classifiers. */
  source: "license-expression" | "license" | "classifier" | null;
  /**
   * What the metadata says when it is not an SPDX expression (the `License` field's first line,
   * or the classifiers' licence names joined with `; `), for people; else null.
   */
  text: string | null;
  /** Why a `License-Expression` was not taken as an expression (not SPDX), else absent. */
  note?: string;
}

/** Common `License` field spellings (lower-cased, spaces collapsed) → SPDX ids. */
const FIELD_SPELLINGS: Readonly<Record<string, string>> = Object.assign(Object.create(null), {
  "mit": "MIT",
  "mit license": "MIT",
  "the mit license": "MIT",
  "mit-0": "MIT-0",
  "apache 2.0": "Apache-2.0",
  "apache-2.0": "Apache-2.0",
  "apache 2": "Apache-2.0",
  "apache license 2.0": "Apache-2.0",
  "apache license, version 2.0": "Apache-2.0",
  "apache license version 2.0": "Apache-2.0",
  "apache software license 2.0": "Apache-2.0",
  "bsd-2-clause": "BSD-2-Clause",
  "bsd 2-clause": "BSD-2-Clause",
  "2-clause bsd": "BSD-2-Clause",
  "simplified bsd": "BSD-2-Clause",
  "bsd-3-clause": "BSD-3-Clause",
  "bsd 3-clause": "BSD-3-Clause",
  "3-clause bsd": "BSD-3-Clause",
  "new bsd": "BSD-3-Clause",
  "new bsd license": "BSD-3-Clause",
  "modified bsd": "BSD-3-Clause",
  "isc": "ISC",
  "isc license": "ISC",
  "mpl-2.0": "MPL-2.0",
  "mpl 2.0": "MPL-2.0",
  "mozilla public license 2.0": "MPL-2.0",
  "psf": "PSF-2.0",
  "psf-2.0": "PSF-2.0",
  "python software foundation license": "PSF-2.0",
  "unlicense": "Unlicense",
  "the unlicense": "Unlicense",
  "zlib": "Zlib",
  "bsl-1.0": "BSL-1.0",
  "lgpl-2.1": "LGPL-2.1-only",
  "lgpl-3.0": "LGPL-3.0-only",
  "lgplv3": "LGPL-3.0-only",
  "gpl-2.0": "GPL-2.0-only",
  "gplv2": "GPL-2.0-only",
  "gpl-3.0": "GPL-3.0-only",
  "gplv3": "GPL-3.0-only",
  "agpl-3.0": "AGPL-3.0-only",
  "cc0-1.0": "CC0-1.0",
  "cc0": "CC0-1.0",
  "epl-2.0": "EPL-2.0",
});

/**
 * `License :: OSI Approved :: …` (and `License :: …`) classifier names that name exactly one SPDX
 * licence. Ambiguous ones (`BSD License`, `Apache Software License`, `GNU General Public License
 * (GPL)`) are left out on purpose: PEP 639 deprecates classifiers for that reason.
 */
const CLASSIFIERS: Readonly<Record<string, string>> = Object.assign(Object.create(null), {
  "MIT License": "MIT",
  "MIT No Attribution License (MIT-0)": "MIT-0",
  "ISC License (ISCL)": "ISC",
  "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
  "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
  "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
  "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
  "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
  "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
  "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
  "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
  "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
  "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
  "GNU Affero General Public License v3": "AGPL-3.0-only",
  "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
  "Python Software Foundation License": "PSF-2.0",
  "The Unlicense (Unlicense)": "Unlicense",
  "zlib/libpng License": "Zlib",
  "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
  "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
  "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
  "Universal Permissive License (UPL)": "UPL-1.0",
  "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
});

/** SPDX ids by lower case (SPDX matches ids case-insensitively) → the list's spelling. */
const BY_LOWER: ReadonlyMap<string, string> = new Map(SPDX_IDS.map((id) => [id.toLowerCase(), id]));

/** `LicenseRef-…` and `DocumentRef-…:LicenseRef-…` (SPDX 2.3 Annex D: user-defined ids). */
const LICENSE_REF = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;

/**
 * The canonical spelling of an SPDX license expression (SPDX 2.3 Annex D: ids of the SPDX
 * License List, or `LicenseRef-…`, with an optional `+`; `WITH` an exception id; `AND`, `OR` in
 * upper case; parentheses), or null when `text` is not one. Ids are checked against the list
 * vendored in `license_spdx_ids.generated.ts` (licences and exceptions in one set) and written as
 * the list spells them (`mit` → `MIT`).
 */
export function canonicalSpdxExpression(text: string): string | null {
  const tokens = text.trim().match(/\(|\)|[^\s()]+/g);
  if (tokens === null) return null;
  let at = 0;
  const id = (): string | null => {
    const token = tokens[at];
    if (token === undefined || ["AND", "OR", "WITH", "(", ")"].includes(token)) return null;
    at++;
    if (LICENSE_REF.test(token)) return token;
    const plus = token.endsWith("+") ? "+" : "";
    const known = BY_LOWER.get((plus ? token.slice(0, -1) : token).toLowerCase());
    return known === undefined ? null : known + plus;
  };
  const term = (): string | null => {
    if (tokens[at] === "(") {
      at++;
      const inner = expression();
      if (inner === null || tokens[at] !== ")") return null;
      at++;
      return `(${inner})`;
    }
    const licence = id();
    if (licence === null) return null;
    if (tokens[at] !== "WITH") return licence;
    at++;
    const exception = id();
    return exception === null ? null : `${licence} WITH ${exception}`;
  };
  const expression = (): string | null => {
    let out = term();
    while (out !== null && (tokens[at] === "AND" || tokens[at] === "OR")) {
      const op = tokens[at++]!;
      const next = term();
      out = next === null ? null : `${out} ${op} ${next}`;
    }
    return out;
  };
  const result = expression();
  return result !== null && at === tokens.length ? result : null;
}

/**
 * Whether `text` is an SPDX license expression whose ids are on the SPDX License List (or
 * `LicenseRef-…`); see {@linkcode canonicalSpdxExpression}.
 */
export function isSpdxExpression(text: string): boolean {
  return canonicalSpdxExpression(text) !== null;
}

/**
 * The licence of a distribution (PEP 639): its `License-Expression`; else its `License` field
 * when that is a short SPDX id or a common spelling of one (`Apache 2.0` → `Apache-2.0`); else the
 * licence classifiers that name exactly one SPDX licence (several are joined with ` OR `, as
 * PEP 639 reads them). Anything else gives `expression: null` with the text, never a guess.
 *
 * @example
 * ```ts
 * import { licenseOf, parseCoreMetadata } from "./mod.ts";
 * const m = parseCoreMetadata("Metadata-Version: 2.1\nName: a\nVersion: 1\nLicense: Apache 2.0\n");
 * licenseOf(m); // { expression: "Apache-2.0", source: "license", text: null }
 * ```
 */
export function licenseOf(metadata: CoreMetadata): LicenseInfo {
  const expression = metadata.licenseExpression?.trim();
  if (expression) {
    const canonical = canonicalSpdxExpression(expression);
    if (canonical !== null) {
      return { expression: canonical, source: "license-expression", text: null };
    }
    return {
      expression: null,
      source: "license-expression",
      text: expression.split("\n", 1)[0]!.trim(),
      note: "License-Expression is not a valid SPDX expression (an id not on the SPDX License " +
        "List, or malformed): kept as text",
    };
  }
  const field = metadata.license?.trim() ?? "";
  const firstLine = field.split("\n", 1)[0]!.trim();
  if (field !== "" && !field.includes("\n") && field.length <= 80) {
    const known = FIELD_SPELLINGS[field.toLowerCase().replace(/\s+/g, " ")];
    if (known !== undefined) return { expression: known, source: "license", text: null };
    // Only an expression whose ids are on the SPDX License List (`GPL-2`, `BSD-like` are not).
    const canonical = canonicalSpdxExpression(field);
    if (canonical !== null) return { expression: canonical, source: "license", text: null };
  }
  const names = metadata.classifiers
    .filter((c) => c.startsWith("License ::"))
    .map((c) => c.split("::").at(-1)!.trim());
  const ids = [...new Set(names.map((n) => CLASSIFIERS[n]).filter((id) => id !== undefined))];
  if (ids.length > 0 && ids.length === new Set(names).size) {
    return { expression: ids.join(" OR "), source: "classifier", text: null };
  }
  if (firstLine !== "" && firstLine.toUpperCase() !== "UNKNOWN") {
    return { expression: null, source: "license", text: firstLine };
  }
  if (names.length > 0) return { expression: null, source: "classifier", text: names.join("; ") };
  return { expression: null, source: null, text: null };
}
