/**
 * Progress of a long transfer (export, import, downloads) as the reporter's step message on
 * stderr: the spinner shows it on a terminal only, quiet with `-q`; updates are throttled.
 *
 * @module
 */
import type { Reporter } from "../../lib/events/mod.ts";
import { formatBytes } from "../_output.ts";

/** A progress callback that redraws at most every 100 ms: `verb` bytes of total (file). */
export function byteProgress(
  reporter: Reporter,
  verb: string,
): (p: { filename: string; bytes: number; total: number }) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 100 && p.bytes < p.total) return;
    last = now;
    const percent = p.total === 0 ? 100 : Math.floor((p.bytes / p.total) * 100);
    reporter.step(
      `${verb} ${formatBytes(p.bytes)} of ${formatBytes(p.total)} (${percent}%) ${p.filename}`,
    );
  };
}
