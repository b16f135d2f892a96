/**
 * Source distribution file names: `{name}-{version}.tar.gz` (PEP 625), and the legacy forms an
 * index still serves (`.zip`, `.tar.bz2`, `.tgz`, names with `-` or mixed case), which need the
 * project name to be split.
 *
 * @module
 */
import { normalizeName } from "../pep508/mod.ts";
import { tryParseVersion, type Version } from "../pep440/mod.ts";

/** Archive extensions accepted for source distributions. */
export const SDIST_EXTENSIONS = [".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".tar"] as const;

/** A parsed source distribution file name. */
export interface SdistFilename {
  /** The file name as given. */
  filename: string;
  /** PEP 503 normalized project name. */
  name: string;
  /** The PEP 440 version in the name. */
  version: Version;
  /** The archive extension, e.g. `.tar.gz`. */
  extension: (typeof SDIST_EXTENSIONS)[number];
}

/**
 * Parses an sdist file name. With `project` given, the name part must normalize to it (legacy
 * names may contain `-`); without it, the last `-` splits name and version.
 * Returns null when the name is not an sdist of that project or the version is not PEP 440.
 */
export function tryParseSdistFilename(filename: string, project?: string): SdistFilename | null {
  const extension = SDIST_EXTENSIONS.find((ext) => filename.toLowerCase().endsWith(ext));
  if (extension === undefined) return null;
  const stem = filename.slice(0, -extension.length);
  let namePart: string, versionPart: string;
  if (project !== undefined) {
    const want = normalizeName(project);
    // Find the `-` after which the rest is a version and before which the name matches.
    let found = -1;
    for (let i = stem.indexOf("-"); i >= 0; i = stem.indexOf("-", i + 1)) {
      if (normalizeName(stem.slice(0, i)) === want) {
        found = i;
        break;
      }
    }
    if (found < 0) return null;
    namePart = stem.slice(0, found);
    versionPart = stem.slice(found + 1);
  } else {
    const dash = stem.lastIndexOf("-");
    if (dash <= 0) return null;
    namePart = stem.slice(0, dash);
    versionPart = stem.slice(dash + 1);
  }
  const version = tryParseVersion(versionPart);
  if (version === null) return null;
  return { filename, name: normalizeName(namePart), version, extension };
}
