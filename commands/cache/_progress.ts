/**
 * Progress of a long transfer (export, import) as a bar in the reporter's step message on
 * stderr: the spinner shows it on a terminal only, and nothing with `-q`; redrawn at most every
 * 100 ms.
 *
 * @module
 */
import type { Reporter } from "../../lib/events/mod.ts";
import { formatBytes } from "../_output.ts";

const WIDTH = 20;

/** `[██████░░░░░░] 45%` for `done` of `total`. */
export function progressBar(done: number, total: number): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * WIDTH);
  return `[${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}] ${
    String(Math.floor(fraction * 100)).padStart(3)
  }%`;
}

/** A progress callback that redraws at most every 100 ms: `verb [bar] bytes of total file`. */
export function byteProgress(
  reporter: Reporter,
  verb: string,
): (p: { filename: string; bytes: number; total: number }) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 100 && p.bytes < p.total) return;
    last = now;
    reporter.step(
      `${verb} ${progressBar(p.bytes, p.total)} ${formatBytes(p.bytes)}/${
        formatBytes(p.total)
      } ${p.filename}`,
    );
  };
}
