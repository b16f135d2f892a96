/**
 * The newest version of each installed project that this interpreter could install, from the
 * index pages our resolver reads (`pip list --outdated`, computed by gestvenv).
 *
 * @module
 */
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import type { IndexClient } from "../index/mod.ts";
import { bestTagRank, supportedTags } from "../pep425/mod.ts";
import {
  compareVersions,
  isPrerelease,
  parseSpecifierSet,
  parseVersion,
  satisfiesSpecifierSet,
  tryParseVersion,
  type Version,
} from "../pep440/mod.ts";
import { type InterpreterInfo, tagInput } from "../python/mod.ts";

/**
 * For each installed distribution (by PEP 503 name), the newest version on the indexes that has a
 * file this interpreter can install (a wheel whose tags it supports, or an sdist), is not yanked
 * (PEP 592) and whose `requires-python` holds; pre-releases only when the installed version is
 * one. Projects the indexes do not have are absent from the map. Requests run in parallel.
 *
 * @throws {NetworkError} When an index cannot be reached.
 */
export async function latestVersions(
  index: IndexClient,
  installed: ReadonlyArray<{ normalized_name: string; version: string }>,
  interpreter: InterpreterInfo,
): Promise<Map<string, string>> {
  const tags = supportedTags(tagInput(interpreter));
  const python = parseVersion(interpreter.markers.python_full_version);
  const out = new Map<string, string>();
  await Promise.all(installed.map(async (dist) => {
    const project = await index.projectFiles(dist.normalized_name);
    if (project === null) return;
    const current = tryParseVersion(dist.version);
    const pre = current !== null && isPrerelease(current);
    let best: Version | null = null;
    for (const file of project.files) {
      if (file.yanked !== null) continue;
      if (file.requiresPython !== null) {
        try {
          if (!satisfiesSpecifierSet(python, parseSpecifierSet(file.requiresPython), true)) {
            continue;
          }
        } catch { /* an invalid requires-python does not exclude the file, as pip does */ }
      }
      const wheel = tryParseWheelFilename(file.filename);
      let version: Version | undefined;
      if (wheel !== null) {
        if (bestTagRank(tags, wheel.pythonTags, wheel.abiTags, wheel.platformTags) === undefined) {
          continue;
        }
        version = wheel.version;
      } else {
        version = tryParseSdistFilename(file.filename, dist.normalized_name)?.version;
      }
      if (version === undefined || (!pre && isPrerelease(version))) continue;
      if (best === null || compareVersions(version, best) > 0) best = version;
    }
    if (best !== null) out.set(dist.normalized_name, best.text);
  }));
  return out;
}
