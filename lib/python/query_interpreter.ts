import { join } from "../paths/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { PROBE_SCRIPT } from "./_probe_script.ts";
import type { InterpreterInfo } from "./interpreter_info.ts";

/**
 * Name of the cache bucket holding probe answers; the suffix is the entry format version (2: each
 * entry carries its identity and a checksum), bumped whenever the format changes.
 */
export const INTERPRETER_CACHE_BUCKET = "interpreter-v2";

/** Format version written in each entry (`format`), matching the bucket's suffix. */
const ENTRY_FORMAT = 2;

/**
 * One cache entry: the interpreter's identity when it was probed, the probe's answer, and a
 * checksum of everything else in the entry.
 */
export interface InterpreterCacheEntry {
  /** Entry format version (2). */
  format: number;
  /** Canonical path of the interpreter binary. */
  real_path: string;
  /** Size of the binary in bytes. */
  size: number;
  /** Modification time of the binary, in ms since the epoch. */
  mtime_ms: number;
  /** Inode and device of the binary (null where the OS has none). */
  ino: number | null;
  /** Device number of the binary (see `ino`). */
  dev: number | null;
  /** `Deno.osRelease()` when probed: an OS upgrade can change what the interpreter reports. */
  os_release: string;
  /** What the probe reported. */
  info: InterpreterInfo;
  /** `sha256:<hex>` of the other fields (see {@linkcode interpreterCacheChecksum}). */
  checksum: string;
}

/** Options for {@linkcode queryInterpreter}. */
export interface QueryInterpreterOptions {
  /** Cache root (gestvenv's `cache` dir); when undefined the answer is not cached. */
  cacheDir?: string | undefined;
  /** Kill the probe after this many milliseconds. @default 15000 */
  timeoutMs?: number;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * The checksum of a cache entry: `sha256:` and the hex SHA-256 of the canonical JSON (keys sorted)
 * of every field but `checksum`. An entry whose stored checksum differs was not written whole by
 * gestvenv (truncated, edited, or written by something else) and is not trusted.
 */
export async function interpreterCacheChecksum(
  entry: Omit<InterpreterCacheEntry, "checksum">,
): Promise<string> {
  const { checksum: _ignored, ...fields } = entry as InterpreterCacheEntry;
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(canonicalJson(fields)),
  );
  return `sha256:${hex(digest)}`;
}

/** The cache file of the interpreter at `realPath`: `<cache>/interpreter-v2/<hash of path>.json`. */
export async function interpreterCacheFile(cacheDir: string, realPath: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(realPath));
  return join(cacheDir, INTERPRETER_CACHE_BUCKET, `${hex(digest).slice(0, 24)}.json`);
}

/** Whether `info` has the shape of a probe answer (the fields gestvenv relies on). */
function looksLikeInfo(info: unknown): info is InterpreterInfo {
  const i = info as Partial<InterpreterInfo> | null;
  return i !== null && typeof i === "object" && typeof i.version === "string" &&
    /^\d+\.\d+/.test(i.version) && typeof i.implementation === "string" &&
    Array.isArray(i.version_info) && typeof i.markers === "object" && i.markers !== null &&
    typeof i.scheme?.paths?.purelib === "string";
}

/** The identity fields of the interpreter binary at `realPath`, now. */
async function identify(
  realPath: string,
): Promise<Omit<InterpreterCacheEntry, "info" | "checksum">> {
  const stat = await Deno.stat(realPath);
  return {
    format: ENTRY_FORMAT,
    real_path: realPath,
    size: stat.size,
    mtime_ms: stat.mtime?.getTime() ?? 0,
    ino: stat.ino,
    dev: stat.dev,
    os_release: Deno.osRelease(),
  };
}

/**
 * The cached answer in `file` when it can be trusted: the entry parses, has this format, its
 * checksum matches its content, its info is well-formed, and the interpreter's identity (real
 * path, size, mtime, inode, device, OS release) is unchanged. Anything else is undefined.
 */
async function readTrustedEntry(
  file: string,
  identity: Omit<InterpreterCacheEntry, "info" | "checksum">,
): Promise<InterpreterInfo | undefined> {
  let entry: InterpreterCacheEntry;
  try {
    entry = JSON.parse(await Deno.readTextFile(file)) as InterpreterCacheEntry;
  } catch {
    return undefined;
  }
  if (entry === null || typeof entry !== "object" || typeof entry.checksum !== "string") {
    return undefined;
  }
  if (entry.checksum !== await interpreterCacheChecksum(entry)) return undefined;
  for (const [key, value] of Object.entries(identity)) {
    if (entry[key as keyof typeof identity] !== value) return undefined;
  }
  return looksLikeInfo(entry.info) ? entry.info : undefined;
}

async function runProbe(
  path: string,
  realPath: string,
  timeoutMs: number,
): Promise<InterpreterInfo> {
  // -I (isolated) appeared in 3.4; 2.7 and older 3.x take -E -s instead.
  for (const flags of [["-I", "-B"], ["-E", "-s", "-B"]]) {
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(realPath, {
        args: [...flags, "-c", PROBE_SCRIPT],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { PYTHONIOENCODING: "utf-8" },
        signal: AbortSignal.timeout(timeoutMs),
      }).output();
    } catch (error) {
      throw new OperationError(
        `Cannot run the interpreter ${path}: ${(error as Error).message}`,
        "interpreter_failed",
        {
          cause: error,
          hint: "Check that the file is a working Python interpreter",
        },
      );
    }
    if (output.success) {
      const text = new TextDecoder().decode(output.stdout);
      try {
        return JSON.parse(text) as InterpreterInfo;
      } catch (error) {
        throw new OperationError(
          `Cannot read the answer of the interpreter ${path}`,
          "interpreter_failed",
          {
            cause: error,
            details: text.slice(0, 2000),
          },
        );
      }
    }
    const stderr = new TextDecoder().decode(output.stderr);
    if (!/unknown option|-I/i.test(stderr)) {
      throw new OperationError(
        `The interpreter ${path} failed to describe itself`,
        "interpreter_failed",
        {
          details: stderr.trim().slice(-2000),
          hint: "Check that the file is a working Python interpreter",
        },
      );
    }
  }
  throw new OperationError(
    `The interpreter ${path} failed to describe itself`,
    "interpreter_failed",
  );
}

/**
 * Describes the interpreter at `path` by running it once (`python -I -B -c <probe>`), or from the
 * on-disk cache. A cache entry is trusted only when its own checksum matches its content and the
 * interpreter's identity (canonical path, size, mtime, inode, device, OS release) is unchanged;
 * otherwise, even when the entry is well-formed, the interpreter is probed again and the entry
 * rewritten (atomically). So later calls spawn nothing, and a damaged or edited entry never lies.
 *
 * Requires `--allow-run`, `--allow-read`, `--allow-write` (cache) and `--allow-sys` (OS release).
 *
 * @returns The probe's answer and the canonical path it is cached under.
 * @throws {OperationError} If the file cannot be run or does not answer like a Python interpreter.
 */
export async function queryInterpreter(
  path: string,
  options: QueryInterpreterOptions = {},
): Promise<{ realPath: string; info: InterpreterInfo }> {
  const { cacheDir, timeoutMs = 15_000 } = options;
  const realPath = await Deno.realPath(path);
  const identity = await identify(realPath);
  const file = cacheDir === undefined ? undefined : await interpreterCacheFile(cacheDir, realPath);
  if (file !== undefined) {
    const cached = await readTrustedEntry(file, identity);
    if (cached !== undefined) return { realPath, info: cached };
  }
  const info = await runProbe(path, realPath, timeoutMs);
  if (file !== undefined) {
    const entry = { ...identity, info };
    const checksum = await interpreterCacheChecksum(entry);
    await atomicWriteFile(file, JSON.stringify({ ...entry, checksum })).catch(() => {});
  }
  return { realPath, info };
}
