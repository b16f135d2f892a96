import { lockInstalled } from "./environment_lock.ts";
import { freezeDistributions } from "../distribution/mod.ts";
import { InvalidSyntaxError, OperationError } from "../errors/mod.ts";
import { formatPylock, parsePylock, type Pylock } from "../lock/mod.ts";
import { absolute, basename } from "../paths/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import {
  type CreateEnvironmentResult,
  type EnvironmentContext,
  getEnvironment,
  openEnvironment,
  type PackagePin,
} from "../environments/mod.ts";
import { createEnvironment } from "./create_environment.ts";
import {
  checkRequirementText,
  checkRequirementTexts,
  requirementProject,
} from "./requirements_text.ts";

/** Export file formats. */
export type ExportFormat = "json" | "requirements" | "pylock";

/** The JSON export document (`gestvenv export NAME FILE`). */
export interface EnvironmentExport {
  /** Format version of this document; 1. */
  gestvenv_export_version: 1;
  /** The environment's name when exported. */
  name: string;
  /** Its free-text description, or null. */
  description: string | null;
  /** The interpreter it used: version (`3.11.7`) and implementation (`cpython`). */
  python: { version: string; implementation: string };
  /** The backend it was created with (`pip` or `uv`). */
  backend: string;
  /** What the user asked for. */
  requirements: string[];
  /** Installed distributions. */
  packages: PackagePin[];
  /** Requirement lines that reproduce the installed set exactly (`pip freeze` form). */
  freeze: string[];
  /** ISO 8601 time of the export. */
  exported_at: string;
}

/**
 * Renders the named environment for export: a JSON document (see {@linkcode EnvironmentExport}),
 * or a requirements.txt with the exact installed versions. Installed versions are read from the
 * environment itself, not from the registry.
 */
export async function exportEnvironment(
  ctx: EnvironmentContext,
  name: string,
  format: ExportFormat,
): Promise<string> {
  const record = await getEnvironment(ctx, name);
  const { backend, target } = await openEnvironment(ctx, record);
  if (format === "pylock") {
    const { lock, unlocked } = await lockInstalled(ctx, record, target);
    for (const u of unlocked) {
      ctx.reporter.warn(`${u.name} ${u.version} is not in the lock: ${u.reason}`);
    }
    return formatPylock(lock);
  }
  const installed = await backend.listInstalled(target);
  const freeze = await freezeDistributions(installed);
  if (format === "requirements") {
    const header =
      `# Exported by gestvenv from \`${name}\` (${record.python.implementation} ${record.python.version})`;
    return [header, ...freeze].join("\n") + "\n";
  }
  const doc: EnvironmentExport = {
    gestvenv_export_version: 1,
    name: record.name,
    description: record.description,
    python: { version: record.python.version, implementation: record.python.implementation },
    backend: record.backend,
    requirements: record.requirements,
    packages: installed.map((d) => ({ name: d.name, version: d.version })),
    freeze,
    exported_at: new Date().toISOString(),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** Binary formats people point `import` at by mistake, by their first bytes. */
const SIGNATURES: ReadonlyArray<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], "a zip archive (a wheel?)"],
  [[0x1f, 0x8b], "a gzip archive (an sdist?)"],
  [[0x7f, 0x45, 0x4c, 0x46], "an ELF executable"],
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0x28, 0xb5, 0x2f, 0xfd], "a zstd archive"],
];

const EXPECTED =
  "`import` takes a gestvenv JSON export (`gestvenv export NAME FILE.json`), a requirements " +
  "file, or a PEP 751 lock (`gestvenv export NAME pylock.toml`)";

/** Whether `text` parses as JSON. */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The format a file most likely has, from its name, then its first characters. */
function guessKind(name: string, text: string, lockKey: boolean): ExportFormat | "toml" {
  if (lockKey || /^pylock(\.[^/]+)?\.toml$/.test(name)) return "pylock";
  if (/\.toml$/i.test(name)) return "toml";
  if (/\.json$/i.test(name) || /^\s*\{/.test(text)) return "json";
  if (/^\s*\[/.test(text)) {
    // `[project]` starts a TOML table; `["a"]` or `[{...}]` is JSON.
    const tomlHeader = /^\s*\[\[?\s*[A-Za-z0-9_-][A-Za-z0-9_.\s"'-]*\]\]?\s*(\r?\n|$)/.test(text);
    return tomlHeader && !isJson(text) ? "toml" : "json";
  }
  return "requirements";
}

/** What {@linkcode detectImportFormat} found: the format and the file's text. */
export interface DetectedImport {
  format: ExportFormat;
  /** The file's text (UTF-8, without a byte-order mark). */
  text: string;
}

/**
 * Detects what an import file is, from its name and content: a PEP 751 lock (a `lock-version`
 * key, or a `pylock*.toml` name), a gestvenv JSON export (a document starting with `{` or `[`, or
 * a `.json` name), else requirements text. With `format` given, only the content checks of that
 * format run.
 *
 * @param path The file's path, for messages and its name.
 * @throws {InvalidSyntaxError} (exit 2) For a binary file, invalid JSON, JSON that is not a
 *   gestvenv export (or of a newer version), a TOML file that is not a lock, or an empty file;
 *   each says what the file is and what `import` expects.
 */
export async function detectImportFormat(
  path: string,
  bytes: Uint8Array,
  format?: ExportFormat,
): Promise<DetectedImport> {
  const fail = (what: string, hint = EXPECTED): never => {
    throw new InvalidSyntaxError(`${path} ${what}`, undefined, { hint });
  };
  for (const [magic, what] of SIGNATURES) {
    if (magic.every((b, i) => bytes[i] === b)) fail(`is ${what}, not an export`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail("is a binary file (not UTF-8 text), not an export");
  }
  if (text.includes("\0")) fail("is a binary file (it contains NUL bytes), not an export");
  text = text.replace(/^\uFEFF/, "");
  if (text.trim() === "") fail("is empty: there is nothing to import");
  const name = basename(path);
  const lockKey = /^\s*lock-version\s*=/m.test(text);
  const kind = format ?? guessKind(name, text, lockKey);
  if (kind === "toml" || (kind === "pylock" && !lockKey)) {
    const { parse } = await import("npm:smol-toml@1.9.1");
    try {
      parse(text);
    } catch (error) {
      fail(`is not valid TOML: ${(error as Error).message.split("\n")[0]}`);
    }
    const pyproject = /^\s*\[(project|build-system|tool\.)/m.test(text);
    fail(
      "is a TOML file but not a PEP 751 lock (it has no `lock-version`)",
      pyproject
        ? "It looks like a pyproject.toml: create an environment, then `gestvenv install --env NAME -e DIR`"
        : EXPECTED,
    );
  }
  if (kind === "json") {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      fail(`is not valid JSON: ${(error as Error).message}`);
    }
    const version = doc !== null && typeof doc === "object" && !Array.isArray(doc)
      ? (doc as Record<string, unknown>).gestvenv_export_version
      : undefined;
    if (version === undefined) {
      fail("is JSON but not a gestvenv export (it has no `gestvenv_export_version`)");
    }
    if (version !== 1) {
      fail(
        `is a gestvenv export of version ${JSON.stringify(version)}; this gestvenv reads version 1`,
        "Export it again with this gestvenv, or upgrade gestvenv",
      );
    }
  }
  return { format: kind as ExportFormat, text };
}

/**
 * Checks the fields `import` uses in a JSON export.
 * @throws {InvalidSyntaxError} naming the first missing or mistyped field, or the first invalid
 *   requirement of `freeze`/`requirements`.
 */
function checkExportDocument(path: string, doc: Record<string, unknown>): EnvironmentExport {
  const bad = (field: string, expected: string): never => {
    throw new InvalidSyntaxError(
      `\`${field}\` must be ${expected} in a gestvenv export`,
      path,
      { hint: "Export it again with `gestvenv export NAME FILE.json`" },
    );
  };
  const python = doc.python as Record<string, unknown> | null | undefined;
  if (python === null || typeof python !== "object") bad("python", "an object");
  if (typeof python!.version !== "string") bad("python.version", "a string");
  if (typeof python!.implementation !== "string") bad("python.implementation", "a string");
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (!strings(doc.freeze)) bad("freeze", "a list of strings");
  if (doc.requirements !== undefined && !strings(doc.requirements)) {
    bad("requirements", "a list of strings");
  }
  if (
    doc.description !== undefined && doc.description !== null &&
    typeof doc.description !== "string"
  ) bad("description", "a string or null");
  const e = doc as unknown as EnvironmentExport;
  for (const line of e.freeze) {
    if (!line.startsWith("-e ")) checkRequirementText(line, `${path}: freeze`);
  }
  for (const line of e.requirements ?? []) {
    if (!line.startsWith("-e ")) checkRequirementText(line, `${path}: requirements`);
  }
  return e;
}

/**
 * The interpreter request that recreates `version` of `implementation`: the exact version when
 * such an interpreter is found, else the same `major.minor`.
 */
export async function samePython(
  ctx: EnvironmentContext,
  implementation: string,
  version: string,
): Promise<string> {
  const impl = implementation === "cpython" ? "" : implementation;
  const exact = `${impl}${version}`;
  const minor = `${impl}${version.split(".").slice(0, 2).join(".")}`;
  return await findInterpreter(exact, { cacheDir: ctx.home.cacheDir }).then(
    () => exact,
    () => minor,
  );
}

/** Options for {@linkcode importEnvironment}. */
export interface ImportEnvironmentOptions {
  /** The file's format. @default detected (see {@linkcode detectImportFormat}) */
  format?: ExportFormat | undefined;
  /** Describe what would be done and change nothing. @default false */
  dryRun?: boolean;
}

/**
 * Creates environment `name` from an import file. Its format is detected first and everything is
 * checked before anything is created. The interpreter is a `--python` given for this command (the
 * `python` setting when its source is a flag), else the file's Python as below, else the
 * `python` setting:
 *
 * - a gestvenv JSON export recreates the same Python version (falling back to the same
 *   `major.minor`), installs the exact frozen versions, and records the export's requirements;
 * - a PEP 751 lock (`pylock.toml`, as `export --format pylock` writes) installs exactly the lock's
 *   files, hashes checked, on the Python it was made for;
 * - a requirements file is checked line by line with our PEP 508 parser, then installed.
 *
 * @throws {InvalidSyntaxError} (exit 2) When the file is not one of these, or holds an invalid
 *   requirement (naming `file:line` and the column).
 * @throws {OperationError} `file_not_found` when the file cannot be read.
 */
export async function importEnvironment(
  ctx: EnvironmentContext,
  file: string,
  name: string,
  options: ImportEnvironmentOptions = {},
): Promise<CreateEnvironmentResult> {
  const path = absolute(file);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new OperationError(`Cannot read ${path}`, "file_not_found", {
      cause: error,
      hint: "Check the file path",
    });
  }
  const { format, text } = await detectImportFormat(path, bytes, options.format);
  const dryRun = options.dryRun ?? false;
  const explicit = ctx.settings.python.source === "flag" ? ctx.settings.python.value : undefined;
  if (format === "requirements") {
    await checkRequirementTexts([], [path]);
    return await createEnvironment(ctx, name, {
      requirementFiles: [path],
      dryRun,
    });
  }
  if (format === "pylock") {
    let lock: Pylock;
    try {
      lock = parsePylock(text, path);
    } catch (error) {
      if (!(error instanceof InvalidSyntaxError)) throw error;
      const [first = "", ...rest] = error.message.slice(path.length + 2).split("\n");
      throw new InvalidSyntaxError(`not a readable PEP 751 lock: ${first}`, path, {
        cause: error,
        details: rest.join("\n").trim() || undefined,
        hint: "Write the lock again with `gestvenv export NAME pylock.toml` or `gestvenv lock`",
      });
    }
    const made = lock.gestvenv?.python;
    const python = explicit ??
      (made === undefined ? undefined : await samePython(ctx, "cpython", made));
    return await createEnvironment(ctx, name, { python, lock, dryRun });
  }
  const doc = checkExportDocument(path, JSON.parse(text) as Record<string, unknown>);
  const python = explicit ??
    await samePython(ctx, doc.python.implementation, doc.python.version);
  // What the user asked for is the export's requirements, not the frozen versions: so that
  // `update --all` moves what the original environment would have moved.
  return await createEnvironment(ctx, name, {
    python,
    description: doc.description ?? undefined,
    // The frozen PEP 508 requirements (editables, paths and URLs are not reinstalled).
    packages: doc.freeze.filter((l) => !l.startsWith("-e ") && requirementProject(l) !== undefined),
    recordRequirements: doc.requirements?.filter((r) => !r.startsWith("-e ")),
    dryRun,
  });
}
