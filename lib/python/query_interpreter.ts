import { join } from "../paths/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { PROBE_SCRIPT } from "./_probe_script.ts";
import type { InterpreterInfo } from "./interpreter_info.ts";

/** Name of the cache bucket holding probe answers; bump the suffix when the format changes. */
export const INTERPRETER_CACHE_BUCKET = "interpreter-v1";

interface CacheRecord {
  real_path: string;
  mtime_ms: number;
  size: number;
  os_release: string;
  info: InterpreterInfo;
}

/** Options for {@linkcode queryInterpreter}. */
export interface QueryInterpreterOptions {
  /** Cache root (gestvenv's `cache` dir); when undefined the answer is not cached. */
  cacheDir?: string | undefined;
  /** Kill the probe after this many milliseconds. @default 15000 */
  timeoutMs?: number;
}

async function cacheFile(cacheDir: string, realPath: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(realPath));
  const hex = Array.from(
    new Uint8Array(digest).slice(0, 12),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  return join(cacheDir, INTERPRETER_CACHE_BUCKET, `${hex}.json`);
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
 * on-disk cache when the interpreter's canonical path, mtime, size and the OS release are
 * unchanged (so later calls spawn nothing). Cache writes are atomic.
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
  const stat = await Deno.stat(realPath);
  const mtimeMs = stat.mtime?.getTime() ?? 0;
  const osRelease = Deno.osRelease();
  const file = cacheDir === undefined ? undefined : await cacheFile(cacheDir, realPath);
  if (file !== undefined) {
    try {
      const record = JSON.parse(await Deno.readTextFile(file)) as CacheRecord;
      if (
        record.real_path === realPath && record.mtime_ms === mtimeMs && record.size === stat.size &&
        record.os_release === osRelease
      ) {
        return { realPath, info: record.info };
      }
    } catch {
      // Missing or unreadable entry: probe again and overwrite it.
    }
  }
  const info = await runProbe(path, realPath, timeoutMs);
  if (file !== undefined) {
    const record: CacheRecord = {
      real_path: realPath,
      mtime_ms: mtimeMs,
      size: stat.size,
      os_release: osRelease,
      info,
    };
    await atomicWriteFile(file, JSON.stringify(record)).catch(() => {});
  }
  return { realPath, info };
}
