/**
 * Events of long operations (progress steps, warnings, streamed tool output, spans of time and
 * counters): the `Reporter` that every area may report through, a fan-out that gives the same
 * events to several listeners, and the collector behind `profile` and the operation log's
 * figures. A foundation area: it imports nothing of gestvenv.
 *
 * @module
 */
export * from "./reporter.ts";
export * from "./spans.ts";
export * from "./span_collector.ts";
export * from "./fan_out.ts";
