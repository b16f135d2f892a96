import { UsageError } from "../errors/mod.ts";

/** Longest environment name accepted, in characters. */
export const MAX_ENVIRONMENT_NAME_LENGTH = 64;

/**
 * Checks an environment name: 1 to 64 characters among ASCII letters, digits, `.`, `_` and `-`,
 * not starting with `.` or `-` (so no `..`, no hidden directories, no option look-alikes), and no
 * path separators.
 *
 * @throws {UsageError} With the rule that was broken.
 */
export function validateEnvironmentName(name: string): void {
  const fail = (why: string): never => {
    throw new UsageError(`Invalid environment name \`${name}\`: ${why}`, {
      hint: "Use letters, digits, `.`, `_` and `-`, starting with a letter, digit or `_`",
    });
  };
  if (name.length === 0) fail("it is empty");
  if (name.length > MAX_ENVIRONMENT_NAME_LENGTH) {
    fail(`it is longer than ${MAX_ENVIRONMENT_NAME_LENGTH} characters`);
  }
  if (/[\\/]/.test(name)) fail("it contains a path separator");
  if (name.startsWith(".") || name.startsWith("-")) fail("it starts with `.` or `-`");
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    fail("it contains characters other than letters, digits, `.`, `_` and `-`");
  }
}

/** Whether `name` is a valid environment name (see {@linkcode validateEnvironmentName}). */
export function isValidEnvironmentName(name: string): boolean {
  try {
    validateEnvironmentName(name);
    return true;
  } catch {
    return false;
  }
}
