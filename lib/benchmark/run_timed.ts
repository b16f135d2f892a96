/**
 * Running one benchmarked command: a whole process, its wall time measured around spawn and
 * exit (what `hyperfine -N` and the scripts measure), its output captured for the error when it
 * fails.
 *
 * @module
 */
import { InterruptedError, OperationError, redactUrlsIn } from "../errors/mod.ts";

/** How {@linkcode runTimed} runs a command. */
export interface RunTimedOptions {
  /** The whole environment of the process. */
  env: Record<string, string>;
  /** Working directory. @default this process's */
  cwd?: string;
  /** Aborting kills the process (SIGTERM) and throws {@linkcode InterruptedError}. */
  signal?: AbortSignal | undefined;
}

/**
 * `argv` as one POSIX shell command line (single quotes where needed), for reports and errors;
 * credentials in URLs are removed.
 */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => redactUrlsIn(a)).map((a) =>
    /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'"'"'`)}'`
  ).join(" ");
}

/**
 * Runs `argv` to completion with exactly `options.env` (nothing inherited) and returns its wall
 * time in milliseconds (spawn to exit) and its stdout.
 * @throws {OperationError} (`benchmark_command_failed`) with the command line and the end of its
 *   output when it exits non-zero.
 * @throws {InterruptedError} When `options.signal` is aborted (the process is killed first).
 */
export async function runTimed(
  argv: readonly string[],
  options: RunTimedOptions,
): Promise<{ ms: number; stdout: string }> {
  const signal = options.signal;
  const interrupted = () =>
    new InterruptedError(signal?.reason === "SIGTERM" ? "SIGTERM" : "SIGINT");
  if (signal?.aborted) throw interrupted();
  const start = performance.now();
  const child = new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env: options.env,
    clearEnv: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const kill = () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
  };
  signal?.addEventListener("abort", kill, { once: true });
  let out: Deno.CommandOutput;
  try {
    out = await child.output();
  } finally {
    signal?.removeEventListener("abort", kill);
  }
  const ms = performance.now() - start;
  if (signal?.aborted) throw interrupted();
  const text = new TextDecoder();
  const stdout = text.decode(out.stdout);
  if (!out.success) {
    const tail = redactUrlsIn((stdout + text.decode(out.stderr)).trim().slice(-3000));
    throw new OperationError(
      `A benchmarked command failed (exit ${out.code}): ${shellLine(argv)}\n${tail}`,
      "benchmark_command_failed",
      { hint: "Run that command yourself to see why; the benchmark measures only what succeeds" },
    );
  }
  return { ms, stdout };
}
