/**
 * Which wheels of a gestvenv index to mirror for a list of target platform tags
 * (`cache sync --from URL --platforms manylinux_2_28_x86_64,win_amd64`): a wheel is kept when one
 * of its platform tags runs on one of the targets (PEP 600 manylinux and PEP 656 musllinux by
 * glibc/musl version, macOS by version and architecture including `universal2`, `any` always);
 * sdists are always kept (they build anywhere).
 *
 * @module
 */
import { tryParseWheelFilename } from "../dist_filename/mod.ts";

const LEGACY_MANYLINUX: Record<string, string> = {
  manylinux1: "manylinux_2_5",
  manylinux2010: "manylinux_2_12",
  manylinux2014: "manylinux_2_17",
};

const MAC_ARCHES: Record<string, string[]> = {
  x86_64: ["x86_64", "intel", "fat64", "fat3", "universal", "universal2"],
  arm64: ["arm64", "universal2"],
};

function canonicalTag(tag: string): string {
  const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(tag);
  return legacy === null ? tag : `${LEGACY_MANYLINUX[legacy[1]!]}_${legacy[2]}`;
}

/** Whether a wheel platform tag `tag` runs on the target platform tag `target`. */
export function platformRunsOn(tag: string, target: string): boolean {
  const t = canonicalTag(tag), goal = canonicalTag(target);
  if (t === "any" || t === goal) return true;
  const linux = /^(manylinux|musllinux)_(\d+)_(\d+)_(.+)$/;
  const a = linux.exec(t), b = linux.exec(goal);
  if (a !== null && b !== null) {
    return a[1] === b[1] && a[4] === b[4] &&
      (Number(a[2]) < Number(b[2]) ||
        (Number(a[2]) === Number(b[2]) && Number(a[3]) <= Number(b[3])));
  }
  const mac = /^macosx_(\d+)_(\d+)_(.+)$/;
  const c = mac.exec(t), d = mac.exec(goal);
  if (c !== null && d !== null) {
    const [wantMajor, wantMinor] = [Number(d[1]), Number(d[2])];
    const [major, minor] = [Number(c[1]), Number(c[2])];
    const older = major < wantMajor || (major === wantMajor && minor <= wantMinor);
    return older && (MAC_ARCHES[d[3]!] ?? [d[3]!]).includes(c[3]!);
  }
  return false;
}

/** Whether the file `filename` is worth having for one of `targets` (see the module doc). */
export function fileFitsPlatforms(filename: string, targets: readonly string[]): boolean {
  if (targets.length === 0) return true;
  const wheel = tryParseWheelFilename(filename);
  if (wheel === null) return true;
  return wheel.platformTags.some((tag) => targets.some((target) => platformRunsOn(tag, target)));
}
