import type { TagInput } from "../pep425/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";

/** Installation paths of a scheme, relative to the environment root, with `/` separators. */
export interface SchemePaths {
  /** Pure-Python site-packages, e.g. `lib/python3.12/site-packages`. */
  purelib: string;
  /** Platform-specific site-packages (usually the same as purelib). */
  platlib: string;
  /** Scripts folder: `bin` on POSIX, `Scripts` on Windows. */
  scripts: string;
  /** C headers, e.g. `include/python3.12`. */
  include: string;
  /** Data root (usually empty: the environment root). */
  data: string;
}

/**
 * Everything gestvenv knows about one interpreter, from a single `python -I -B -c` probe.
 * Keys are snake_case because the object is stored and printed as JSON.
 */
export interface InterpreterInfo {
  /** `sys.implementation.name`: `cpython`, `pypy`, `graalpy`. */
  implementation: string;
  /** `platform.python_implementation()`: `CPython`, `PyPy`. */
  implementation_display: string;
  /** `platform.python_version()`, e.g. `3.12.1`. */
  version: string;
  /** `sys.version_info` as `[major, minor, micro, releaselevel, serial]`. */
  version_info: [number, number, number, string, number];
  /** `sys.executable` of the probed process. */
  executable: string;
  /** The base interpreter when the probed one is inside a virtual environment, else null. */
  base_executable: string | null;
  /** `sys.prefix`. */
  prefix: string;
  /** `sys.base_prefix` (or `sys.real_prefix`). */
  base_prefix: string;
  /** `sys.base_exec_prefix`. */
  base_exec_prefix: string;
  /** Standard library directory. */
  stdlib: string;
  /** The sysconfig scheme a new environment uses (`venv` on 3.11+), paths relative to its root. */
  scheme: { name: string; paths: SchemePaths };
  /** PEP 508 marker environment. */
  markers: MarkerEnvironment;
  /** `sysconfig.get_platform()`, e.g. `linux-x86_64`, `macosx-11.0-arm64`, `win-amd64`. */
  sysconfig_platform: string;
  /** `SOABI` config var, e.g. `cpython-312-x86_64-linux-gnu`, or null. */
  soabi: string | null;
  /** `EXT_SUFFIX` config var, or null. */
  ext_suffix: string | null;
  /** Free-threaded build (PEP 703). */
  gil_disabled: boolean;
  /** Pointer size in bits: 32 or 64. */
  pointer_size: 32 | 64;
  /** C library on Linux (`glibc` or `musl` with its version), null elsewhere. */
  libc: { family: "glibc" | "musl"; version: string | null } | null;
  /** `os.name`: `posix` or `nt`. */
  os_name: string;
}

/** A discovered interpreter: where it was found, and what it said about itself. */
export interface Interpreter {
  /** The path it was found at (may be a symlink, e.g. `/usr/bin/python3`). */
  path: string;
  /** The canonical path (symlinks resolved); the cache key. */
  realPath: string;
  /** Where it was found: `path`, `pyenv`, `system`, `py-launcher`, `windows-registry`, `request`. */
  source: string;
  /** The probe's answer. */
  info: InterpreterInfo;
}

/** `major.minor` of an interpreter, e.g. `3.12`. */
export function minorVersion(info: InterpreterInfo): string {
  return `${info.version_info[0]}.${info.version_info[1]}`;
}

/** The interpreter a new environment should link to: the base one when `info` is a venv's. */
export function baseExecutable(info: InterpreterInfo): string {
  return info.base_executable ?? info.executable;
}

/** What PEP 425 tags depend on, from an interpreter's probe (for `supportedTags` in lib/pep425). */
export function tagInput(info: InterpreterInfo): TagInput {
  return {
    implementation: info.implementation,
    pythonVersion: [info.version_info[0], info.version_info[1]],
    platform: info.sysconfig_platform,
    soabi: info.soabi,
    freeThreaded: info.gil_disabled,
    pointerBits: info.pointer_size,
    libc: info.libc,
  };
}
