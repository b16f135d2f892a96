/**
 * PEP 639 license expressions: SPDX expression syntax (SPDX 2.3 annex D: `AND`, `OR`, `WITH`,
 * parentheses, `LicenseRef-…`) checked by our own parser, and license ids checked against a small
 * embedded list of common SPDX ids and exceptions (not the full SPDX list: an id missing from it is
 * reported as unknown, a warning, not an error).
 *
 * @module
 */

/** Common SPDX license ids (a subset of the SPDX license list 3.x). */
const LICENSE_IDS = [
  "0BSD",
  "AFL-3.0",
  "AGPL-3.0-only",
  "AGPL-3.0-or-later",
  "Apache-1.1",
  "Apache-2.0",
  "APSL-2.0",
  "Artistic-2.0",
  "BlueOak-1.0.0",
  "BSD-1-Clause",
  "BSD-2-Clause",
  "BSD-2-Clause-Patent",
  "BSD-3-Clause",
  "BSD-3-Clause-Clear",
  "BSD-4-Clause",
  "BSL-1.0",
  "CC-BY-4.0",
  "CC-BY-SA-4.0",
  "CC0-1.0",
  "CDDL-1.0",
  "CECILL-2.1",
  "EPL-1.0",
  "EPL-2.0",
  "EUPL-1.2",
  "GPL-2.0-only",
  "GPL-2.0-or-later",
  "GPL-3.0-only",
  "GPL-3.0-or-later",
  "HPND",
  "ISC",
  "LGPL-2.0-only",
  "LGPL-2.0-or-later",
  "LGPL-2.1-only",
  "LGPL-2.1-or-later",
  "LGPL-3.0-only",
  "LGPL-3.0-or-later",
  "MIT",
  "MIT-0",
  "MPL-1.1",
  "MPL-2.0",
  "MPL-2.0-no-copyleft-exception",
  "MS-PL",
  "NCSA",
  "OFL-1.1",
  "OpenSSL",
  "PostgreSQL",
  "PSF-2.0",
  "Python-2.0",
  "Unlicense",
  "UPL-1.0",
  "WTFPL",
  "X11",
  "Zlib",
  "ZPL-2.1",
];

/** Deprecated SPDX ids still accepted (with a warning) and their replacement. */
const DEPRECATED_IDS: Record<string, string> = {
  "AGPL-3.0": "AGPL-3.0-only",
  "GPL-2.0": "GPL-2.0-only",
  "GPL-3.0": "GPL-3.0-only",
  "LGPL-2.1": "LGPL-2.1-only",
  "LGPL-3.0": "LGPL-3.0-only",
};

/** Common SPDX license exceptions (for `WITH`). */
const EXCEPTION_IDS = [
  "Autoconf-exception-3.0",
  "Bison-exception-2.2",
  "Classpath-exception-2.0",
  "GCC-exception-3.1",
  "LLVM-exception",
  "OpenJDK-assembly-exception-1.0",
];

const byLower = (ids: readonly string[]) => new Map(ids.map((id) => [id.toLowerCase(), id]));
const LICENSES = byLower([...LICENSE_IDS, ...Object.keys(DEPRECATED_IDS)]);
const EXCEPTIONS = byLower(EXCEPTION_IDS);

/** One finding about a license expression. */
export interface SpdxProblem {
  /** `error` for invalid syntax; `warning` for unknown, deprecated or mis-cased ids. */
  severity: "error" | "warning";
  /** Stable code: `license-expression`, `license-unknown-id`, `license-deprecated-id`, `license-id-case`. */
  code: string;
  /** What is wrong, as a sentence. */
  message: string;
}

/**
 * Checks a PEP 639 `license` expression.
 *
 * @param expression The text of `project.license`.
 * @returns Problems found; empty when the expression is valid and uses known ids.
 */
export function checkLicenseExpression(expression: string): SpdxProblem[] {
  const problems: SpdxProblem[] = [];
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(what);
  };
  const isOp = (t: string | undefined, op: string) => t !== undefined && t.toUpperCase() === op;
  const id = (kind: "license" | "exception") => {
    const token = tokens[at++];
    if (token === undefined) fail(`expected a ${kind} id at the end`);
    const text = token!;
    if (["AND", "OR", "WITH"].includes(text.toUpperCase()) || text === "(" || text === ")") {
      fail(`expected a ${kind} id, found \`${text}\``);
    }
    if (kind === "license" && /^(LicenseRef-[A-Za-z0-9.-]+)$/.test(text)) return;
    if (!/^[A-Za-z0-9.-]+\+?$/.test(text)) fail(`\`${text}\` is not an SPDX id`);
    const bare = text.replace(/\+$/, "");
    const known = (kind === "license" ? LICENSES : EXCEPTIONS).get(bare.toLowerCase());
    if (known === undefined) {
      problems.push({
        severity: "warning",
        code: "license-unknown-id",
        message: `\`${bare}\` is not a known SPDX ${kind} id (gestvenv knows the common ones)`,
      });
    } else if (known !== bare) {
      problems.push({
        severity: "warning",
        code: "license-id-case",
        message: `SPDX id \`${bare}\` should be written \`${known}\``,
      });
    }
    const replacement = known === undefined ? undefined : DEPRECATED_IDS[known];
    if (replacement !== undefined) {
      problems.push({
        severity: "warning",
        code: "license-deprecated-id",
        message: `SPDX id \`${known}\` is deprecated; use \`${replacement}\``,
      });
    }
  };
  const primary = (): void => {
    if (tokens[at] === "(") {
      at++;
      or();
      if (tokens[at] !== ")") fail("missing `)`");
      at++;
      return;
    }
    id("license");
    if (isOp(tokens[at], "WITH")) {
      at++;
      id("exception");
    }
  };
  const and = (): void => {
    primary();
    while (isOp(tokens[at], "AND")) {
      at++;
      primary();
    }
  };
  const or = (): void => {
    and();
    while (isOp(tokens[at], "OR")) {
      at++;
      and();
    }
  };
  try {
    if (tokens.length === 0) fail("the expression is empty");
    or();
    if (at < tokens.length) fail(`unexpected \`${tokens[at]}\``);
  } catch (exc) {
    return [{
      severity: "error",
      code: "license-expression",
      message: `\`${expression}\` is not a valid SPDX license expression: ${
        exc instanceof Error ? exc.message : String(exc)
      }`,
    }];
  }
  return problems;
}
