/**
 * Wheel file names (PEP 427 "File name convention", binary distribution format spec):
 * `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, tags possibly compressed
 * (`py2.py3`, PEP 425).
 *
 * @module
 */
import { InvalidSyntaxError } from "../errors/mod.ts";
import { normalizeName } from "../pep508/mod.ts";
import { tryParseVersion, type Version } from "../pep440/mod.ts";

/** A parsed wheel file name. */
export interface WheelFilename {
  /** The file name as given. */
  filename: string;
  /** PEP 503 normalized project name. */
  name: string;
  /** The version. */
  version: Version;
  /** Build tag (`1`, `2b`), or null. */
  build: string | null;
  /** Python tags, e.g. `["py2", "py3"]`. */
  pythonTags: string[];
  /** ABI tags, e.g. `["cp312"]`. */
  abiTags: string[];
  /** Platform tags, e.g. `["manylinux_2_17_x86_64", "manylinux2014_x86_64"]`. */
  platformTags: string[];
}

/** Parses a wheel file name, or returns null when it is not one. */
export function tryParseWheelFilename(filename: string): WheelFilename | null {
  if (!filename.endsWith(".whl")) return null;
  const parts = filename.slice(0, -4).split("-");
  if (parts.length !== 5 && parts.length !== 6) return null;
  const build = parts.length === 6 ? parts[2]! : null;
  if (build !== null && !/^\d/.test(build)) return null;
  const version = tryParseVersion(parts[1]!);
  if (version === null) return null;
  const [py, abi, plat] = parts.slice(-3) as [string, string, string];
  return {
    filename,
    name: normalizeName(parts[0]!),
    version,
    build,
    pythonTags: py.split("."),
    abiTags: abi.split("."),
    platformTags: plat.split("."),
  };
}

/**
 * Parses a wheel file name.
 * @throws {InvalidSyntaxError} when it does not follow PEP 427.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWheelFilename } from "@gestvenv/gestvenv/dist_filename";
 *
 * const wheel = parseWheelFilename(
 *   "numpy-2.0.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
 * );
 * assert.equal(wheel.build, "1");
 * assert.deepEqual(wheel.platformTags, ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
 * assert.throws(() => parseWheelFilename("numpy-2.0.0.tar.gz"));
 * ```
 */
export function parseWheelFilename(filename: string): WheelFilename {
  const parsed = tryParseWheelFilename(filename);
  if (parsed === null) {
    throw new InvalidSyntaxError(
      `\`${filename}\` is not a wheel file name ({name}-{version}-{python}-{abi}-{platform}.whl)`,
    );
  }
  return parsed;
}
