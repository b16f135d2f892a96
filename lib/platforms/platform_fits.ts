import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import { targetPlatform } from "./target_platform.ts";

const accepted = new Map<string, ReadonlySet<string>>();

/**
 * The platform tags a machine with platform tag `platform` installs wheels for: the platform
 * parts of its PEP 425 tag list (see `targetPlatform`: PEP 600/656 glibc and musl versions down to
 * the oldest with the legacy manylinux aliases, every older macOS version and fat binary format),
 * plus `any`. They do not depend on the Python version. Computed once per platform.
 *
 * @throws {UsageError} (exit 2) for a platform tag `targetPlatform` cannot describe.
 */
export function acceptedPlatformTags(platform: string): ReadonlySet<string> {
  const key = platform.trim().toLowerCase();
  let tags = accepted.get(key);
  if (tags === undefined) {
    const target = targetPlatform({ platform: key, pythonVersion: "3.12" });
    tags = new Set(["any", ...target.tags.tags.map((t) => t.split("-")[2]!)]);
    accepted.set(key, tags);
  }
  return tags;
}

/**
 * Whether the distribution file `filename` is of use on one of `platforms` (PEP 425 platform
 * tags): an sdist always (it builds anywhere), a wheel when one of its platform tags is accepted
 * there (see {@linkcode acceptedPlatformTags}); no platforms: every file.
 *
 * @throws {UsageError} (exit 2) for a platform tag that cannot be described.
 */
export function fileFitsPlatforms(filename: string, platforms: readonly string[]): boolean {
  if (platforms.length === 0) return true;
  const wheel = tryParseWheelFilename(filename);
  if (wheel === null) return true;
  return platforms.some((p) => {
    const tags = acceptedPlatformTags(p);
    return wheel.platformTags.some((t) => tags.has(t));
  });
}
