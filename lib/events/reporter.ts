/**
 * The progress and event sink of every long operation. `lib/` reports through a `Reporter` and
 * never prints; a front end (the CLI's spinner in `commands/_reporters.ts`, a test, a library
 * user) decides how to show it.
 *
 * @module
 */
import type { SpanEvents } from "./spans.ts";

/**
 * Progress callbacks; lib code reports through these and never prints. Its optional `span` and
 * `count` ({@linkcode SpanEvents}) say where the time goes and what the work cost.
 */
export interface Reporter extends SpanEvents {
  /** A step of a long operation starts (e.g. "Installing flask"). */
  step(message: string): void;
  /** A step ended. */
  done(): void;
  /** A warning the user should see. */
  warn(message: string): void;
  /** A line of backend output, when the caller wants it streamed. */
  output?: ((line: string) => void) | undefined;
  /**
   * The current step advanced: `done` of `total` (bytes, or items such as files), with what it is
   * doing now (`Exporting numpy-2.0-…whl`). Call as often as convenient: the front end throttles
   * its drawing; a step (or `done()`) ends the bar.
   */
  progress?: ((update: ProgressUpdate) => void) | undefined;
}

/** One {@linkcode Reporter.progress} update. */
export interface ProgressUpdate {
  /** What is being done, for people (`Downloading`, `Verifying numpy-2.0-….whl`). */
  label: string;
  /** How much is done, in `unit`s. */
  done: number;
  /** The whole, in `unit`s (0 when unknown). */
  total: number;
  /** `bytes` (shown as KiB/MiB) or `items` (shown as counts). */
  unit: "bytes" | "items";
  /** A short note after the figures (`3/8 files`). */
  note?: string | undefined;
}

/** A reporter that drops everything. */
export const SILENT_REPORTER: Reporter = { step() {}, done() {}, warn() {} };
