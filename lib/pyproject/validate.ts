/**
 * `gestvenv validate`: checks a pyproject.toml against PEP 621 (`[project]` structure and types,
 * written by hand after validate-pyproject's `project_metadata.schema.json`), PEP 508 (every
 * requirement), PEP 735 (`[dependency-groups]`), PEP 518 (`[build-system]`), PEP 639 (`license`),
 * PEP 440 (`version`, `requires-python`) and PEP 503 (names). The structural part of `[project]`
 * is checked twice: by validate-pyproject 0.27's `project_metadata.schema.json`, compiled by Ajv
 * standalone into `project_schema_validator.generated.ts` (`schema` diagnostics), and by our own
 * checks, which give precise codes; a schema finding at a path our checks already reported is
 * dropped.
 *
 * @module
 */
import { parse } from "npm:smol-toml@1.9.1";
import { isValidProjectName, normalizeName, parseRequirement } from "../pep508/mod.ts";
import type { Requirement } from "../pep508/mod.ts";
import {
  parseSpecifierSet,
  satisfiesSpecifierSet,
  type SpecifierSet,
  tryParseVersion,
} from "../pep440/mod.ts";
import { includeProblems, scanDependencyGroups } from "./dependency_groups.ts";
import { formatPath, type PathSegment, PositionFinder } from "./validate_positions.ts";
import { checkLicenseExpression } from "./validate_spdx.ts";
import { validate as generatedSchemaValidate } from "./project_schema_validator.generated.ts";

/** One Ajv error (the subset used here). */
interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: { additionalProperty?: string; missingProperty?: string };
}

/** The Ajv-standalone validator generated from validate-pyproject's schema. */
const schemaValidate = generatedSchemaValidate as unknown as
  & ((data: unknown) => boolean)
  & { errors?: SchemaError[] | null };

/** How serious a diagnostic is. `suggestion`s only appear with `suggest: true`. */
export type Severity = "error" | "warning" | "suggestion";

/** One finding of {@linkcode validatePyproject}. */
export interface Diagnostic {
  /** `error` makes the file invalid; `warning` too with `strict`. */
  severity: Severity;
  /** Stable kebab-case code, e.g. `invalid-requirement`, `group-cycle`. */
  code: string;
  /** What is wrong and, where useful, what to do. */
  message: string;
  /** TOML path of the value, e.g. `project.dependencies[2]` (empty for the whole file). */
  path: string;
  /** 1-based line in the file, when found. */
  line?: number;
  /** 1-based column in the file, when found. */
  column?: number;
}

/** Options of {@linkcode validatePyproject}. */
export interface ValidateOptions {
  /** Add `suggestion` diagnostics (missing `requires-python`, unpinned build requirements…). */
  suggest?: boolean;
  /** Warnings become errors. */
  strict?: boolean;
}

/** What {@linkcode validatePyproject} found. */
export interface ValidationResult {
  /** Whether the file is valid (no errors; with `strict`, no warnings either). */
  valid: boolean;
  /** Diagnostics in file order (those without a position last). */
  diagnostics: Diagnostic[];
}

/** PEP 621 `[project]` keys (validate-pyproject's schema: `additionalProperties: false`). */
const PROJECT_KEYS = new Set([
  "name",
  "version",
  "description",
  "readme",
  "requires-python",
  "license",
  "license-files",
  "authors",
  "maintainers",
  "keywords",
  "classifiers",
  "urls",
  "scripts",
  "gui-scripts",
  "entry-points",
  "dependencies",
  "optional-dependencies",
  "dynamic",
  "import-names",
  "import-namespaces",
]);

/** Keys that may be listed in `dynamic` (everything but `name`). */
const DYNAMIC_KEYS = new Set([...PROJECT_KEYS].filter((k) => k !== "name"));

const ENTRY_POINT = /^[\w.]+(?:\s*:\s*[\w.]+)?(?:\s*\[[^\]]*\])?$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

const typeName = (v: unknown): string =>
  Array.isArray(v) ? "array" : isTable(v) ? "table" : v instanceof Date ? "date" : typeof v;

/** The TOML parser's error position, when it gives one. */
function tomlErrorPosition(exc: unknown): { line?: number; column?: number } {
  const e = exc as { line?: unknown; column?: unknown };
  return typeof e?.line === "number" && typeof e?.column === "number"
    ? { line: e.line, column: e.column }
    : {};
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly #positions: PositionFinder;
  readonly #suggest: boolean;

  constructor(text: string, suggest: boolean) {
    this.#positions = new PositionFinder(text);
    this.#suggest = suggest;
  }

  report(
    severity: Severity,
    code: string,
    path: readonly PathSegment[],
    message: string,
    columnOffset = 0,
  ): void {
    if (severity === "suggestion" && !this.#suggest) return;
    const at = this.#positions.find(path);
    const diagnostic: Diagnostic = { severity, code, message, path: formatPath(path) };
    if (at !== undefined) {
      diagnostic.line = at.line;
      diagnostic.column = at.column + columnOffset;
    }
    this.diagnostics.push(diagnostic);
  }

  expect(value: unknown, kind: "string" | "array" | "table", path: PathSegment[]): boolean {
    const ok = kind === "string"
      ? typeof value === "string"
      : kind === "array"
      ? Array.isArray(value)
      : isTable(value);
    if (!ok) {
      this.report("error", "invalid-type", path, `must be a ${kind}, not a ${typeName(value)}`);
    }
    return ok;
  }

  stringArray(value: unknown, path: PathSegment[]): string[] {
    if (!this.expect(value, "array", path)) return [];
    const out: string[] = [];
    (value as unknown[]).forEach((item, i) => {
      if (this.expect(item, "string", [...path, i])) out.push(item as string);
    });
    return out;
  }

  stringTable(value: unknown, path: PathSegment[]): Table {
    if (!this.expect(value, "table", path)) return {};
    for (const [k, v] of Object.entries(value as Table)) this.expect(v, "string", [...path, k]);
    return value as Table;
  }

  /** PEP 508 requirements of one list, with duplicates. */
  requirements(value: unknown, path: PathSegment[]): void {
    if (!this.expect(value, "array", path)) return;
    const seen = new Map<string, { index: number; req: Requirement }>();
    (value as unknown[]).forEach((item, i) => {
      const at = [...path, i];
      if (!this.expect(item, "string", at)) return;
      this.requirement(item as string, at, seen);
    });
  }

  requirement(
    text: string,
    at: PathSegment[],
    seen: Map<string, { index: number; req: Requirement }>,
  ): Requirement | undefined {
    let req: Requirement;
    try {
      req = parseRequirement(text);
    } catch (exc) {
      const message = exc instanceof Error ? exc.message : String(exc);
      const column = /at column (\d+)/.exec(message);
      // The column inside the string, when the string has no escapes (1 for its quote).
      const offset = column !== null && !text.includes("\\") ? Number(column[1]) : 0;
      this.report(
        "error",
        "invalid-requirement",
        at,
        `invalid PEP 508 requirement: ${message}`,
        offset,
      );
      return undefined;
    }
    const index = at[at.length - 1] as number;
    const key = `${req.normalizedName}|${req.marker === null ? "" : JSON.stringify(req.marker)}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const same = JSON.stringify(earlier.req.specifier) === JSON.stringify(req.specifier) &&
        earlier.req.url === req.url;
      this.report(
        "warning",
        same ? "duplicate-requirement" : "conflicting-requirement",
        at,
        same
          ? `\`${req.name}\` is already listed at index ${earlier.index}`
          : `\`${req.name}\` is listed again with a different requirement (index ${earlier.index}); merge them into one`,
      );
    } else {
      seen.set(key, { index, req });
    }
    return req;
  }
}

function checkProject(c: Checker, project: Table): void {
  const p = (k: string): PathSegment[] => ["project", k];
  for (const key of Object.keys(project)) {
    if (!PROJECT_KEYS.has(key)) {
      c.report("error", "unknown-key", p(key), `\`${key}\` is not a PEP 621 [project] key`);
    }
  }
  const dynamic = new Set<string>();
  if (project.dynamic !== undefined) {
    c.stringArray(project.dynamic, p("dynamic")).forEach((k, i) => {
      if (k === "name") {
        c.report(
          "error",
          "dynamic-name",
          [...p("dynamic"), i],
          "`name` cannot be dynamic (PEP 621)",
        );
      } else if (!DYNAMIC_KEYS.has(k)) {
        c.report("error", "unknown-key", [...p("dynamic"), i], `\`${k}\` is not a [project] key`);
      } else if (project[k] !== undefined) {
        c.report(
          "error",
          "dynamic-conflict",
          p(k),
          `\`${k}\` is listed in \`dynamic\` and also given a value; do one or the other`,
        );
      }
      dynamic.add(k);
    });
  }
  // name
  if (project.name === undefined) {
    c.report("error", "missing-field", ["project"], "`project.name` is required");
  } else if (c.expect(project.name, "string", p("name"))) {
    const name = project.name as string;
    if (!isValidProjectName(name)) {
      c.report(
        "error",
        "invalid-name",
        p("name"),
        `\`${name}\` is not a valid project name (PEP 508)`,
      );
    } else if (normalizeName(name) !== name) {
      c.report(
        "suggestion",
        "suggest-normalized-name",
        p("name"),
        `the normalized form of \`${name}\` is \`${normalizeName(name)}\` (PEP 503)`,
      );
    }
  }
  // version
  if (project.version === undefined) {
    if (!dynamic.has("version")) {
      c.report(
        "error",
        "missing-field",
        ["project"],
        "`project.version` is required unless listed in `dynamic`",
      );
    }
  } else if (c.expect(project.version, "string", p("version"))) {
    if (tryParseVersion(project.version as string) === null) {
      c.report(
        "error",
        "invalid-version",
        p("version"),
        `\`${project.version}\` is not a valid PEP 440 version`,
      );
    }
  }
  if (project.description !== undefined) c.expect(project.description, "string", p("description"));
  checkReadme(c, project.readme, dynamic.has("readme"));
  const requiresPython = checkRequiresPython(c, project["requires-python"], dynamic);
  checkLicense(c, project);
  for (const key of ["authors", "maintainers"]) {
    if (project[key] === undefined) continue;
    if (!c.expect(project[key], "array", p(key))) continue;
    (project[key] as unknown[]).forEach((person, i) => {
      const at = [...p(key), i];
      if (!c.expect(person, "table", at)) return;
      for (const [k, v] of Object.entries(person as Table)) {
        if (k !== "name" && k !== "email") {
          c.report(
            "error",
            "unknown-key",
            [...at, k],
            `\`${k}\` is not allowed (only name, email)`,
          );
        } else if (c.expect(v, "string", [...at, k]) && k === "email" && !EMAIL.test(v as string)) {
          c.report("error", "invalid-email", [...at, k], `\`${v}\` is not an email address`);
        }
      }
    });
  }
  if (project.keywords !== undefined) c.stringArray(project.keywords, p("keywords"));
  const classifiers = project.classifiers === undefined
    ? []
    : c.stringArray(project.classifiers, p("classifiers"));
  checkClassifiers(c, classifiers, requiresPython, typeof project.license === "string");
  if (project.urls !== undefined) c.stringTable(project.urls, p("urls"));
  for (const key of ["scripts", "gui-scripts"]) {
    if (project[key] === undefined) continue;
    for (const [name, ref] of Object.entries(c.stringTable(project[key], p(key)))) {
      if (typeof ref === "string" && !ENTRY_POINT.test(ref.trim())) {
        c.report(
          "error",
          "invalid-entry-point",
          [...p(key), name],
          `\`${ref}\` is not an entry point reference (\`module:object\`)`,
        );
      }
    }
  }
  if (
    project["entry-points"] !== undefined &&
    c.expect(project["entry-points"], "table", p("entry-points"))
  ) {
    for (const [group, entries] of Object.entries(project["entry-points"] as Table)) {
      const at = [...p("entry-points"), group];
      if (group === "console_scripts" || group === "gui_scripts") {
        c.report(
          "error",
          "entry-point-group",
          at,
          `use \`[project.${
            group === "console_scripts" ? "scripts" : "gui-scripts"
          }]\`, not entry-points.${group} (PEP 621)`,
        );
      }
      c.stringTable(entries, at);
    }
  }
  if (project.dependencies !== undefined) c.requirements(project.dependencies, p("dependencies"));
  const extras = project["optional-dependencies"];
  if (extras !== undefined && c.expect(extras, "table", p("optional-dependencies"))) {
    for (const [extra, reqs] of Object.entries(extras as Table)) {
      const at = [...p("optional-dependencies"), extra];
      if (!isValidProjectName(extra)) {
        c.report("error", "invalid-extra", at, `\`${extra}\` is not a valid extra name (PEP 685)`);
      }
      c.requirements(reqs, at);
    }
  }
  if (
    c.diagnostics.every((d) => d.code !== "missing-field") &&
    project["requires-python"] === undefined && !dynamic.has("requires-python")
  ) {
    c.report(
      "suggestion",
      "suggest-requires-python",
      ["project"],
      "add `requires-python` (e.g. `>=3.10`) so installers pick a compatible interpreter",
    );
  }
  if (project.readme === undefined && !dynamic.has("readme")) {
    c.report("suggestion", "suggest-readme", ["project"], 'add `readme = "README.md"`');
  }
}

/** `/authors/0/name` → `["project", "authors", 0, "name"]`. */
function pointerToPath(pointer: string): PathSegment[] {
  const parts = pointer === "" ? [] : pointer.slice(1).split("/");
  return [
    "project",
    ...parts.map((p) => {
      const key = p.replaceAll("~1", "/").replaceAll("~0", "~");
      return /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : key;
    }),
  ];
}

/** Runs validate-pyproject's schema over `[project]` and reports what our checks did not. */
function checkSchema(c: Checker, project: unknown): void {
  if (schemaValidate(project)) return;
  const own = c.diagnostics.filter((d) => d.severity === "error").map((d) => d.path);
  const related = (a: string, b: string) =>
    a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) ||
    b.startsWith(`${a}[`);
  const reported = new Set<string>();
  for (const error of schemaValidate.errors ?? []) {
    const path = pointerToPath(error.instancePath);
    const extra = error.params.additionalProperty ?? error.params.missingProperty;
    if (extra !== undefined) path.push(extra);
    const text = formatPath(path);
    if (reported.has(text) || own.some((p) => related(p, text))) continue;
    reported.add(text);
    c.report(
      "error",
      "schema",
      path,
      `${error.message ?? error.keyword}${
        error.params.additionalProperty === undefined
          ? ""
          : ` (\`${error.params.additionalProperty}\`)`
      } (validate-pyproject's PEP 621 schema)`,
    );
  }
}

function checkReadme(c: Checker, readme: unknown, dynamic: boolean): void {
  const at: PathSegment[] = ["project", "readme"];
  if (readme === undefined || dynamic) return;
  if (typeof readme === "string") {
    if (!/\.(md|markdown|rst|txt)$/i.test(readme)) {
      c.report(
        "warning",
        "readme-content-type",
        at,
        `cannot tell the content type of \`${readme}\` (use .md, .rst or .txt, or a table with content-type)`,
      );
    }
    return;
  }
  if (!isTable(readme)) {
    c.report("error", "invalid-type", at, `must be a string or a table, not a ${typeName(readme)}`);
    return;
  }
  for (const k of Object.keys(readme)) {
    if (!["file", "text", "content-type"].includes(k)) {
      c.report("error", "unknown-key", [...at, k], `\`${k}\` is not allowed in readme`);
    }
  }
  if ((readme.file === undefined) === (readme.text === undefined)) {
    c.report("error", "readme-file-or-text", at, "readme needs exactly one of `file` and `text`");
  }
  for (const k of ["file", "text"]) {
    if (readme[k] !== undefined) c.expect(readme[k], "string", [...at, k]);
  }
  if (readme["content-type"] === undefined) {
    c.report("error", "missing-field", at, "a readme table needs `content-type`");
  } else c.expect(readme["content-type"], "string", [...at, "content-type"]);
}

function checkRequiresPython(
  c: Checker,
  value: unknown,
  dynamic: Set<string>,
): SpecifierSet | undefined {
  const at: PathSegment[] = ["project", "requires-python"];
  if (value === undefined || dynamic.has("requires-python")) return undefined;
  if (!c.expect(value, "string", at)) return undefined;
  try {
    return parseSpecifierSet(value as string);
  } catch (exc) {
    c.report(
      "error",
      "invalid-specifier",
      at,
      `\`${value}\` is not a PEP 440 specifier set: ${exc instanceof Error ? exc.message : exc}`,
    );
    return undefined;
  }
}

function checkLicense(c: Checker, project: Table): void {
  const at: PathSegment[] = ["project", "license"];
  const license = project.license;
  if (typeof license === "string") {
    for (const problem of checkLicenseExpression(license)) {
      c.report(problem.severity, problem.code, at, problem.message);
    }
  } else if (isTable(license)) {
    const keys = Object.keys(license);
    if (keys.length !== 1 || !["file", "text"].includes(keys[0]!)) {
      c.report(
        "error",
        "invalid-license",
        at,
        "a license table holds exactly one of `file` and `text`",
      );
    } else {
      c.expect(license[keys[0]!], "string", [...at, keys[0]!]);
    }
    c.report(
      "warning",
      "license-table-deprecated",
      at,
      "`license = { file | text }` is deprecated (PEP 639): use an SPDX expression and `license-files`",
    );
    c.report(
      "suggestion",
      "suggest-license-expression",
      at,
      'replace the table with an SPDX expression, e.g. `license = "MIT"`, and `license-files = ["LICENSE"]`',
    );
    if (project["license-files"] !== undefined) {
      c.report(
        "error",
        "license-files-with-table",
        ["project", "license-files"],
        "`license-files` cannot be used with a license table (PEP 639)",
      );
    }
  } else if (license !== undefined) {
    c.report(
      "error",
      "invalid-type",
      at,
      `must be a string or a table, not a ${typeName(license)}`,
    );
  }
  if (project["license-files"] !== undefined) {
    c.stringArray(project["license-files"], ["project", "license-files"]).forEach((glob, i) => {
      if (glob.startsWith("/") || glob.split("/").includes("..")) {
        c.report(
          "error",
          "invalid-license-files",
          ["project", "license-files", i],
          `\`${glob}\` must be a relative path inside the project (PEP 639)`,
        );
      }
    });
  }
}

function checkClassifiers(
  c: Checker,
  classifiers: string[],
  requiresPython: SpecifierSet | undefined,
  licenseExpression: boolean,
): void {
  classifiers.forEach((classifier, i) => {
    const at: PathSegment[] = ["project", "classifiers", i];
    if (licenseExpression && classifier.startsWith("License ::")) {
      c.report(
        "error",
        "license-classifier",
        at,
        "License classifiers are not allowed with a license expression (PEP 639); remove it",
      );
    }
    const m = /^Programming Language :: Python :: (\d+)\.(\d+)$/.exec(classifier);
    if (m === null || requiresPython === undefined) return;
    const lowest = tryParseVersion(`${m[1]}.${m[2]}.0`)!;
    const highest = tryParseVersion(`${m[1]}.${m[2]}.9999`)!;
    if (
      !satisfiesSpecifierSet(lowest, requiresPython) &&
      !satisfiesSpecifierSet(highest, requiresPython)
    ) {
      c.report(
        "warning",
        "python-classifier-mismatch",
        at,
        `Python ${m[1]}.${m[2]} is listed as supported but \`requires-python\` excludes it`,
      );
    }
  });
}

function checkDependencyGroups(c: Checker, value: unknown): void {
  const root: PathSegment[] = ["dependency-groups"];
  if (!c.expect(value, "table", root)) return;
  const { groups, problems } = scanDependencyGroups(value);
  for (const problem of problems) {
    if (problem.kind === "not-table") continue; // Reported above.
    const at = [...root, problem.name];
    if (problem.kind === "duplicate") {
      c.report(
        "error",
        "duplicate-group",
        at,
        `\`${problem.name}\` and \`${problem.earlier}\` are the same group after normalization (PEP 735)`,
      );
    } else if (problem.kind === "not-list") {
      c.expect(problem.value, "array", at);
    } else if (problem.kind === "bad-include") {
      c.report(
        "error",
        "invalid-group-item",
        [...at, problem.index],
        'a group item is a requirement string or `{ include-group = "NAME" }` (PEP 735)',
      );
    } else {
      c.report(
        "error",
        "invalid-type",
        [...at, problem.index],
        `must be a string or a table, not a ${typeName(problem.value)}`,
      );
    }
  }
  const includes = new Map<string, { target: string; at: PathSegment[] }[]>();
  for (const group of groups) {
    const at = [...root, group.name];
    if (!isValidProjectName(group.name)) {
      c.report(
        "error",
        "invalid-group-name",
        at,
        `\`${group.name}\` is not a valid group name (PEP 735)`,
      );
    }
    const mine: { target: string; at: PathSegment[] }[] = [];
    includes.set(group.key, mine);
    const seen = new Map<string, { index: number; req: Requirement }>();
    for (const item of group.items) {
      const itemAt = [...at, item.index];
      if (item.kind === "requirement") c.requirement(item.text, itemAt, seen);
      else mine.push({ target: normalizeName(item.group), at: itemAt });
    }
  }
  const graph = new Map([...includes].map(([g, list]) => [g, list.map((i) => i.target)]));
  for (const problem of includeProblems(graph)) {
    const inc = includes.get(problem.group)![problem.index]!;
    if (problem.kind === "unknown") {
      c.report("error", "group-unknown-include", inc.at, `group \`${inc.target}\` does not exist`);
    } else {
      c.report(
        "error",
        "group-cycle",
        inc.at,
        `include-group cycle: ${problem.cycle.join(" -> ")}`,
      );
    }
  }
}

function checkBuildSystem(c: Checker, build: unknown): void {
  const at: PathSegment[] = ["build-system"];
  if (build === undefined) {
    c.report(
      "warning",
      "build-system-missing",
      [],
      "no [build-system] table: installers fall back to setuptools (PEP 518)",
    );
    c.report(
      "suggestion",
      "suggest-build-system",
      [],
      'add `[build-system]` with `requires = ["hatchling>=1.26"]` and `build-backend = "hatchling.build"`',
    );
    return;
  }
  if (!c.expect(build, "table", at)) return;
  const table = build as Table;
  for (const key of Object.keys(table)) {
    if (!["requires", "build-backend", "backend-path"].includes(key)) {
      c.report("error", "unknown-key", [...at, key], `\`${key}\` is not a [build-system] key`);
    }
  }
  if (table.requires === undefined) {
    c.report("error", "missing-field", at, "`build-system.requires` is required (PEP 518)");
  } else {
    c.requirements(table.requires, [...at, "requires"]);
    if (Array.isArray(table.requires)) {
      table.requires.forEach((item, i) => {
        if (typeof item !== "string") return;
        try {
          const req = parseRequirement(item);
          if (req.url === null && req.specifier.specifiers.length === 0) {
            c.report(
              "suggestion",
              "suggest-pin-build-requirement",
              [...at, "requires", i],
              `give \`${req.name}\` a lower bound (e.g. \`${req.name}>=X.Y\`) so builds are reproducible`,
            );
          }
        } catch {
          // already reported as invalid-requirement
        }
      });
    }
  }
  if (table["build-backend"] !== undefined) {
    if (
      c.expect(table["build-backend"], "string", [...at, "build-backend"]) &&
      !ENTRY_POINT.test(table["build-backend"] as string)
    ) {
      c.report(
        "error",
        "invalid-build-backend",
        [...at, "build-backend"],
        `\`${
          table["build-backend"]
        }\` is not an object reference (\`module\` or \`module:object\`)`,
      );
    }
  }
  if (table["backend-path"] !== undefined) {
    c.stringArray(table["backend-path"], [...at, "backend-path"]);
  }
}

/**
 * Validates a pyproject.toml document.
 *
 * @param text The file's content.
 * @param options `suggest` adds suggestions; `strict` counts warnings as errors.
 * @returns The diagnostics (with paths like `project.dependencies[2]` and 1-based line and
 *   column where found) and whether the document is valid. A TOML syntax error is one `toml-syntax`
 *   error diagnostic. Never throws for bad input.
 */
export function validatePyproject(text: string, options: ValidateOptions = {}): ValidationResult {
  const c = new Checker(text, options.suggest ?? false);
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (exc) {
    const message = exc instanceof Error ? exc.message.split("\n")[0]! : String(exc);
    const d: Diagnostic = {
      severity: "error",
      code: "toml-syntax",
      message: `not valid TOML: ${message}`,
      path: "",
      ...tomlErrorPosition(exc),
    };
    return { valid: false, diagnostics: [d] };
  }
  if (doc.project === undefined) {
    c.report(
      "warning",
      "project-missing",
      [],
      "no [project] table (PEP 621): this file declares no package metadata",
    );
  } else if (c.expect(doc.project, "table", ["project"])) {
    checkProject(c, doc.project as Table);
    checkSchema(c, doc.project);
  }
  if (doc["dependency-groups"] !== undefined) checkDependencyGroups(c, doc["dependency-groups"]);
  checkBuildSystem(c, doc["build-system"]);
  const order = (d: Diagnostic) => (d.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (d.column ?? 0);
  const diagnostics = c.diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => order(a.d) - order(b.d) || a.i - b.i)
    .map(({ d }) =>
      options.strict && d.severity === "warning" ? { ...d, severity: "error" as const } : d
    );
  return { valid: diagnostics.every((d) => d.severity !== "error"), diagnostics };
}
