/**
 * Turns lib progress callbacks into a spinner on stderr. The spinner only runs when stderr is a
 * terminal with a size and the run is not `--quiet`; otherwise steps are silent (or printed as
 * plain lines with `--verbose`).
 *
 * @module
 */
import {
  COUNTERS,
  emptyCounters,
  type ProgressUpdate,
  type Reporter,
  type ReporterListener,
} from "../lib/events/mod.ts";
import { GestvenvError, UsageError } from "../lib/errors/mod.ts";
import { formatBytes, type Printer } from "./_output.ts";

const BAR_WIDTH = 20;

/** How progress is drawn (`ui.progress_style`, `general.emoji_support`). */
export interface ProgressLook {
  /** `bar`: a bar and figures; `spinner`: figures only; `none`: nothing. @default "bar" */
  style?: "bar" | "spinner" | "none";
  /** Unicode frames and bar blocks; false: ASCII (`|/-\\`, `#`, `.`). @default true */
  emoji?: boolean;
}

/** `Exporting [██████░░░░] 45% 12.0 MiB/26.7 MiB note`: one progress update as text. */
export function progressLine(update: ProgressUpdate, look: ProgressLook = {}): string {
  const { done, total, unit } = update;
  const fraction = total <= 0 ? 0 : Math.min(1, done / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const figure = (n: number) => unit === "bytes" ? formatBytes(n) : String(n);
  const amount = total > 0 ? `${figure(done)}/${figure(total)}` : figure(done);
  const [full, empty] = look.emoji === false ? ["#", "."] : ["█", "░"];
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}% `;
  const bar = total <= 0
    ? ""
    : look.style === "spinner"
    ? percent
    : `[${full.repeat(filled)}${empty.repeat(BAR_WIDTH - filled)}] ${percent}`;
  return `${update.label} ${bar}${amount}${update.note ? ` ${update.note}` : ""}`;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const ASCII_FRAMES = ["|", "/", "-", "\\"];

function spinnerAllowed(printer: Printer, look: ProgressLook): boolean {
  if (look.style === "none") return false;
  if (printer.quiet || printer.verbose || !printer.terminal.stderrIsTerminal) return false;
  try {
    return Deno.consoleSize().columns > 0;
  } catch {
    return false;
  }
}

/**
 * A reporter that draws a spinner for each step, and streams backend output with `--verbose`.
 * `look.style` `none` (`ui.progress_style`, or `general.show_progress = false`) draws nothing.
 */
export function createReporter(printer: Printer, look: ProgressLook = {}): Reporter {
  const spin = spinnerAllowed(printer, look);
  const frames = look.emoji === false ? ASCII_FRAMES : FRAMES;
  let timer: ReturnType<typeof setInterval> | undefined;
  let message = "";
  let started = 0;
  const write = (text: string) => printer.terminal.stderr(text);
  const clear = () => write("\r\x1b[2K");
  const stop = () => {
    if (timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
      clear();
    }
  };
  /** Starts the spinner over `message` (the caller set it). */
  const start = () => {
    started = performance.now();
    if (spin) {
      let frame = 0;
      const width = Math.max(10, Deno.consoleSize().columns - 12);
      const draw = () => {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const shown = message.length > width ? `${message.slice(0, width - 1)}…` : message;
        write(
          `\r\x1b[2K${printer.err.cyan(frames[frame++ % frames.length]!)} ${shown} ${
            printer.err.dim(`${seconds}s`)
          }`,
        );
      };
      draw();
      timer = setInterval(draw, 80);
    }
  };
  return {
    step(text: string) {
      stop();
      message = text;
      start();
      if (!spin && printer.verbose) printer.info(printer.err.bold(`${text}…`));
    },
    progress(update: ProgressUpdate) {
      // The spinner redraws the message every 80 ms: an update only changes the text.
      message = progressLine(update, look);
      if (timer === undefined) start();
    },
    done() {
      stop();
    },
    warn(text: string) {
      stop();
      printer.warn(text);
    },
    output: printer.verbose ? (line: string) => printer.raw(line) : undefined,
  };
}

/** What {@linkcode openLogFile} opened: the listener to add to the reporter, and its end. */
export interface LogFileSink {
  /** Receives the command's steps, warnings, backend output, spans and counters. */
  listener: ReporterListener;
  /** Writes the command's end (exit code, error with its stack, counters) and closes the file. */
  close(exitCode: number, error: unknown, elapsedMs: number): void;
}

/**
 * `--log-file FILE`: opens FILE for appending (created when missing) and returns a listener that
 * writes one timestamped line per event (`2026-11-30T08:00:00.000Z [pid] step Resolving…`): the
 * command line, steps, warnings, backend output, each span with its duration, and at the end the
 * exit code, the error (with its stack) and the counters. Works with or without `--verbose`.
 *
 * @throws {UsageError} (exit 2) When FILE cannot be opened for appending.
 */
export async function openLogFile(path: string, commandLine: string): Promise<LogFileSink> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { append: true, create: true });
  } catch (error) {
    throw new UsageError(
      `Cannot open the log file ${path}: ${error instanceof Error ? error.message : error}`,
      { hint: "Give --log-file a path in a directory you can write to" },
    );
  }
  const encoder = new TextEncoder();
  const counters = emptyCounters();
  let open = true;
  const write = (kind: string, text: string) => {
    if (!open) return;
    const lines = text.split("\n").map((line) =>
      `${new Date().toISOString()} [${Deno.pid}] ${kind} ${line}\n`
    );
    try {
      const bytes = encoder.encode(lines.join(""));
      let written = 0;
      while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    } catch {
      open = false; // A full disk or a revoked file never fails the command.
    }
  };
  write("start", commandLine);
  return {
    listener: {
      step: (message) => write("step", message),
      warn: (message) => write("warn", message),
      output: (line) => write("output", line),
      span: (phase, detail) => {
        const started = performance.now();
        let ended = false;
        return () => {
          if (ended) return;
          ended = true;
          const ms = (performance.now() - started).toFixed(1);
          write("span", `${phase}${detail === undefined ? "" : ` ${detail}`} ${ms} ms`);
        };
      },
      count: (counter, amount) => {
        counters[counter] += amount;
      },
    },
    close(exitCode, error, elapsedMs) {
      if (error !== undefined) {
        const e = error instanceof Error ? error : new Error(String(error));
        write("error", e.message);
        if (error instanceof GestvenvError && error.hint !== undefined) write("hint", error.hint);
        if (e.stack !== undefined) write("stack", e.stack);
      }
      write(
        "counters",
        COUNTERS.map((c) => `${c}=${counters[c]}`).join(" "),
      );
      write("end", `exit ${exitCode} after ${elapsedMs.toFixed(1)} ms`);
      open = false;
      file.close();
    },
  };
}
