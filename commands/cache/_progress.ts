/**
 * Progress of a long transfer (export, import) through the reporter's `progress` event, which
 * the CLI draws as a bar on stderr (terminal only, nothing with `-q`; see `commands/_reporters.ts`).
 *
 * @module
 */
import type { Reporter } from "../../lib/events/mod.ts";

/** A bundle progress callback that reports `verb FILE` with the bytes done of the total. */
export function byteProgress(
  reporter: Reporter,
  verb: string,
): (p: { filename: string; bytes: number; total: number }) => void {
  return (p) =>
    reporter.progress?.({
      label: verb,
      done: p.bytes,
      total: p.total,
      unit: "bytes",
      note: p.filename,
    });
}
