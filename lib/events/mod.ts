/**
 * Events of long operations (progress steps, warnings, streamed tool output): the `Reporter`
 * that every area may report through. A foundation area: it imports nothing of gestvenv.
 *
 * @module
 */
export * from "./reporter.ts";
