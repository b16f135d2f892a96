/**
 * The bundle manifest (`gestvenv-bundle.json`, the first entry of every bundle): a versioned
 * document listing every file of the bundle with its sha256, size, project, version, file name,
 * origin URL and kind, and for an environment bundle the environment's export and lock. Reading
 * it checks every field, so a hostile manifest cannot name a path outside the bundle's tree.
 *
 * @module
 */
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { InvalidSyntaxError } from "../errors/mod.ts";
import { normalizeName } from "../names/mod.ts";

/** Name of the manifest entry, first in every bundle. */
export const BUNDLE_MANIFEST = "gestvenv-bundle.json";
/** Format version of the manifest this gestvenv writes and reads. */
export const BUNDLE_FORMAT_VERSION = 1;
/** Largest manifest read, in bytes. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** What a bundle file is: an artifact (wheel, sdist) or a wheel's core metadata (PEP 658). */
export type BundleFileKind = "wheel" | "sdist" | "metadata";

/** One file of a bundle. */
export interface BundleFile {
  /** Path inside the bundle: `files/<filename>`. */
  path: string;
  /** File name (PEP 427 wheel, sdist, or `<wheel>.metadata`). */
  filename: string;
  /** What it is. */
  kind: BundleFileKind;
  /** sha256 of its bytes, lowercase hex. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** Normalized project name (PEP 503). */
  project: string;
  /** Version. */
  version: string;
  /** Where the artifact was downloaded from (credentials removed), or null when unknown. */
  origin: string | null;
  /** `Requires-Python` of a wheel (from its METADATA), or null. */
  requires_python: string | null;
  /** For a `metadata` file: the wheel it describes; else null. */
  metadata_of: string | null;
}

/** The environment an environment bundle carries. */
export interface BundleEnvironment {
  /** Its name when exported. */
  name: string;
  /** The export document (`gestvenv export NAME FILE.json`). */
  export: Record<string, unknown>;
  /** Its PEP 751 lock, as TOML text. */
  pylock: string;
}

/** Where a bundle keeps the offline vulnerability database (`audit db update`). */
export const BUNDLE_AUDIT_DB_PATH = "audit/osv-pypi-v1.json";

/** Largest vulnerability database a bundle may carry, in bytes. */
export const MAX_BUNDLE_AUDIT_DB_BYTES = 1024 * 1024 * 1024;

/** The offline vulnerability database a `cache export` bundle carries (issue 12 §1). */
export interface BundleAuditDb {
  /** Always {@linkcode BUNDLE_AUDIT_DB_PATH}. */
  path: string;
  /** sha256 of the file, lowercase hex. */
  sha256: string;
  /** Its size in bytes. */
  size: number;
}

/** The manifest document. */
export interface BundleManifest {
  /** Format version; {@linkcode BUNDLE_FORMAT_VERSION}. */
  gestvenv_bundle_version: 1;
  /** ISO 8601 time the bundle was written. */
  created: string;
  /** Version of the gestvenv that wrote it. */
  gestvenv_version: string;
  /** Platform tags the artifacts were chosen for, or null for all the cache held. */
  platforms: string[] | null;
  /** Every file of `files/` (the `simple/` pages are made from these). */
  files: BundleFile[];
  /** For an environment bundle: its export and lock; else null. */
  environment: BundleEnvironment | null;
  /** The offline vulnerability database, when the exporting cache had one (absent: none). */
  audit_db?: BundleAuditDb | null;
}

const SHA256 = /^[0-9a-f]{64}$/;
// C0/C1 controls, DEL and whitespace.
// deno-lint-ignore no-control-regex
const UNSAFE = /[\s\u0000-\u001f\u007f-\u009f/\\]/;

/** Whether `filename` is a name gestvenv will put in a directory (no separators, no dot start). */
export function isSafeFilename(filename: string): boolean {
  return filename !== "" && !filename.startsWith(".") && !filename.startsWith("-") &&
    !UNSAFE.test(filename) && filename.length <= 255;
}

/** The kind of an artifact, from its file name, or undefined when it is neither. */
export function artifactKind(filename: string, project?: string): "wheel" | "sdist" | undefined {
  if (tryParseWheelFilename(filename) !== null) return "wheel";
  if (tryParseSdistFilename(filename, project) !== null) return "sdist";
  return undefined;
}

/**
 * Reads and checks a manifest: format version, and for every file a safe `files/<filename>`
 * path, a kind that matches the name, a sha256, a size, a project and version; no path twice.
 * @param source Names the bundle in errors.
 * @throws {InvalidSyntaxError} (exit 2) naming the first field that is wrong, or a newer format.
 */
export function parseBundleManifest(text: string, source: string): BundleManifest {
  const fail = (what: string, hint?: string): never => {
    throw new InvalidSyntaxError(`${BUNDLE_MANIFEST}: ${what}`, source, {
      hint: hint ?? "The bundle is damaged or was not written by gestvenv; export it again",
    });
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return fail("not an object");
  const d = doc as Record<string, unknown>;
  if (d.gestvenv_bundle_version !== BUNDLE_FORMAT_VERSION) {
    if (typeof d.gestvenv_bundle_version === "number") {
      fail(
        `format version ${d.gestvenv_bundle_version}; this gestvenv reads version ${BUNDLE_FORMAT_VERSION}`,
        "Upgrade gestvenv, or export the bundle again with this version",
      );
    }
    fail("no `gestvenv_bundle_version`");
  }
  const str = (v: unknown, field: string): string =>
    typeof v === "string" ? v : fail(`\`${field}\` must be a string`);
  const created = str(d.created, "created");
  const version = str(d.gestvenv_version, "gestvenv_version");
  let platforms: string[] | null = null;
  if (d.platforms !== null && d.platforms !== undefined) {
    if (!Array.isArray(d.platforms) || !d.platforms.every((p) => typeof p === "string")) {
      fail("`platforms` must be a list of strings or null");
    }
    platforms = d.platforms as string[];
  }
  if (!Array.isArray(d.files)) fail("`files` must be a list");
  const seen = new Set<string>();
  const files: BundleFile[] = [];
  for (const [i, raw] of (d.files as unknown[]).entries()) {
    const at = `files[${i}]`;
    if (raw === null || typeof raw !== "object") fail(`${at} must be an object`);
    const f = raw as Record<string, unknown>;
    const filename = str(f.filename, `${at}.filename`);
    if (!isSafeFilename(filename)) fail(`${at}.filename ${JSON.stringify(filename)} is unsafe`);
    const path = str(f.path, `${at}.path`);
    if (path !== `files/${filename}`) fail(`${at}.path must be files/${filename}, not ${path}`);
    if (seen.has(path)) fail(`${path} is listed twice`);
    seen.add(path);
    const kind = f.kind;
    if (kind !== "wheel" && kind !== "sdist" && kind !== "metadata") {
      fail(`${at}.kind must be wheel, sdist or metadata`);
    }
    const project = normalizeName(str(f.project, `${at}.project`));
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(project)) fail(`${at}.project is not a name`);
    const sha256 = str(f.sha256, `${at}.sha256`);
    if (!SHA256.test(sha256)) fail(`${at}.sha256 must be 64 lowercase hex digits`);
    if (typeof f.size !== "number" || !Number.isSafeInteger(f.size) || f.size < 0) {
      fail(`${at}.size must be a byte count`);
    }
    let metadataOf: string | null = null;
    if (kind === "metadata") {
      metadataOf = str(f.metadata_of, `${at}.metadata_of`);
      if (filename !== `${metadataOf}.metadata` || artifactKind(metadataOf) !== "wheel") {
        fail(`${at} must be the .metadata file of a wheel`);
      }
    } else if (artifactKind(filename, project) !== kind) {
      fail(`${at}: ${filename} is not a ${kind} file name`);
    }
    const origin = f.origin === null || f.origin === undefined
      ? null
      : str(f.origin, `${at}.origin`);
    const requiresPython = f.requires_python === null || f.requires_python === undefined
      ? null
      : str(f.requires_python, `${at}.requires_python`);
    files.push({
      path,
      filename,
      kind: kind as BundleFileKind,
      sha256,
      size: f.size as number,
      project,
      version: str(f.version, `${at}.version`),
      origin,
      requires_python: requiresPython,
      metadata_of: metadataOf,
    });
  }
  let environment: BundleEnvironment | null = null;
  if (d.environment !== null && d.environment !== undefined) {
    const e = d.environment as Record<string, unknown>;
    if (typeof e !== "object") fail("`environment` must be an object or null");
    if (e.export === null || typeof e.export !== "object" || Array.isArray(e.export)) {
      fail("`environment.export` must be an object");
    }
    environment = {
      name: str(e.name, "environment.name"),
      export: e.export as Record<string, unknown>,
      pylock: str(e.pylock, "environment.pylock"),
    };
  }
  let auditDb: BundleAuditDb | null = null;
  if (d.audit_db !== null && d.audit_db !== undefined) {
    const a = d.audit_db as Record<string, unknown>;
    if (typeof a !== "object") fail("`audit_db` must be an object or null");
    if (a.path !== BUNDLE_AUDIT_DB_PATH) fail(`\`audit_db.path\` must be ${BUNDLE_AUDIT_DB_PATH}`);
    const sha256 = str(a.sha256, "audit_db.sha256");
    if (!SHA256.test(sha256)) fail("`audit_db.sha256` must be 64 lowercase hex digits");
    if (
      typeof a.size !== "number" || !Number.isSafeInteger(a.size) || a.size < 0 ||
      a.size > MAX_BUNDLE_AUDIT_DB_BYTES
    ) fail("`audit_db.size` must be a byte count");
    auditDb = { path: BUNDLE_AUDIT_DB_PATH, sha256, size: a.size as number };
  }
  return {
    ...(auditDb === null ? {} : { audit_db: auditDb }),
    gestvenv_bundle_version: BUNDLE_FORMAT_VERSION,
    created,
    gestvenv_version: version,
    platforms,
    files,
    environment,
  };
}
