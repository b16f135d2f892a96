/**
 * The custom JSON Schema formats validate-pyproject's `project_metadata.schema.json` uses, as
 * predicates over strings, implemented with our own PEP modules (validate-pyproject's
 * `formats.py` is the reference). The generated validator
 * (`project_schema_validator.generated.ts`) imports this map; so does the script that generates it.
 *
 * @module
 */
import { isValidProjectName, parseRequirement } from "../pep508/mod.ts";
import { parseSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import { checkLicenseExpression } from "./validate_spdx.ts";

const succeeds = (f: () => unknown): boolean => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUALIFIED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Format name → predicate (true when the string has the format). */
export const formats: Record<string, (value: string) => boolean> = {
  /** PEP 440 version. */
  "pep440": (v) => tryParseVersion(v) !== null,
  /** PEP 508 requirement. */
  "pep508": (v) => succeeds(() => parseRequirement(v)),
  /** PEP 508 name (project, extra). */
  "pep508-identifier": (v) => isValidProjectName(v),
  /** PEP 440 specifier set (`requires-python`). */
  "pep508-versionspec": (v) => !/[;@]/.test(v) && succeeds(() => parseSpecifierSet(v)),
  /** An absolute URL with a scheme. */
  "url": (v) => succeeds(() => new URL(v)) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v),
  /** An email address (the part validate-pyproject checks: one `@`, no blanks). */
  "idn-email": (v) => /^[^@\s]+@[^@\s]+$/.test(v),
  /** Entry point group: dotted identifiers. */
  "python-entrypoint-group": (v) => /^\w+(\.\w+)*$/.test(v),
  /** Entry point name: no `[`, `=`, leading or trailing blank. */
  "python-entrypoint-name": (v) => /^[^[\s=]([^=]*[^\s=])?$/.test(v),
  /** Entry point reference: `module.path[:object.attr] [extras]`. */
  "python-entrypoint-reference": (v) => {
    const m = /^([^:[\s]+)(?:\s*:\s*([^[\s]+))?\s*(\[[^\]]*\])?$/.exec(v.trim());
    return m !== null && QUALIFIED.test(m[1]!) && (m[2] === undefined || QUALIFIED.test(m[2]));
  },
  /** PEP 794 import name: a dotted identifier, optionally `; private`. */
  "import-name": (v) => {
    const [name, ...rest] = v.split(";");
    return name!.trim().split(".").every((p) => IDENTIFIER.test(p)) &&
      (rest.length === 0 || (rest.length === 1 && rest[0]!.trim() === "private"));
  },
  /** SPDX license expression (PEP 639): syntax only; unknown ids are warnings elsewhere. */
  "SPDX": (v) => checkLicenseExpression(v).every((p) => p.severity !== "error"),
  /**
   * Trove classifier: the shape `Topic :: Sub :: …` (or `Private :: …`). The list of known
   * classifiers is not embedded, so an unknown but well-formed classifier passes.
   */
  "trove-classifier": (v) => /^[^:\s](?:[^:]*[^:\s])?(?: :: [^:\s](?:[^:]*[^:\s])?)+$/.test(v),
};
