/**
 * Turns lib progress callbacks into a spinner on stderr. The spinner only runs when stderr is a
 * terminal with a size and the run is not `--quiet`; otherwise steps are silent (or printed as
 * plain lines with `--verbose`).
 *
 * @module
 */
import type { ProgressUpdate, Reporter } from "../lib/events/mod.ts";
import { formatBytes, type Printer } from "./_output.ts";

const BAR_WIDTH = 20;

/** `Exporting [██████░░░░] 45% 12.0 MiB/26.7 MiB note`: one progress update as text. */
export function progressLine(update: ProgressUpdate): string {
  const { done, total, unit } = update;
  const fraction = total <= 0 ? 0 : Math.min(1, done / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const figure = (n: number) => unit === "bytes" ? formatBytes(n) : String(n);
  const amount = total > 0 ? `${figure(done)}/${figure(total)}` : figure(done);
  const bar = total > 0
    ? `[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${
      String(Math.floor(fraction * 100)).padStart(3)
    }% `
    : "";
  return `${update.label} ${bar}${amount}${update.note ? ` ${update.note}` : ""}`;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function spinnerAllowed(printer: Printer): boolean {
  if (printer.quiet || printer.verbose || !Deno.stderr.isTerminal()) return false;
  try {
    return Deno.consoleSize().columns > 0;
  } catch {
    return false;
  }
}

/** A reporter that draws a spinner for each step, and streams backend output with `--verbose`. */
export function createReporter(printer: Printer): Reporter {
  const encoder = new TextEncoder();
  const spin = spinnerAllowed(printer);
  let timer: ReturnType<typeof setInterval> | undefined;
  let message = "";
  let started = 0;
  const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));
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
          `\r\x1b[2K${printer.err.cyan(FRAMES[frame++ % FRAMES.length]!)} ${shown} ${
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
      message = progressLine(update);
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
