/**
 * PEP 425 compatibility tags: the ordered list of `python-abi-platform` tags an interpreter
 * accepts, most preferred first, computed from a small description of it ({@linkcode TagInput};
 * no Python is run). Depends on nothing outside itself. Platform tags follow PEP 600 (`manylinux_x_y`, with the legacy `manylinux1/2010/2014`
 * aliases), PEP 656 (`musllinux_x_y`), macOS (`macosx_x_y_arch` with its binary formats) and
 * Windows. The order is the one of `packaging.tags.sys_tags()`, checked by generated vectors.
 *
 * @module
 */

/**
 * What the tag list of an interpreter depends on (gestvenv's interpreter probe gives it:
 * `tagInput` in `lib/python`). Standalone, so any caller can describe a target interpreter.
 */
export interface TagInput {
  /** `sys.implementation.name`: `cpython`, `pypy`, `graalpy`, ... */
  implementation: string;
  /** The Python language version, `(major, minor)`. */
  pythonVersion: readonly [number, number];
  /** `sysconfig.get_platform()`, e.g. `linux-x86_64`, `macosx-11.0-arm64`, `win-amd64`. */
  platform: string;
  /** The `SOABI` config variable (e.g. `pypy310-pp73-x86_64-linux-gnu`), or null. */
  soabi: string | null;
  /** A free-threaded build (PEP 703). */
  freeThreaded: boolean;
  /** Pointer size in bits. */
  pointerBits: 32 | 64;
  /** The C library on Linux with its version, null elsewhere. */
  libc: { family: "glibc" | "musl"; version: string | null } | null;
}

/**
 * Supported tags, most preferred first, with an index for ranking: a lower rank is better.
 */
export interface TagSet {
  /** Tags in preference order, as `python-abi-platform` strings. */
  readonly tags: readonly string[];
  /** Rank of a tag (its index), or undefined when unsupported. */
  rank(tag: string): number | undefined;
}

const LEGACY_MANYLINUX: Record<string, string> = {
  "2_17": "manylinux2014",
  "2_12": "manylinux2010",
  "2_5": "manylinux1",
};

function linuxArch(info: TagInput): string {
  let arch = info.platform.replace(/^linux-/, "").replaceAll("-", "_").replaceAll(
    ".",
    "_",
  );
  if (info.pointerBits === 32) {
    if (arch === "x86_64") arch = "i686";
    else if (arch === "aarch64") arch = "armv8l";
  }
  return arch;
}

function linuxPlatforms(info: TagInput): string[] {
  const arch = linuxArch(info);
  const out: string[] = [];
  const libc = info.libc;
  const [major, minor] = (libc?.version ?? "").split(".").map(Number);
  if (libc?.family === "glibc" && major === 2 && minor !== undefined && !Number.isNaN(minor)) {
    // PEP 600: glibc 2.x down to the oldest the architecture ever had (2.5 for x86, else 2.17).
    const oldest = arch === "x86_64" || arch === "i686" ? 5 : 17;
    for (let m = minor; m >= oldest; m--) {
      out.push(`manylinux_2_${m}_${arch}`);
      const legacy = LEGACY_MANYLINUX[`2_${m}`];
      const legacyArchs = legacy === "manylinux2014"
        ? ["x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"]
        : ["x86_64", "i686"];
      if (legacy !== undefined && legacyArchs.includes(arch)) out.push(`${legacy}_${arch}`);
    }
  } else if (
    libc?.family === "musl" && major === 1 && minor !== undefined && !Number.isNaN(minor)
  ) {
    // PEP 656.
    for (let m = minor; m >= 0; m--) out.push(`musllinux_1_${m}_${arch}`);
  }
  out.push(`linux_${arch}`);
  return out;
}

function macBinaryFormats(major: number, minor: number, arch: string): string[] {
  const old = major === 10 && minor < 4;
  const formats = [arch];
  if (arch === "x86_64") {
    if (old) return [];
    formats.push("intel", "fat64", "fat32");
  } else if (arch === "i386") {
    if (old) return [];
    formats.push("intel", "fat32", "fat");
  }
  if (arch === "arm64" || arch === "x86_64") formats.push("universal2");
  if (arch === "x86_64" || arch === "i386") formats.push("universal");
  return formats;
}

function macPlatforms(platform: string): string[] {
  // `macosx-11.0-arm64`, `macosx-10.9-universal2` (the running machine's arch comes first).
  const m = /^macosx-(\d+)\.(\d+)-(.+)$/.exec(platform);
  if (m === null) return [platform.replaceAll("-", "_").replaceAll(".", "_")];
  let [major, minor] = [Number(m[1]), Number(m[2])];
  let arch = m[3]!;
  if (arch === "universal2") arch = "arm64";
  if (major === 10 && minor === 16) [major, minor] = [11, 0];
  const out: string[] = [];
  const add = (ma: number, mi: number) => {
    for (const f of macBinaryFormats(ma, mi, arch)) out.push(`macosx_${ma}_${mi}_${f}`);
  };
  if (major === 10) { for (let mi = minor; mi >= 0; mi--) add(10, mi); }
  if (major >= 11) {
    for (let ma = major; ma > 10; ma--) add(ma, 0);
    for (let mi = 16; mi > 3; mi--) {
      if (arch === "x86_64") add(10, mi);
      else out.push(`macosx_10_${mi}_universal2`);
    }
  }
  return out;
}

/** Platform tags of the interpreter's machine, most specific first. */
export function platformTags(info: TagInput): string[] {
  const platform = info.platform;
  if (platform.startsWith("linux")) return linuxPlatforms(info);
  if (platform.startsWith("macosx")) return macPlatforms(platform);
  return [platform.replaceAll("-", "_").replaceAll(".", "_")];
}

function interpreterAbi(info: TagInput, short: string): string | null {
  if (info.implementation === "cpython") {
    const [major, minor] = info.pythonVersion;
    const suffix = info.freeThreaded ? "t" : major === 3 && minor < 8 ? "m" : "";
    return `cp${short}${suffix}`;
  }
  if (info.soabi === null) return null;
  // `pypy310-pp73-x86_64-linux-gnu` → `pypy310_pp73`; `graalpy231-310-native-...` → first three.
  const parts = info.soabi.split("-");
  const keep = info.implementation === "graalpy" ? 3 : 2;
  return parts.slice(0, keep).join("_").replaceAll(".", "_");
}

const INTERPRETER_PREFIX: Record<string, string> = {
  cpython: "cp",
  pypy: "pp",
  ironpython: "ip",
  jython: "jy",
  graalpy: "graalpy",
};

/**
 * The tags `info` supports, most preferred first (`packaging.tags.sys_tags()` order):
 * interpreter-specific ABI tags, then `abi3` (`abi3t` when free-threaded) down to 3.2, then
 * `none`, then the generic `pyXY` tags and finally `py3-none-any`.
 */
export function supportedTags(info: TagInput): TagSet {
  const [major, minor] = info.pythonVersion;
  const short = `${major}${minor}`;
  const platforms = platformTags(info);
  const prefix = INTERPRETER_PREFIX[info.implementation] ?? info.implementation;
  const interpreter = `${prefix}${short}`;
  const tags: string[] = [];
  const abi = interpreterAbi(info, short);
  if (abi !== null) { for (const p of platforms) tags.push(`${interpreter}-${abi}-${p}`); }
  // The stable ABI: `abi3` (PEP 384), or `abi3t` on free-threaded builds (PEP 803).
  const stable = info.implementation === "cpython" && major === 3 && minor >= 2
    ? (info.freeThreaded ? "abi3t" : "abi3")
    : null;
  if (stable !== null) { for (const p of platforms) tags.push(`${interpreter}-${stable}-${p}`); }
  for (const p of platforms) tags.push(`${interpreter}-none-${p}`);
  if (stable !== null) {
    for (let m = minor - 1; m >= 2; m--) {
      for (const p of platforms) tags.push(`cp${major}${m}-${stable}-${p}`);
    }
  }
  const pyRange = [`py${short}`, `py${major}`];
  for (let m = minor - 1; m >= 0; m--) pyRange.push(`py${major}${m}`);
  for (const v of pyRange) for (const p of platforms) tags.push(`${v}-none-${p}`);
  tags.push(`${interpreter}-none-any`);
  for (const v of pyRange) tags.push(`${v}-none-any`);
  const unique = [...new Set(tags)];
  const index = new Map(unique.map((t, i) => [t, i]));
  return { tags: unique, rank: (tag) => index.get(tag) };
}

/**
 * The best (lowest) rank among the expanded tags of a wheel (PEP 425 "Compressed tag sets":
 * `py2.py3-none-any`), or undefined when none is supported.
 */
export function bestTagRank(
  tagSet: TagSet,
  pythonTags: readonly string[],
  abiTags: readonly string[],
  platformTagList: readonly string[],
): number | undefined {
  let best: number | undefined;
  for (const py of pythonTags) {
    for (const abi of abiTags) {
      for (const plat of platformTagList) {
        const rank = tagSet.rank(`${py}-${abi}-${plat}`);
        if (rank !== undefined && (best === undefined || rank < best)) best = rank;
      }
    }
  }
  return best;
}
