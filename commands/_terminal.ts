/**
 * Where a command's output goes. On the command line that is the process's stdout and stderr;
 * the dashboard (issue 13) runs the same commands in-process with a {@linkcode Terminal} of its
 * own, so its API returns exactly the documents `--format json` prints and its pages receive the
 * same progress events, through one code path.
 *
 * @module
 */
import type { ReporterListener } from "../lib/events/mod.ts";

/** The streams and switches a command runs with (see {@linkcode PROCESS_TERMINAL}). */
export interface Terminal {
  /** Writes text (lines end with `\n`) to the data stream. */
  stdout(text: string): void;
  /** Writes text to the message stream (messages, warnings, errors, progress). */
  stderr(text: string): void;
  /** Whether the data stream is a terminal (colors on stdout). */
  readonly stdoutIsTerminal: boolean;
  /** Whether the message stream is a terminal (colors, spinners on stderr). */
  readonly stderrIsTerminal: boolean;
  /** Whether questions may be asked on stdin (confirmations, prompts). */
  readonly interactive: boolean;
  /** Receive the events (steps, spans, progress) of the commands run with this terminal. */
  readonly listeners?: readonly ReporterListener[];
  /**
   * Aborting it stops a changing command the way Ctrl-C does (it rolls back at its next step):
   * the dashboard's cancel button.
   */
  readonly signal?: AbortSignal;
  /**
   * The command line being run, as the operation log and lock notes record it; the process's
   * arguments when undefined (the dashboard runs other command lines than its own).
   */
  readonly args?: readonly string[];
}

const encoder = new TextEncoder();

/** The process's own streams: what `gestvenv` on the command line writes to. */
export const PROCESS_TERMINAL: Terminal = {
  stdout: (text) => void Deno.stdout.writeSync(encoder.encode(text)),
  stderr: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
  get stdoutIsTerminal() {
    return Deno.stdout.isTerminal();
  },
  get stderrIsTerminal() {
    return Deno.stderr.isTerminal();
  },
  get interactive() {
    return Deno.stdin.isTerminal() && Deno.stderr.isTerminal();
  },
};

/** A {@linkcode Terminal} that keeps what was written, for callers that run commands in-process. */
export interface CapturedTerminal extends Terminal {
  /** Everything written to stdout so far. */
  readonly out: string;
  /** Everything written to stderr so far. */
  readonly err: string;
}

/** Characters of stderr a {@linkcode captureTerminal} keeps by default (the last ones): 1 MiB. */
export const CAPTURED_STDERR_LIMIT = 1 << 20;

/**
 * A non-interactive terminal that keeps stdout and stderr in memory (no colors, no spinner, no
 * questions: a confirmation is refused unless `--yes` was passed, as in a pipe). `onStderr`
 * receives each stderr write as it happens (the dashboard streams it to the page). stdout is
 * kept whole (it is the JSON document); of stderr only the last `stderrLimit` characters
 * (default {@linkcode CAPTURED_STDERR_LIMIT}) are kept, so a long command cannot fill memory.
 */
export function captureTerminal(
  options: {
    listeners?: readonly ReporterListener[];
    signal?: AbortSignal;
    onStderr?: (text: string) => void;
    args?: readonly string[];
    stderrLimit?: number;
  } = {},
): CapturedTerminal {
  let out = "";
  let err = "";
  const limit = options.stderrLimit ?? CAPTURED_STDERR_LIMIT;
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => {
      err += text;
      if (err.length > limit) err = err.slice(err.length - limit);
      options.onStderr?.(text);
    },
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    interactive: false,
    ...(options.listeners === undefined ? {} : { listeners: options.listeners }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.args === undefined ? {} : { args: options.args }),
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}
