/**
 * Spans and counters: where a command's time goes (`profile`, the operation log's `phases_ms`)
 * and what it cost (cache hits and misses, bytes downloaded, requests sent). The areas that do
 * the work call {@linkcode startSpan} and {@linkcode countEvent} on whatever sink they were given
 * (a `Reporter`, which extends {@linkcode SpanEvents}); when nobody listens, both cost one
 * property read.
 *
 * @module
 */

/**
 * The phases a command's time is split into:
 * - `startup`: reading the configuration, settings and project files before the command's work;
 * - `resolve`: choosing versions (the resolver, with the index pages it reads);
 * - `metadata`: fetching or building a distribution's core metadata (PEP 658, range requests,
 *   sdist metadata builds) while resolving;
 * - `download`: fetching an artifact into the cache (a cache miss);
 * - `unpack`: unpacking a wheel into the cache's file store (or reading its manifest);
 * - `link`: installing a wheel into an environment (links, scripts, RECORD);
 * - `compile`: byte-compiling the installed modules;
 * - `build`: building a wheel from an sdist or a directory (PEP 517/660);
 * - `virtualenv`: creating an environment's PEP 405 layout;
 * - `registry`: writing the environment registry.
 */
export type Phase =
  | "startup"
  | "resolve"
  | "metadata"
  | "download"
  | "unpack"
  | "link"
  | "compile"
  | "build"
  | "virtualenv"
  | "registry";

/** Every {@linkcode Phase}, in the order a command usually goes through them. */
export const PHASES: readonly Phase[] = [
  "startup",
  "resolve",
  "metadata",
  "download",
  "unpack",
  "link",
  "compile",
  "build",
  "virtualenv",
  "registry",
];

/**
 * The counters:
 * - `cache_hits`, `cache_misses`: artifacts an install asked the cache for, served from it or
 *   fetched (once per artifact per command, as `cache stats` counts them);
 * - `bytes_saved`: bytes of the artifacts served from the cache;
 * - `bytes_downloaded`: bytes of the artifacts fetched over the network into the cache;
 * - `index_requests`: HTTP requests sent (index pages, metadata, files; each attempt counts).
 */
export type Counter =
  | "cache_hits"
  | "cache_misses"
  | "bytes_saved"
  | "bytes_downloaded"
  | "index_requests";

/** Every {@linkcode Counter}. */
export const COUNTERS: readonly Counter[] = [
  "cache_hits",
  "cache_misses",
  "bytes_saved",
  "bytes_downloaded",
  "index_requests",
];

/** Where spans and counters go; both optional, so any sink (or none) works. */
export interface SpanEvents {
  /**
   * A span of `phase` starts now (`detail`: what it works on, such as a file or project name);
   * call the returned function when it ends (once; later calls are ignored by collectors).
   */
  span?: ((phase: Phase, detail?: string) => () => void) | undefined;
  /** Adds `amount` to `counter` (a count, or bytes for the `bytes_*` counters). */
  count?: ((counter: Counter, amount: number) => void) | undefined;
}

const NOTHING = (): void => {};

/**
 * Starts a span on `events` (a reporter, or undefined) and returns the function that ends it; a
 * do-nothing function when nobody listens.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SpanCollector, startSpan } from "@gestvenv/gestvenv";
 *
 * const collector = new SpanCollector();
 * const end = startSpan(collector, "resolve", "flask");
 * end();
 * assert.equal(collector.spans[0]?.phase, "resolve");
 * assert.equal(typeof startSpan(undefined, "link"), "function");
 * ```
 */
export function startSpan(
  events: SpanEvents | undefined,
  phase: Phase,
  detail?: string,
): () => void {
  return events?.span === undefined ? NOTHING : events.span(phase, detail);
}

/** Runs `fn` inside a span of `phase` on `events` (ended however `fn` ends). */
export async function withSpan<T>(
  events: SpanEvents | undefined,
  phase: Phase,
  detail: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const end = startSpan(events, phase, detail);
  try {
    return await fn();
  } finally {
    end();
  }
}

/** Adds `amount` (default 1) to `counter` on `events`, when it listens. */
export function countEvent(
  events: SpanEvents | undefined,
  counter: Counter,
  amount: number = 1,
): void {
  events?.count?.(counter, amount);
}
