/**
 * Byte-compiling installed modules (`--compile`, as `pip install` does by default): one Python
 * process for the whole set, fed the file list on stdin, spreading the files over a process pool
 * when there are many.
 *
 * @module
 */
import { OperationError, throwIfInterrupted } from "../errors/mod.ts";

/** Run by the environment's interpreter; paths arrive NUL-separated on stdin. */
const COMPILE_SCRIPT = `
import compileall, os, sys
paths = [p for p in sys.stdin.buffer.read().decode("utf-8", "surrogateescape").split("\\0") if p]
def one(path):
    try:
        return bool(compileall.compile_file(path, quiet=2, force=True))
    except Exception:
        return False
results = None
if len(paths) >= 256 and (os.cpu_count() or 1) > 1:
    try:
        import concurrent.futures
        with concurrent.futures.ProcessPoolExecutor() as pool:
            results = list(pool.map(one, paths, chunksize=64))
    except Exception:
        results = None
if results is None:
    results = [one(p) for p in paths]
sys.stdout.write("%d %d\\n" % (sum(results), len(results) - sum(results)))
`;

/** What {@linkcode compileBytecode} did. */
export interface CompileResult {
  /** Files compiled to `__pycache__/*.pyc`. */
  compiled: number;
  /** Files that did not compile (syntax for another Python version; ignored, as pip does). */
  failed: number;
}

/**
 * Byte-compiles `files` (absolute `.py` paths) with `python` (the environment's interpreter) in
 * one process (`compileall.compile_file`, forced; `SOURCE_DATE_EPOCH` picks hash-based pycs as
 * `compileall` does). Files that fail to compile are counted, not fatal. Requires `--allow-run`.
 *
 * @throws {OperationError} `compile_failed` when the interpreter cannot run or dies.
 * @throws {InterruptedError} When `signal` was aborted by SIGINT/SIGTERM.
 */
export async function compileBytecode(
  python: string,
  files: readonly string[],
  signal?: AbortSignal,
): Promise<CompileResult> {
  if (files.length === 0) return { compiled: 0, failed: 0 };
  throwIfInterrupted(signal);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(python, {
      args: ["-I", "-c", COMPILE_SCRIPT],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      ...(signal === undefined ? {} : { signal }),
    }).spawn();
  } catch (error) {
    throw new OperationError(`Could not run ${python} to byte-compile`, "compile_failed", {
      cause: error,
      hint: "Check the environment's interpreter, or install without `--compile`",
    });
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(files.join("\0")));
  await writer.close();
  const out = await child.output();
  throwIfInterrupted(signal);
  const text = new TextDecoder().decode(out.stdout).trim();
  const m = /^(\d+) (\d+)$/.exec(text);
  if (!out.success || m === null) {
    throw new OperationError(`Byte-compiling with ${python} failed`, "compile_failed", {
      details: new TextDecoder().decode(out.stderr),
      hint: "Install without `--compile`; modules compile on first import anyway",
    });
  }
  return { compiled: Number(m[1]), failed: Number(m[2]) };
}
