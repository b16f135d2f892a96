/**
 * Turning a resolution into a PEP 751 lock.
 *
 * @module
 */
import { redactUrl } from "../index/mod.ts";
import type { IndexFile } from "../index/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { tryParseVersion, versionsEqual } from "../pep440/mod.ts";
import { type Pylock, type PylockFile, type PylockPackage, TOML_DATETIME } from "./pylock.ts";

/** The fields of a resolved package that a lock records. */
export interface LockablePackage {
  /** PEP 503 normalized name. */
  name: string;
  /** Normalized version. */
  version: string;
  /** The index it came from (credentials removed), or null for find-links and URLs. */
  index: string | null;
  /** Every file of the version on the index (a portable lock lists them all). */
  files: IndexFile[];
  /** `Requires-Python` of the distribution, or null. */
  requiresPython: string | null;
  /** Names of the packages it depends on in the resolution. */
  dependencies: string[];
}

function toFile(f: IndexFile): PylockFile {
  return {
    name: f.filename,
    url: redactUrl(f.url),
    ...(f.size !== null ? { size: f.size } : {}),
    ...(f.uploadTime !== null && TOML_DATETIME.test(f.uploadTime)
      ? { uploadTime: f.uploadTime }
      : {}),
    hashes: f.sha256 === null ? {} : { sha256: f.sha256 },
  };
}

/**
 * One `[[packages]]` entry: every non-yanked wheel and the sdist of the version (so the lock
 * installs on any platform the files support), with sizes and sha256 hashes. Only files whose
 * names are a wheel or sdist of this name and version are kept (never an `.egg` or `.exe`), so
 * the lock reads back under `parsePylock`'s validation.
 */
export function lockPackage(p: LockablePackage): PylockPackage {
  const live = p.files.filter((f) => f.yanked === null);
  const files = live.length > 0 ? live : p.files;
  const wanted = tryParseVersion(p.version);
  const name = normalizeName(p.name);
  const ours = (parsed: { name: string; version: Parameters<typeof versionsEqual>[0] } | null) =>
    parsed !== null && parsed.name === name &&
    (wanted === null || versionsEqual(parsed.version, wanted));
  const wheels = files.filter((f) => ours(tryParseWheelFilename(f.filename))).map(toFile);
  const sdist = files.find((f) =>
    tryParseWheelFilename(f.filename) === null && ours(tryParseSdistFilename(f.filename, p.name))
  );
  return {
    name: p.name,
    version: p.version,
    ...(p.requiresPython !== null ? { requiresPython: p.requiresPython } : {}),
    ...(p.index !== null ? { index: redactUrl(p.index) } : {}),
    dependencies: p.dependencies,
    wheels,
    ...(sdist !== undefined ? { sdist: toFile(sdist) } : {}),
  };
}

/** A lock of `packages`, made by gestvenv `version` from `requirements` for `python`. */
export function buildPylock(
  packages: LockablePackage[],
  meta: { createdBy: string; requirements: string[]; python: string; environment?: string },
): Pylock {
  return {
    lockVersion: "1.0",
    createdBy: meta.createdBy,
    packages: packages.map(lockPackage),
    gestvenv: {
      requirements: meta.requirements,
      python: meta.python,
      ...(meta.environment !== undefined ? { environment: meta.environment } : {}),
    },
  };
}
