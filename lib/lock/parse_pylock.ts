/**
 * Reading a `pylock.toml` (PEP 751, lock-version 1.x) and validating every field gestvenv uses,
 * because a lock may come from anywhere: names (PEP 508 "Names"), versions (PEP 440), markers
 * (PEP 508), file names (a wheel or sdist of that package and version), URLs (`http`, `https`,
 * `file`; credentials removed), hashes (hex; `sha256` is 64 digits), sizes, upload times,
 * directory paths (resolved against the lock file's directory, PEP 751 `packages.directory.path`)
 * and gestvenv's own `[tool.gestvenv]` requirements. No field with a control character (a
 * newline) is accepted, and no value the parser returns can be read as a command-line option.
 *
 * @module
 */
import { parse, TomlDate } from "npm:smol-toml@1.9.1";
import { InvalidSyntaxError } from "../errors/mod.ts";
import { artifactUrlProblem } from "../index/mod.ts";
import { isValidProjectName, normalizeName } from "../names/mod.ts";
import { absolute, dirname, join, normalize } from "../paths/mod.ts";
import { parseSpecifierSet, tryParseVersion, versionsEqual } from "../pep440/mod.ts";
import { parseMarker } from "../pep508/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { type Pylock, type PylockFile, type PylockPackage, TOML_DATETIME } from "./pylock.ts";

/** Options for {@linkcode parsePylock}. */
export interface ParsePylockOptions {
  /**
   * Directory that relative `path`s are relative to (PEP 751: the lock file's directory).
   * @default the directory of `source`, made absolute against the current directory
   */
  baseDir?: string;
}

const HINT =
  "The lock was edited or made by a tool gestvenv cannot trust; fix that field or lock again " +
  "(`gestvenv lock`)";

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Characters shown escaped in messages: controls, and bidi overrides that reorder a terminal line.
const UNPRINTABLE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A value as a message shows it: quoted, escaped, at most 200 characters. */
function show(value: string): string {
  const chars = Array.from(value);
  const text = chars.length > 200 ? chars.slice(0, 199).join("") + "…" : value;
  return '"' + text.replace(/["\\]/g, "\\$&").replace(UNPRINTABLE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  }) + '"';
}

/** A URL-like value as a message shows it: any `user:password@` removed first. */
function showUrl(value: string): string {
  return show(value.replace(/(\/\/)[^/@]*@/g, "$1"));
}

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Where in the lock a value is: the file, and the package entry when inside one. */
class Where {
  constructor(readonly source: string, readonly pkg?: string) {}

  fail(field: string, problem: string): never {
    const at = this.pkg === undefined ? field : `${this.pkg}, ${field}`;
    throw new InvalidSyntaxError(`${at}: ${problem}`, this.source, { hint: HINT });
  }

  string(v: unknown, field: string): string {
    if (typeof v !== "string") this.fail(field, `must be a string, not ${describe(v)}`);
    if (CONTROL.test(v)) this.fail(field, `${show(v)} contains a control character`);
    return v;
  }

  optionalString(v: unknown, field: string): string | undefined {
    return v === undefined ? undefined : this.string(v, field);
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (v instanceof Date) return "a date";
  if (v === null) return "null";
  if (typeof v === "object") return "a table";
  return `a ${typeof v}`;
}

function packageName(w: Where, v: unknown, field: string): string {
  const name = w.string(v, field);
  if (!isValidProjectName(name)) {
    w.fail(field, `${show(name)} is not a valid package name (PEP 508: letters, digits, . _ -)`);
  }
  return name;
}

function version(w: Where, v: unknown, field: string): string {
  const text = w.string(v, field);
  if (!/^[\x21-\x7e]+$/.test(text) || tryParseVersion(text) === null) {
    w.fail(field, `${show(text)} is not a PEP 440 version`);
  }
  return text;
}

function marker(w: Where, v: unknown, field: string): string {
  const text = w.string(v, field);
  try {
    parseMarker(text);
  } catch (error) {
    if (!(error instanceof InvalidSyntaxError)) throw error;
    w.fail(field, `${show(text)} is not a PEP 508 marker (${error.message})`);
  }
  return text;
}

function specifiers(w: Where, v: unknown, field: string): string {
  const text = w.string(v, field);
  try {
    parseSpecifierSet(text);
  } catch (error) {
    if (!(error instanceof InvalidSyntaxError)) throw error;
    w.fail(field, `${show(text)} is not a PEP 440 specifier set`);
  }
  return text;
}

/** A URL we may fetch from, in its parsed form, credentials removed. */
function url(w: Where, v: unknown, field: string): string {
  if (typeof v !== "string") w.fail(field, `must be a string, not ${describe(v)}`);
  const problem = artifactUrlProblem(v);
  if (problem !== null) w.fail(field, `${showUrl(v)} ${problem}`);
  // The parsed form: scheme and host lowercased, so later checks (`file:`) see what is fetched.
  const parsed = new URL(v);
  parsed.username = "";
  parsed.password = "";
  return parsed.href;
}

/** A local path (relative ones against `baseDir`), absolute and normalized. */
function localPath(w: Where, v: unknown, field: string, baseDir: string): string {
  const text = w.string(v, field);
  if (text === "") w.fail(field, "is empty");
  return /^([a-zA-Z]:[\\/]|[\\/])/.test(text) ? normalize(text) : join(baseDir, text);
}

function fileUrl(path: string): string {
  return "file://" + path.split("/").map((s) => encodeURIComponent(s)).join("/");
}

function size(w: Where, v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === "bigint" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    w.fail(field, "must be a whole number of bytes");
  }
  return n;
}

function uploadTime(w: Where, v: unknown, field: string): string | undefined {
  if (v === undefined) return undefined;
  if (v instanceof TomlDate && v.isDateTime() && !Number.isNaN(v.getTime())) {
    return v.toISOString();
  }
  if (typeof v === "string" && TOML_DATETIME.test(v)) return v;
  return w.fail(field, "must be an RFC 3339 date-time");
}

function hashes(w: Where, v: unknown, field: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (v === undefined) return out;
  if (!isTable(v)) w.fail(field, `must be a table of algorithm = "hex digest", not ${describe(v)}`);
  for (const [key, value] of Object.entries(v)) {
    const algo = key.toLowerCase();
    if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(algo)) w.fail(field, `${show(key)} is not a hash name`);
    const digest = w.string(value, `${field}.${key}`).toLowerCase();
    if (!/^[0-9a-f]+$/.test(digest)) {
      w.fail(`${field}.${key}`, `${show(digest)} is not a hex digest`);
    }
    if (algo === "sha256" && digest.length !== 64) {
      w.fail(`${field}.${key}`, `${show(digest)} is not 64 hex digits`);
    }
    out[algo] = digest;
  }
  return out;
}

/** Checks that `filename` is a wheel (or sdist) file name of the package and version. */
function distFilename(
  w: Where,
  filename: string,
  field: string,
  kind: "wheel" | "sdist",
  pkg: { name: string; version: string | undefined },
): void {
  if (/[/\\]/.test(filename) || /\s/.test(filename) || filename.startsWith("-")) {
    w.fail(field, `${show(filename)} is not a file name`);
  }
  const parsed = kind === "wheel"
    ? tryParseWheelFilename(filename)
    : tryParseSdistFilename(filename, pkg.name);
  const what = `${pkg.name}${pkg.version === undefined ? "" : ` ${pkg.version}`}`;
  if (parsed === null || parsed.name !== normalizeName(pkg.name)) {
    w.fail(
      field,
      `${show(filename)} is not ${kind === "wheel" ? "a wheel" : "an sdist"} of ${what}`,
    );
  }
  const wanted = pkg.version === undefined ? null : tryParseVersion(pkg.version);
  if (wanted !== null && !versionsEqual(parsed.version, wanted)) {
    w.fail(
      field,
      `${show(filename)} is not ${kind === "wheel" ? "a wheel" : "an sdist"} of ${what}`,
    );
  }
}

function readFile(
  w: Where,
  v: unknown,
  field: string,
  kind: "wheel" | "sdist",
  pkg: { name: string; version: string | undefined },
  baseDir: string,
): PylockFile {
  if (!isTable(v)) w.fail(field, `must be a table, not ${describe(v)}`);
  let location: string;
  if (v.url !== undefined) location = url(w, v.url, `${field}.url`);
  else if (v.path !== undefined) location = fileUrl(localPath(w, v.path, `${field}.path`, baseDir));
  else w.fail(field, "has neither `url` nor `path`");
  let name = w.optionalString(v.name, `${field}.name`);
  if (name === undefined) {
    const last = new URL(location).pathname.split("/").pop() ?? "";
    try {
      name = decodeURIComponent(last);
    } catch {
      w.fail(`${field}.url`, `${showUrl(location)} does not end with a file name`);
    }
    if (CONTROL.test(name)) w.fail(`${field}.url`, `${showUrl(location)} has a control character`);
  }
  distFilename(w, name, `${field}.name`, kind, pkg);
  // A local file must be the named wheel or sdist, not any file the lock points at.
  if (
    location.startsWith("file:") &&
    decodeURIComponent(new URL(location).pathname.split("/").pop() ?? "") !== name
  ) {
    w.fail(
      v.url !== undefined ? `${field}.url` : `${field}.path`,
      `${showUrl(location)} does not end with the file name ${show(name)}`,
    );
  }
  const bytes = size(w, v.size, `${field}.size`);
  const uploaded = uploadTime(w, v["upload-time"], `${field}.upload-time`);
  return {
    name,
    url: location,
    ...(bytes !== undefined ? { size: bytes } : {}),
    ...(uploaded !== undefined ? { uploadTime: uploaded } : {}),
    hashes: hashes(w, v.hashes, `${field}.hashes`),
  };
}

function readDirectory(w: Where, v: unknown, baseDir: string): PylockPackage["directory"] {
  if (!isTable(v)) w.fail("directory", `must be a table, not ${describe(v)}`);
  let path = localPath(w, v.path, "directory.path", baseDir);
  if (v.editable !== undefined && typeof v.editable !== "boolean") {
    w.fail("directory.editable", `must be true or false, not ${describe(v.editable)}`);
  }
  const sub = w.optionalString(v.subdirectory, "directory.subdirectory");
  if (sub !== undefined) {
    if (/^([a-zA-Z]:|[\\/])/.test(sub) || sub.split(/[\\/]/).includes("..")) {
      w.fail("directory.subdirectory", `${show(sub)} must be a relative path inside the directory`);
    }
    path = join(path, sub);
  }
  return { path, editable: v.editable === true };
}

function readPackage(p: unknown, i: number, source: string, baseDir: string): PylockPackage {
  const at: Where = new Where(source, `packages[${i}]`);
  if (!isTable(p)) at.fail("packages", `must be a table, not ${describe(p)}`);
  const name = packageName(at, p.name, "name");
  const w: Where = new Where(source, `package ${name} (packages[${i}])`);
  const ver = p.version === undefined ? undefined : version(w, p.version, "version");
  for (const kind of ["vcs", "archive"]) {
    if (p[kind] !== undefined) {
      w.fail(
        kind,
        `\`${kind}\` sources are not supported; gestvenv installs wheels, sdists and directories from a lock`,
      );
    }
  }
  const deps = p.dependencies ?? [];
  if (!Array.isArray(deps)) w.fail("dependencies", `must be an array, not ${describe(deps)}`);
  const dependencies = deps.map((d, j) => {
    if (!isTable(d)) w.fail(`dependencies[${j}]`, `must be a table, not ${describe(d)}`);
    return packageName(w, d.name, `dependencies[${j}].name`);
  });
  const wheelsIn = p.wheels ?? [];
  if (!Array.isArray(wheelsIn)) w.fail("wheels", `must be an array, not ${describe(wheelsIn)}`);
  const id = { name, version: ver };
  const wheels = wheelsIn.map((x, j) => readFile(w, x, `wheels[${j}]`, "wheel", id, baseDir));
  const sdist = p.sdist === undefined
    ? undefined
    : readFile(w, p.sdist, "sdist", "sdist", id, baseDir);
  const directory = p.directory === undefined ? undefined : readDirectory(w, p.directory, baseDir);
  if (directory !== undefined && (wheels.length > 0 || sdist !== undefined)) {
    w.fail("directory", "cannot be combined with `wheels` or `sdist` in one package");
  }
  const mark = p.marker === undefined ? undefined : marker(w, p.marker, "marker");
  const rp = p["requires-python"] === undefined
    ? undefined
    : specifiers(w, p["requires-python"], "requires-python");
  const index = p.index === undefined ? undefined : url(w, p.index, "index");
  return {
    name,
    ...(ver !== undefined ? { version: ver } : {}),
    ...(mark !== undefined ? { marker: mark } : {}),
    ...(rp !== undefined ? { requiresPython: rp } : {}),
    ...(index !== undefined ? { index } : {}),
    dependencies,
    wheels,
    ...(sdist !== undefined ? { sdist } : {}),
    ...(directory !== undefined ? { directory } : {}),
  };
}

/**
 * A requirement gestvenv recorded: PEP 508, a path or URL the user installed, or `-e PATH`.
 * Nothing that reads as a command-line option (another command may pass these to pip).
 */
function requirement(w: Where, v: unknown, field: string): string {
  const text = w.string(v, field);
  const target = text.startsWith("-e ") ? text.slice(3).trim() : text;
  if (target === "" || target.startsWith("-")) {
    w.fail(field, `${show(text)} is not a requirement (it reads as an option)`);
  }
  return text;
}

function readTool(w: Where, doc: Table): Pylock["gestvenv"] {
  const tool = doc.tool;
  if (tool === undefined) return undefined;
  if (!isTable(tool)) w.fail("tool", `must be a table, not ${describe(tool)}`);
  const own = tool.gestvenv;
  if (own === undefined) return undefined;
  if (!isTable(own)) w.fail("tool.gestvenv", `must be a table, not ${describe(own)}`);
  const reqs = own.requirements ?? [];
  if (!Array.isArray(reqs)) w.fail("tool.gestvenv.requirements", "must be an array");
  const python = w.optionalString(own.python, "tool.gestvenv.python");
  if (python !== undefined && !/^[0-9][0-9A-Za-z.+-]*$/.test(python)) {
    w.fail("tool.gestvenv.python", `${show(python)} is not a Python version`);
  }
  const env = w.optionalString(own.environment, "tool.gestvenv.environment");
  const from = w.optionalString(own["resolved-from"], "tool.gestvenv.resolved-from");
  if (from !== undefined && from !== "cache") {
    w.fail("tool.gestvenv.resolved-from", `${show(from)} is not \`cache\``);
  }
  const names = (key: "groups" | "extras"): string[] | undefined => {
    const list = own[key];
    if (list === undefined) return undefined;
    if (!Array.isArray(list)) w.fail(`tool.gestvenv.${key}`, "must be an array");
    return list.map((v, i) => {
      const name = w.string(v, `tool.gestvenv.${key}[${i}]`);
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
        w.fail(`tool.gestvenv.${key}[${i}]`, `${show(name)} is not a normalized name`);
      }
      return name;
    });
  };
  const groups = names("groups");
  const extras = names("extras");
  const inputs = w.optionalString(own.inputs, "tool.gestvenv.inputs");
  if (inputs !== undefined && !/^[0-9a-f]{64}$/.test(inputs)) {
    w.fail("tool.gestvenv.inputs", `${show(inputs)} is not a sha256 (64 hex digits)`);
  }
  return {
    requirements: reqs.map((r, i) => requirement(w, r, `tool.gestvenv.requirements[${i}]`)),
    ...(python !== undefined ? { python } : {}),
    ...(env !== undefined ? { environment: env } : {}),
    ...(from !== undefined ? { resolvedFrom: "cache" as const } : {}),
    ...(groups !== undefined ? { groups } : {}),
    ...(extras !== undefined ? { extras } : {}),
    ...(inputs !== undefined ? { inputs } : {}),
  };
}

/**
 * Parses and validates a `pylock.toml`. Relative paths are resolved (PEP 751: against the lock
 * file's directory) and credentials are removed from URLs, so the result can be written elsewhere
 * (an environment's own lock) and still mean the same files.
 * @param source The lock file's path, for errors and for relative paths.
 * @throws {InvalidSyntaxError} (exit 2) on invalid TOML, an unsupported `lock-version`, or any
 *   field that fails validation; the message names the lock, the package and the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePylock } from "@gestvenv/gestvenv/lock";
 *
 * const lock = parsePylock(
 *   [
 *     'lock-version = "1.0"',
 *     'created-by = "uv"',
 *     "[[packages]]",
 *     'name = "idna"',
 *     'version = "3.7"',
 *     'wheels = [{ url = "https://example.org/idna-3.7-py3-none-any.whl", ' +
 *     `hashes = { sha256 = "${"a".repeat(64)}" } }]`,
 *   ].join("\n"),
 *   "/work/pylock.toml",
 * );
 * assert.equal(lock.packages[0]?.wheels[0]?.name, "idna-3.7-py3-none-any.whl");
 * // An unsupported lock version is refused, naming the file.
 * assert.throws(() => parsePylock('lock-version = "2.0"', "/work/pylock.toml"), /pylock\.toml/);
 * ```
 */
export function parsePylock(
  text: string,
  source = "pylock.toml",
  options: ParsePylockOptions = {},
): Pylock {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (error) {
    throw new InvalidSyntaxError(`invalid TOML: ${(error as Error).message}`, source);
  }
  const w: Where = new Where(source);
  const lockVersion = String(doc["lock-version"] ?? "");
  if (!/^1(\.\d+)?$/.test(lockVersion)) {
    throw new InvalidSyntaxError(
      `unsupported lock-version \`${lockVersion}\` (gestvenv reads 1.x)`,
      source,
    );
  }
  const baseDir = options.baseDir ?? dirname(absolute(source));
  const packagesIn = doc.packages ?? [];
  if (!Array.isArray(packagesIn)) w.fail("packages", "must be an array of tables");
  const envs = doc.environments;
  if (envs !== undefined && !Array.isArray(envs)) w.fail("environments", "must be an array");
  const requiresPython = doc["requires-python"] === undefined
    ? undefined
    : specifiers(w, doc["requires-python"], "requires-python");
  const gestvenv = readTool(w, doc);
  return {
    lockVersion: "1.0",
    createdBy: w.optionalString(doc["created-by"], "created-by") ?? "unknown",
    ...(requiresPython !== undefined ? { requiresPython } : {}),
    ...(envs !== undefined
      ? { environments: envs.map((m, i) => marker(w, m, `environments[${i}]`)) }
      : {}),
    packages: packagesIn.map((p, i) => readPackage(p, i, source, baseDir)),
    ...(gestvenv !== undefined ? { gestvenv } : {}),
    source,
  };
}
