/**
 * The progress and event sink of every long operation. `lib/` reports through a `Reporter` and
 * never prints; a front end (the CLI's spinner in `commands/_reporters.ts`, a test, a library
 * user) decides how to show it.
 *
 * @module
 */

/** Progress callbacks; lib code reports through these and never prints. */
export interface Reporter {
  /** A step of a long operation starts (e.g. "Installing flask"). */
  step(message: string): void;
  /** A step ended. */
  done(): void;
  /** A warning the user should see. */
  warn(message: string): void;
  /** A line of backend output, when the caller wants it streamed. */
  output?: ((line: string) => void) | undefined;
}

/** A reporter that drops everything. */
export const SILENT_REPORTER: Reporter = { step() {}, done() {}, warn() {} };
