/**
 * Target platforms described without an interpreter: from a PEP 425 platform tag
 * (`win_amd64`, `macosx_11_0_arm64`, `manylinux_2_28_x86_64`, `musllinux_1_2_aarch64`,
 * `linux_x86_64`), a Python version and an implementation, the PEP 508 marker environment and the
 * PEP 425 tag input such a machine would have (what `pip download --platform` and uv's
 * `--python-platform` compute). Nothing is probed and no Python runs.
 *
 * @module
 */
import { UsageError } from "../errors/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import { supportedTags, type TagInput, type TagSet } from "../pep425/mod.ts";

/** What {@linkcode targetPlatform} takes. */
export interface TargetPlatformOptions {
  /**
   * A PEP 425 platform tag: `win32`, `win_amd64`, `win_arm64`, `macosx_X_Y_ARCH` (ARCH `arm64`,
   * `x86_64`, `universal2`, ...), `manylinux_X_Y_ARCH` or the legacy `manylinux1/2010/2014_ARCH`
   * (PEP 600), `musllinux_X_Y_ARCH` (PEP 656), `linux_ARCH`.
   */
  platform: string;
  /** The Python version, `X.Y` or `X.Y.Z` (`X.Y` means `X.Y.0` for `python_full_version`). */
  pythonVersion: string;
  /** The implementation's PEP 425 abbreviation; only `cp` (CPython) is described. @default "cp" */
  implementation?: string;
}

/**
 * A machine to resolve for, synthesized (see {@linkcode targetPlatform}). Its `markers`, `tags`
 * and `pythonFullVersion` are what a resolver needs in place of an interpreter's probe.
 */
export interface TargetPlatform {
  /** The platform tag as given (lower case), e.g. `manylinux_2_28_x86_64`; its label. */
  platform: string;
  /** The PEP 508 marker environment (`platform_release` and `platform_version` are empty). */
  markers: MarkerEnvironment;
  /** What its PEP 425 tags depend on (`supportedTags(tagInput)` gives the ordered list). */
  tagInput: TagInput;
  /** The supported tags, most preferred first (PEP 425, `packaging.tags.sys_tags()` order). */
  tags: TagSet;
  /** `python_full_version`, e.g. `3.12.0`. */
  pythonFullVersion: string;
  /** A short description for messages, e.g. `CPython 3.12 on win_amd64`. */
  description: string;
}

/** The glibc version of the legacy manylinux names (PEP 513, 571, 599). */
const LEGACY_GLIBC: Record<string, string> = {
  manylinux1: "2.5",
  manylinux2010: "2.12",
  manylinux2014: "2.17",
};

/** `platform.machine()` on Windows for each `win*` tag. */
const WINDOWS_MACHINE: Record<string, { machine: string; bits: 32 | 64; platform: string }> = {
  win32: { machine: "x86", bits: 32, platform: "win32" },
  win_amd64: { machine: "AMD64", bits: 64, platform: "win-amd64" },
  win_arm64: { machine: "ARM64", bits: 64, platform: "win-arm64" },
  win_arm32: { machine: "ARM", bits: 32, platform: "win-arm32" },
};

const LINUX_32_BIT = new Set(["i686", "i386", "armv7l", "armv6l", "armv8l", "ppc", "s390"]);

const MAC_ARCHS = new Set([
  "arm64",
  "x86_64",
  "universal2",
  "i386",
  "ppc",
  "ppc64",
  "intel",
  "fat",
  "fat3",
  "fat32",
  "fat64",
  "universal",
]);

function usage(platform: string, why: string): UsageError {
  return new UsageError(`\`${platform}\` is not a platform gestvenv can target: ${why}`, {
    hint:
      "Give PEP 425 platform tags such as win_amd64, macosx_11_0_arm64, manylinux_2_28_x86_64, musllinux_1_2_aarch64 or linux_x86_64",
  });
}

/** What a platform tag says about the machine. */
interface PlatformFacts {
  sysPlatform: string;
  system: string;
  osName: string;
  machine: string;
  sysconfigPlatform: string;
  pointerBits: 32 | 64;
  libc: TagInput["libc"];
}

function platformFacts(tag: string): PlatformFacts {
  const windows = WINDOWS_MACHINE[tag];
  if (windows !== undefined) {
    return {
      sysPlatform: "win32",
      system: "Windows",
      osName: "nt",
      machine: windows.machine,
      sysconfigPlatform: windows.platform,
      pointerBits: windows.bits,
      libc: null,
    };
  }
  const mac = /^macosx_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(tag);
  if (mac !== null) {
    const [, major, minor, arch] = mac as unknown as [string, string, string, string];
    if (!MAC_ARCHS.has(arch)) throw usage(tag, `unknown macOS architecture \`${arch}\``);
    if (Number(major) < 10) throw usage(tag, "macOS versions start at 10");
    // A fat binary's machine is the one it runs natively on today: arm64 for universal2.
    const machine = arch === "universal2"
      ? "arm64"
      : arch === "i386" || arch === "ppc" || arch === "ppc64"
      ? arch
      : arch === "arm64"
      ? "arm64"
      : "x86_64";
    return {
      sysPlatform: "darwin",
      system: "Darwin",
      osName: "posix",
      machine,
      sysconfigPlatform: `macosx-${Number(major)}.${Number(minor)}-${arch}`,
      pointerBits: arch === "i386" || arch === "ppc" ? 32 : 64,
      libc: null,
    };
  }
  const linux = (arch: string, libc: TagInput["libc"]): PlatformFacts => {
    if (!/^[a-z0-9_]+$/.test(arch)) throw usage(tag, `unknown architecture \`${arch}\``);
    return {
      sysPlatform: "linux",
      system: "Linux",
      osName: "posix",
      machine: arch,
      sysconfigPlatform: `linux-${arch}`,
      pointerBits: LINUX_32_BIT.has(arch) ? 32 : 64,
      libc,
    };
  };
  const many = /^manylinux_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(tag);
  if (many !== null) {
    if (many[1] !== "2") throw usage(tag, "manylinux tags name a glibc 2.x version");
    return linux(many[3]!, { family: "glibc", version: `2.${Number(many[2])}` });
  }
  const legacy = /^(manylinux1|manylinux2010|manylinux2014)_([a-z0-9_]+)$/.exec(tag);
  if (legacy !== null) {
    return linux(legacy[2]!, { family: "glibc", version: LEGACY_GLIBC[legacy[1]!]! });
  }
  const musl = /^musllinux_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(tag);
  if (musl !== null) {
    if (musl[1] !== "1") throw usage(tag, "musllinux tags name a musl 1.x version");
    return linux(musl[3]!, { family: "musl", version: `1.${Number(musl[2])}` });
  }
  const plain = /^linux_([a-z0-9_]+)$/.exec(tag);
  if (plain !== null) return linux(plain[1]!, null);
  if (tag === "any") throw usage(tag, "`any` is not a machine; pure wheels fit every platform");
  throw usage(tag, "not a known platform tag");
}

/**
 * Splits a `--platforms` value (`win_amd64,macosx_11_0_arm64`; commas and spaces; repeated
 * flags joined) into distinct platform tags, in order.
 * @throws {UsageError} (exit 2) when the list is empty.
 */
export function parsePlatformList(values: readonly string[]): string[] {
  const out = [
    ...new Set(
      values.flatMap((v) => v.split(/[,\s]+/)).map((v) => v.trim().toLowerCase()).filter((v) =>
        v !== ""
      ),
    ),
  ];
  if (out.length === 0) {
    throw new UsageError("`--platforms` names no platform", {
      hint: "Give PEP 425 platform tags, e.g. --platforms win_amd64,manylinux_2_28_x86_64",
    });
  }
  return out;
}

/**
 * The machine a platform tag, a Python version and an implementation describe: its PEP 508
 * marker environment (`sys_platform`, `platform_system`, `platform_machine` as `platform.machine()`
 * spells it there, `os_name`, the Python versions, `implementation_name`,
 * `platform_python_implementation`; `platform_release` and `platform_version` empty) and its PEP
 * 425 tags (PEP 600/656 platforms down to the oldest glibc/musl with the legacy manylinux aliases,
 * every older macOS version and fat binary format, `abi3`, `none` and `pyXY` tags), as
 * `packaging.tags` computes them on such a machine.
 *
 * @throws {UsageError} (exit 2) for a platform tag, Python version or implementation that cannot
 *   be described (the message says which and why).
 */
export function targetPlatform(options: TargetPlatformOptions): TargetPlatform {
  const platform = options.platform.trim().toLowerCase();
  const implementation = (options.implementation ?? "cp").toLowerCase();
  if (implementation !== "cp" && implementation !== "cpython") {
    throw new UsageError(`Cannot target the implementation \`${options.implementation}\``, {
      hint:
        "Only CPython (`cp`) targets are synthesized; for another implementation use its interpreter with --python",
    });
  }
  const version = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(options.pythonVersion.trim());
  if (version === null || version[1] !== "3") {
    throw new UsageError(`\`${options.pythonVersion}\` is not a Python 3 version`, {
      hint: "Give `--python-version` as X.Y or X.Y.Z, e.g. 3.12",
    });
  }
  const major = Number(version[1]), minor = Number(version[2]);
  const full = `${major}.${minor}.${Number(version[3] ?? 0)}`;
  const facts = platformFacts(platform);
  const tagInput: TagInput = {
    implementation: "cpython",
    pythonVersion: [major, minor],
    platform: facts.sysconfigPlatform,
    soabi: null,
    freeThreaded: false,
    pointerBits: facts.pointerBits,
    libc: facts.libc,
  };
  return {
    platform,
    markers: {
      implementation_name: "cpython",
      implementation_version: full,
      os_name: facts.osName,
      platform_machine: facts.machine,
      platform_python_implementation: "CPython",
      platform_release: "",
      platform_system: facts.system,
      platform_version: "",
      python_full_version: full,
      python_version: `${major}.${minor}`,
      sys_platform: facts.sysPlatform,
    },
    tagInput,
    tags: supportedTags(tagInput),
    pythonFullVersion: full,
    description: `CPython ${major}.${minor} on ${platform}`,
  };
}
