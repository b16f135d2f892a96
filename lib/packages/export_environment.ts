import { lockInstalled } from "./environment_lock.ts";
import { freezeDistributions } from "../distribution/mod.ts";
import { InvalidSyntaxError, OperationError, UsageError } from "../errors/mod.ts";
import { formatPylock, parsePylock, type Pylock } from "../lock/mod.ts";
import { absolute, basename } from "../paths/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import {
  type EnvironmentContext,
  getEnvironment,
  loadRegistry,
  openEnvironment,
  validateEnvironmentName,
} from "../environments/mod.ts";
import { type CreatedEnvironment, createEnvironment } from "./create_environment.ts";
import { productionSet } from "./production_set.ts";
import {
  checkRequirementText,
  checkRequirementTexts,
  requestedInFiles,
  requirementProject,
} from "./requirements_text.ts";

/** Export file formats. */
export type ExportFormat = "json" | "requirements" | "pylock";

/** The JSON export format version this gestvenv writes; it reads 1 and 2. */
export const EXPORT_VERSION = 2;

/** One exported distribution. */
export interface ExportedPackage {
  /** The name as installed. */
  name: string;
  /** The installed version. */
  version: string;
  /** With `--production-ready`: `sha256:<hex>` of every file of this version on the index. */
  hashes?: string[];
}

/**
 * What `--include-metadata` adds (`metadata` of the JSON export): everything the registry knows
 * about the environment.
 */
export interface ExportMetadata {
  /** Its free-text description, or null. */
  description: string | null;
  /** ISO 8601 time it was created. */
  created_at: string;
  /** ISO 8601 time of the last command that used or changed it. */
  updated_at: string;
  /** The backend that manages it (`native`, `pip` or `uv`). */
  backend: string;
  /** What the user asked for (PEP 508, `-e PATH` for editables). */
  requirements: string[];
  /** The interpreter: version, implementation and the base interpreter's path on this machine. */
  python: { version: string; implementation: string; path: string };
  /** Dependency groups and their requirements, when the environment has any. */
  groups?: Record<string, string[]>;
}

/**
 * The JSON export document (`gestvenv export NAME FILE`), version 2; see README "Export format".
 * `contents: "environment"` carries the environment's settings (name, description, Python,
 * backend, requirements); `contents: "packages"` (`--packages-only`) only the package list.
 */
export interface EnvironmentExport {
  /** Format version of this document: 2 (version 1 lacked `contents`, `production_ready`, `metadata`, `pylock`). */
  gestvenv_export_version: 2;
  /** `environment`, or `packages` for `--packages-only`. */
  contents: "environment" | "packages";
  /** Whether the package list is the production set, pinned with hashes. */
  production_ready: boolean;
  /** The environment's name when exported (not with `packages`). */
  name?: string;
  /** Its free-text description, or null (not with `packages`). */
  description?: string | null;
  /** The interpreter it used: version (`3.11.7`) and implementation (`cpython`) (not with `packages`). */
  python?: { version: string; implementation: string };
  /** The backend it was created with (not with `packages`). */
  backend?: string;
  /** What the user asked for (not with `packages`). */
  requirements?: string[];
  /** Installed distributions (the production set with `production_ready`). */
  packages: ExportedPackage[];
  /** Requirement lines that reproduce the packages exactly (`pip freeze` form). */
  freeze: string[];
  /** ISO 8601 time of the export. */
  exported_at: string;
  /** With `--include-metadata`. */
  metadata?: ExportMetadata;
  /** With `production_ready`: the installed build tooling left out (PEP 503 names). */
  left_out?: string[];
  /** With `production_ready`: the PEP 751 lock of exactly these packages (TOML text). */
  pylock?: string;
}

/** Options for {@linkcode exportEnvironment}; see README "Export format". */
export interface ExportOptions {
  /** Add the registry's metadata (JSON `metadata`, comment lines in requirements). @default false */
  includeMetadata?: boolean;
  /**
   * Only what the runtime needs ({@linkcode productionSet}), as exact pins with the sha256 of
   * every file. @default false
   */
  productionReady?: boolean;
  /** Only the package list, no environment settings. @default false */
  packagesOnly?: boolean;
}

/**
 * Renders the named environment for export: a JSON document (see {@linkcode EnvironmentExport}),
 * a requirements.txt with the exact installed versions, or a PEP 751 lock. Installed versions
 * are read from the environment itself, not from the registry.
 *
 * - `includeMetadata`: JSON gets `metadata` (description, times, backend, requirements,
 *   interpreter with its path, groups); requirements text gets it as `#` comment lines.
 * - `productionReady`: the production set ({@linkcode productionSet}); requirements lines carry
 *   `--hash=sha256:` options (`pip install --require-hashes -r` accepts them), JSON carries the
 *   hashes and the lock of the set, a lock is restricted to the set.
 * - `packagesOnly`: JSON without the environment's settings, requirements without the header,
 *   a lock without `[tool.gestvenv]`.
 *
 * @throws {UsageError} (exit 2) For `includeMetadata` with `packagesOnly`, or with `pylock`.
 * @throws {EnvironmentNotFoundError} When the environment does not exist.
 * @throws {PackageNotFoundError} With `productionReady`, when a distribution has no hashes.
 */
export async function exportEnvironment(
  ctx: EnvironmentContext,
  name: string,
  format: ExportFormat,
  options: ExportOptions = {},
): Promise<string> {
  if (options.includeMetadata && options.packagesOnly) {
    throw new UsageError("--include-metadata and --packages-only exclude each other", {
      hint: "--packages-only writes only the package list; drop one of them",
    });
  }
  if (options.includeMetadata && format === "pylock") {
    throw new UsageError("A PEP 751 lock has no place for --include-metadata", {
      hint: "Export to JSON (`gestvenv export NAME FILE.json --include-metadata`)",
    });
  }
  const record = await getEnvironment(ctx, name);
  const { backend, target } = await openEnvironment(ctx, record);
  const production = options.productionReady ? await productionSet(ctx, record, target) : undefined;
  const productionLock = (): Pylock => ({
    lockVersion: "1.0",
    createdBy: `gestvenv ${ctx.creatorVersion}`,
    packages: production!.pins.map((p) => p.locked),
    ...(options.packagesOnly ? {} : {
      gestvenv: {
        requirements: record.requirements,
        python: record.python.version,
        environment: record.name,
      },
    }),
  });
  if (format === "pylock") {
    if (production !== undefined) return formatPylock(productionLock());
    const { lock, unlocked } = await lockInstalled(ctx, record, target);
    for (const u of unlocked) {
      ctx.reporter.warn(`${u.name} ${u.version} is not in the lock: ${u.reason}`);
    }
    if (options.packagesOnly) delete lock.gestvenv;
    return formatPylock(lock);
  }
  const installed = await backend.listInstalled(target);
  const metadata: ExportMetadata = {
    description: record.description,
    created_at: record.created_at,
    updated_at: record.last_used_at,
    backend: record.backend,
    requirements: record.requirements,
    python: { ...record.python },
  };
  const freeze = production === undefined
    ? await freezeDistributions(installed)
    : production.pins.map((p) => `${p.name}==${p.version}`);
  if (format === "requirements") {
    const lines: string[] = [];
    if (!options.packagesOnly) {
      lines.push(
        `# Exported by gestvenv from \`${name}\` (${record.python.implementation} ${record.python.version})` +
          (production === undefined ? "" : ", production-ready: install with --require-hashes"),
      );
    }
    if (options.includeMetadata) lines.push(...metadataComments(metadata));
    if (production !== undefined && production.excluded.length > 0) {
      lines.push(`# left out (build tooling nobody asked for): ${production.excluded.join(", ")}`);
    }
    if (production === undefined) lines.push(...freeze);
    else {
      for (const p of production.pins) {
        lines.push(
          [`${p.name}==${p.version}`, ...p.sha256.map((h) => `    --hash=sha256:${h}`)].join(
            " \\\n",
          ),
        );
      }
    }
    return lines.join("\n") + "\n";
  }
  const doc: EnvironmentExport = {
    gestvenv_export_version: 2,
    contents: options.packagesOnly ? "packages" : "environment",
    production_ready: production !== undefined,
    ...(options.packagesOnly ? {} : {
      name: record.name,
      description: record.description,
      python: { version: record.python.version, implementation: record.python.implementation },
      backend: record.backend,
      requirements: record.requirements,
    }),
    packages: production === undefined
      ? installed.map((d) => ({ name: d.name, version: d.version }))
      : production.pins.map((p) => ({
        name: p.name,
        version: p.version,
        hashes: p.sha256.map((h) => `sha256:${h}`),
      })),
    freeze,
    exported_at: new Date().toISOString(),
    ...(options.includeMetadata ? { metadata } : {}),
    ...(production === undefined
      ? {}
      : { left_out: production.excluded, pylock: formatPylock(productionLock()) }),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** `--include-metadata` in a requirements file: `# key: value` lines pip ignores. */
function metadataComments(m: ExportMetadata): string[] {
  const one = (s: string) => s.replace(/[\r\n]+/g, " ");
  return [
    `# description: ${one(m.description ?? "")}`,
    `# created: ${m.created_at}`,
    `# updated: ${m.updated_at}`,
    `# backend: ${m.backend}`,
    `# python: ${m.python.implementation} ${m.python.version} (${one(m.python.path)})`,
    `# requirements: ${m.requirements.map(one).join(", ")}`,
  ];
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
    if (version !== 1 && version !== EXPORT_VERSION) {
      fail(
        `is a gestvenv export of version ${
          JSON.stringify(version)
        }; this gestvenv reads versions 1 and ${EXPORT_VERSION}`,
        "Export it again with this gestvenv, or upgrade gestvenv",
      );
    }
  }
  return { format: kind as ExportFormat, text };
}

/**
 * What an export file holds once read, whatever its format: what to install, what to record as
 * asked for, and the Python it was made with.
 */
export interface ImportContent {
  /** The file's format. */
  format: ExportFormat;
  /** Exact pins (`name==version`) or requirement lines to install (no editables). */
  install: string[];
  /** What the file says the user asked for (recorded in the registry). */
  requested: string[];
  /** The exact lock to install (a PEP 751 file, or a production-ready JSON's lock). */
  lock?: Pylock;
  /** The interpreter it was made with, when the file says. */
  python?: { version: string; implementation: string };
  /** The description it carries. */
  description?: string;
}

/**
 * Checks the fields `import` uses in a JSON export (versions 1 and 2).
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
  const packagesOnly = doc.gestvenv_export_version === 2 && doc.contents === "packages";
  if (
    doc.gestvenv_export_version === 2 && doc.contents !== "environment" && !packagesOnly
  ) bad("contents", '"environment" or "packages"');
  const python = doc.python as Record<string, unknown> | null | undefined;
  if (!(packagesOnly && python === undefined)) {
    if (python === null || typeof python !== "object") bad("python", "an object");
    if (typeof python!.version !== "string") bad("python.version", "a string");
    if (typeof python!.implementation !== "string") bad("python.implementation", "a string");
  }
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (!strings(doc.freeze)) bad("freeze", "a list of strings");
  if (doc.requirements !== undefined && !strings(doc.requirements)) {
    bad("requirements", "a list of strings");
  }
  if (
    doc.description !== undefined && doc.description !== null &&
    typeof doc.description !== "string"
  ) bad("description", "a string or null");
  if (doc.pylock !== undefined && typeof doc.pylock !== "string") bad("pylock", "a string");
  const e = doc as unknown as EnvironmentExport;
  for (const line of e.freeze) {
    if (!line.startsWith("-e ")) checkRequirementText(line, `${path}: freeze`);
  }
  for (const line of e.requirements ?? []) {
    if (!line.startsWith("-e ")) checkRequirementText(line, `${path}: requirements`);
  }
  return e;
}

/** Parses a PEP 751 lock read for `import`, with the error `import` gives. */
function importedLock(text: string, path: string): Pylock {
  try {
    return parsePylock(text, path);
  } catch (error) {
    if (!(error instanceof InvalidSyntaxError)) throw error;
    const [first = "", ...rest] = error.message.slice(path.length + 2).split("\n");
    throw new InvalidSyntaxError(`not a readable PEP 751 lock: ${first}`, path, {
      cause: error,
      details: rest.join("\n").trim() || undefined,
      hint: "Write the lock again with `gestvenv export NAME pylock.toml` or `gestvenv lock`",
    });
  }
}

/**
 * Reads an import file (see {@linkcode detectImportFormat}) into what `import` installs and
 * records, checking everything first.
 *
 * @throws {InvalidSyntaxError} (exit 2) When the file is not an export, or holds an invalid
 *   requirement (naming `file:line` and the column).
 * @throws {OperationError} `file_not_found` when the file cannot be read.
 */
export async function readImportFile(
  file: string,
  format?: ExportFormat,
): Promise<ImportContent & { path: string }> {
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
  const detected = await detectImportFormat(path, bytes, format);
  const text = detected.text;
  if (detected.format === "requirements") {
    await checkRequirementTexts([], [path]);
    const lines = await requestedInFiles([path]);
    return { path, format: "requirements", install: lines, requested: lines };
  }
  if (detected.format === "pylock") {
    const lock = importedLock(text, path);
    const pins = lock.packages.filter((p) => p.version !== undefined && p.directory === undefined)
      .map((p) => `${p.name}==${p.version}`);
    const made = lock.gestvenv?.python;
    return {
      path,
      format: "pylock",
      install: pins,
      requested: lock.gestvenv?.requirements ?? pins,
      lock,
      ...(made === undefined ? {} : { python: { version: made, implementation: "cpython" } }),
    };
  }
  const doc = checkExportDocument(path, JSON.parse(text) as Record<string, unknown>);
  // The frozen PEP 508 requirements (editables, paths and URLs are not reinstalled).
  const install = doc.freeze.filter((l) =>
    !l.startsWith("-e ") && requirementProject(l) !== undefined
  );
  return {
    path,
    format: "json",
    install,
    // What the user asked for is the export's requirements, not the frozen versions: so that
    // `update --all` moves what the original environment would have moved.
    requested: doc.requirements?.filter((r) => !r.startsWith("-e ")) ?? install,
    ...(doc.pylock === undefined ? {} : { lock: importedLock(doc.pylock, `${path}: pylock`) }),
    ...(doc.python === undefined ? {} : { python: doc.python }),
    ...(typeof doc.description === "string" ? { description: doc.description } : {}),
  };
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
 *   `major.minor`), installs the exact frozen versions (a production-ready export: exactly its
 *   lock, hashes checked), and records the export's requirements; a `--packages-only` export
 *   carries no Python and uses the `python` setting;
 * - a PEP 751 lock (`pylock.toml`, as `export --format pylock` writes) installs exactly the lock's
 *   files, hashes checked, on the Python it was made for;
 * - a requirements file is checked line by line with our PEP 508 parser, then installed.
 *
 * Importing into an existing environment is {@linkcode mergeImport}'s (`import --merge`).
 *
 * @throws {InvalidSyntaxError} (exit 2) When the file is not one of these, or holds an invalid
 *   requirement (naming `file:line` and the column).
 * @throws {OperationError} `file_not_found` when the file cannot be read; `environment_exists`
 *   when `name` is taken (the hint names `--merge` and `--resolve-conflicts`).
 */
export async function importEnvironment(
  ctx: EnvironmentContext,
  file: string,
  name: string,
  options: ImportEnvironmentOptions = {},
): Promise<CreatedEnvironment> {
  const content = await readImportFile(file, options.format);
  await checkFreeImportName(ctx, name);
  const dryRun = options.dryRun ?? false;
  const explicit = ctx.settings.python.source === "flag" ? ctx.settings.python.value : undefined;
  const python = explicit ??
    (content.python === undefined
      ? undefined
      : await samePython(ctx, content.python.implementation, content.python.version));
  if (content.format === "requirements") {
    return await createEnvironment(ctx, name, {
      requirementFiles: [content.path],
      python,
      dryRun,
    });
  }
  if (content.lock !== undefined) {
    return await createEnvironment(ctx, name, {
      python,
      lock: content.lock,
      description: content.description,
      ...(content.format === "json" ? { recordRequirements: content.requested } : {}),
      dryRun,
    });
  }
  return await createEnvironment(ctx, name, {
    python,
    description: content.description,
    packages: content.install,
    recordRequirements: content.requested,
    dryRun,
  });
}

/**
 * Refuses an import into a registered name, pointing at `--merge`.
 * @throws {OperationError} `environment_exists`.
 */
async function checkFreeImportName(ctx: EnvironmentContext, name: string): Promise<void> {
  validateEnvironmentName(name);
  if ((await loadRegistry(ctx)).environments.has(name)) {
    throw new OperationError(`Environment \`${name}\` already exists`, "environment_exists", {
      hint: `Import into it with \`--merge\` (adds what it lacks, keeps its versions) or ` +
        "`--merge --resolve-conflicts` (resolves both sets again), or choose another name",
    });
  }
}
