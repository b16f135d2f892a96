/**
 * Target platforms: the PEP 508 marker environment and PEP 425 tags of a machine named by a
 * platform tag and a Python version (`cache add --platforms`), synthesized without an
 * interpreter. Depends only on the standards modules (`pep425`, `pep508`) and `errors`.
 *
 * @example A Windows target
 * ```ts
 * import assert from "node:assert/strict";
 * import { targetPlatform } from "./mod.ts";
 *
 * const win = targetPlatform({ platform: "win_amd64", pythonVersion: "3.12" });
 * assert.equal(win.markers.sys_platform, "win32");
 * assert.equal(win.markers.platform_machine, "AMD64");
 * assert.equal(win.tags.tags[0], "cp312-cp312-win_amd64");
 * ```
 *
 * @module
 */
export {
  parsePlatformList,
  type TargetPlatform,
  targetPlatform,
  type TargetPlatformOptions,
} from "./target_platform.ts";
export { acceptedPlatformTags, fileFitsPlatforms } from "./platform_fits.ts";
