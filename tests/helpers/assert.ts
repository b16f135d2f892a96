/**
 * The few assertions the tests use (JSR's `@std/assert` is not reachable here).
 *
 * @module
 */
import { deepStrictEqual } from "node:assert";

/** Throws when `condition` is falsy. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

/** Deep equality (node's `deepStrictEqual`). */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  deepStrictEqual(actual, expected, message);
}

/** `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, message?: string): void {
  if (!text.includes(part)) {
    throw new Error(message ?? `expected to find ${JSON.stringify(part)} in:\n${text}`);
  }
}

/** `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(text)) throw new Error(message ?? `expected ${pattern} to match:\n${text}`);
}

/** `fn` rejects with an error of class `type` whose message includes `includes`. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  type: new (...args: any[]) => Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof type)) throw new Error(`expected ${type.name}, got ${error}`);
    if (includes !== undefined && !error.message.includes(includes)) {
      throw new Error(`expected message to include ${JSON.stringify(includes)}: ${error.message}`);
    }
    return error;
  }
  throw new Error(`expected ${type.name} to be thrown`);
}

/** `fn` throws an error of class `type` whose message includes `includes`. */
export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  type: new (...args: any[]) => Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof type)) throw new Error(`expected ${type.name}, got ${error}`);
    if (includes !== undefined && !error.message.includes(includes)) {
      throw new Error(`expected message to include ${JSON.stringify(includes)}: ${error.message}`);
    }
    return error;
  }
  throw new Error(`expected ${type.name} to be thrown`);
}
