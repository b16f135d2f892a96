/**
 * Process exit codes, as fixed by the feature reference (spec 001, "Codes de sortie").
 *
 * @module
 */

/** The exit codes gestvenv returns; every failure maps to exactly one of them. */
export const EXIT_CODE = {
  /** Success. */
  OK: 0,
  /** Any failure without a more precise code. */
  GENERAL: 1,
  /** The command line could not be understood (bad option, missing argument, invalid name). */
  USAGE: 2,
  /** The named environment does not exist. */
  ENVIRONMENT_NOT_FOUND: 3,
  /** A package or distribution could not be found. */
  PACKAGE_NOT_FOUND: 4,
  /** A network request failed. */
  NETWORK: 5,
  /** The configuration (file, key or value) is invalid. */
  CONFIG: 10,
  /** The installer backend (pip, uv) failed. */
  BACKEND: 20,
  /** The package cache failed. */
  CACHE: 30,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM (128 + 15). */
  TERMINATED: 143,
} as const;

/** One of the values of {@linkcode EXIT_CODE}. */
export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];
