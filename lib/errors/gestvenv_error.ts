import { EXIT_CODE, type ExitCode } from "./exit_code.ts";

/** Options for {@linkcode GestvenvError}. */
export interface GestvenvErrorOptions {
  /** What the user can do next; printed after the message as `hint: ...`. */
  hint?: string | undefined;
  /** The error that caused this one. */
  cause?: unknown;
  /** Extra text to show below the message (e.g. a backend's own output). */
  details?: string | undefined;
}

/**
 * Base class of every error gestvenv raises on purpose. It carries the exit code of the spec
 * (001, "Codes de sortie"), a stable machine-readable `code`, and a `hint` telling the user
 * what to do next. Anything that is not a `GestvenvError` is a bug and exits with code 1.
 */
export class GestvenvError extends Error {
  /** Process exit code for this failure. */
  readonly exitCode: ExitCode;
  /** Stable snake_case identifier for JSON output (e.g. `environment_not_found`). */
  readonly code: string;
  /** What to do next, or undefined. */
  readonly hint: string | undefined;
  /** Extra diagnostic text (e.g. captured backend output), or undefined. */
  readonly details: string | undefined;

  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param exitCode The process exit code (see {@linkcode EXIT_CODE}).
   * @param code A stable snake_case identifier for JSON output.
   * @param options A hint, a cause and details.
   */
  constructor(
    message: string,
    exitCode: ExitCode,
    code: string,
    options: GestvenvErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** The command line or an argument is invalid (exit 2). */
export class UsageError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, options: GestvenvErrorOptions = {}) {
    super(message, EXIT_CODE.USAGE, "usage", options);
  }
}

/** A named environment does not exist (exit 3). */
export class EnvironmentNotFoundError extends GestvenvError {
  /** The name that was looked up. */
  readonly environment: string;
  /**
   * Creates the error.
   *
   * @param name The environment name that was looked up.
   * @param options Overrides the default hint; a cause.
   */
  constructor(name: string, options: GestvenvErrorOptions = {}) {
    super(
      `Environment \`${name}\` does not exist`,
      EXIT_CODE.ENVIRONMENT_NOT_FOUND,
      "environment_not_found",
      {
        hint: "Run `gestvenv list` to see the environments, or `gestvenv create " + name +
          "` to make it",
        ...options,
      },
    );
    this.environment = name;
  }
}

/** A package or distribution cannot be found (exit 4). */
export class PackageNotFoundError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, options: GestvenvErrorOptions = {}) {
    super(message, EXIT_CODE.PACKAGE_NOT_FOUND, "package_not_found", options);
  }
}

/** A network operation failed (exit 5). */
export class NetworkError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, options: GestvenvErrorOptions = {}) {
    super(message, EXIT_CODE.NETWORK, "network", options);
  }
}

/** The configuration file, a key or a value is invalid (exit 10). */
export class ConfigError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, options: GestvenvErrorOptions = {}) {
    super(message, EXIT_CODE.CONFIG, "config", options);
  }
}

/** The installer backend failed; `details` holds its own output (exit 20). */
export class BackendError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, options: GestvenvErrorOptions = {}) {
    super(message, EXIT_CODE.BACKEND, "backend", options);
  }
}

/** The package cache failed (exit 30). */
export class CacheError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, options: GestvenvErrorOptions = {}) {
    super(message, EXIT_CODE.CACHE, "cache", options);
  }
}

/** A general failure with a known cause (exit 1): filesystem, interpreter, registry. */
export class OperationError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param code A stable snake_case identifier (e.g. `interpreter_not_found`).
   * @param options A hint, a cause and details.
   */
  constructor(message: string, code: string, options: GestvenvErrorOptions = {}) {
    super(message, EXIT_CODE.GENERAL, code, options);
  }
}

/**
 * Text that should follow a packaging standard does not (exit 2): a version (PEP 440), a
 * requirement (PEP 508), a file name (PEP 427), a requirements file. `source` names where the
 * text came from (`requirements.txt:12`, `flask 2.0 METADATA`) when known.
 */
export class InvalidSyntaxError extends GestvenvError {
  /** Where the text came from, or undefined. */
  readonly source: string | undefined;
  /**
   * Creates the error.
   *
   * @param message What is wrong with the text.
   * @param source Where the text came from (`requirements.txt:12`), when known.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, source?: string, options: GestvenvErrorOptions = {}) {
    super(
      source === undefined ? message : `${source}: ${message}`,
      EXIT_CODE.USAGE,
      "invalid_syntax",
      options,
    );
    this.source = source;
  }
}

/**
 * A distribution file (wheel, sdist) or a part of one (METADATA, PKG-INFO, a `.metadata` file,
 * PEP 658) is corrupt, hostile or larger than gestvenv accepts (exit 1). It is a fault of the
 * artifact, not of the command line (exit 2) nor of the network (exit 5) nor of the cache (30):
 * re-running will not help, another version or another index might. `source` names the file
 * (`demo-1.0-py3-none-any.whl`) when known.
 */
export class DistributionError extends GestvenvError {
  /** The distribution file at fault, or undefined. */
  readonly source: string | undefined;
  /**
   * Creates the error.
   *
   * @param message What is wrong with the file.
   * @param source The distribution file at fault (`demo-1.0-py3-none-any.whl`), when known.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, source?: string, options: GestvenvErrorOptions = {}) {
    super(
      source === undefined ? message : `${source}: ${message}`,
      EXIT_CODE.GENERAL,
      "bad_distribution",
      options,
    );
    this.source = source;
  }
}

/** No set of versions satisfies the requirements; the message explains why (exit 1). */
export class ResolutionError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param message What failed, as a sentence.
   * @param options A hint, a cause and details.
   */
  constructor(message: string, options: GestvenvErrorOptions = {}) {
    super(message, EXIT_CODE.GENERAL, "no_solution", options);
  }
}

/**
 * A lock stayed busy longer than the lock timeout (exit 1): another gestvenv process is working
 * on the same environment (or the registry) and did not finish in time.
 */
export class LockTimeoutError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param what What was waited for (`environment \`web\``).
   * @param timeoutMs How long it waited, in ms.
   * @param holder Who holds the lock (pid and command line).
   * @param options Overrides the default hint; a cause.
   */
  constructor(what: string, timeoutMs: number, holder: string, options: GestvenvErrorOptions = {}) {
    super(
      `Gave up after ${Math.round(timeoutMs / 100) / 10} s waiting for ${what}, held by ${holder}`,
      EXIT_CODE.GENERAL,
      "lock_timeout",
      {
        hint: "Let that command finish, pass `--wait` to wait as long as it takes, or raise " +
          "`lock_timeout` (seconds) with `gestvenv config set lock_timeout N`",
        ...options,
      },
    );
  }
}

/**
 * The command was interrupted by a signal (Ctrl-C is SIGINT, exit 130; SIGTERM exit 143). What
 * was half done has been rolled back, or left in a state the next command repairs.
 */
export class InterruptedError extends GestvenvError {
  /** The signal that stopped the command. */
  readonly signal: "SIGINT" | "SIGTERM";
  /**
   * Creates the error.
   *
   * @param signal The signal received.
   * @param options A hint, a cause and details.
   */
  constructor(signal: "SIGINT" | "SIGTERM", options: GestvenvErrorOptions = {}) {
    super(
      `Interrupted by ${signal === "SIGINT" ? "Ctrl-C (SIGINT)" : "SIGTERM"}`,
      signal === "SIGINT" ? EXIT_CODE.INTERRUPTED : EXIT_CODE.TERMINATED,
      "interrupted",
      options,
    );
    this.signal = signal;
  }
}

/**
 * Throws {@linkcode InterruptedError} when `signal` was aborted because of SIGINT or SIGTERM (its
 * `reason` is the signal name); other aborts rethrow their reason.
 */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal === undefined || !signal.aborted) return;
  const reason = signal.reason;
  if (reason === "SIGINT" || reason === "SIGTERM") throw new InterruptedError(reason);
  throw reason;
}

/**
 * A `--dry-run` command reached a step that would change something (exit 1). Nothing was
 * changed: the step refused. Seeing this is a bug in gestvenv (a command that forgot its dry run).
 */
export class DryRunViolationError extends GestvenvError {
  /**
   * Creates the error.
   *
   * @param what The change that was refused (`install packages`).
   * @param options A hint, a cause and details.
   */
  constructor(what: string, options: GestvenvErrorOptions = {}) {
    super(
      `--dry-run: refused to ${what}; nothing was changed`,
      EXIT_CODE.GENERAL,
      "dry_run_violation",
      {
        hint: "This command does not know how to describe this change yet; please report it",
        ...options,
      },
    );
  }
}

/**
 * Building a wheel from source (PEP 517 / PEP 660) failed: the build backend could not be loaded,
 * lacks a hook the build needs, returned nonsense, or exited with an error. The message ends with
 * the last lines the backend printed. The exit code is the backend process's own exit code when it
 * failed with one (as `pip` and `uv` report a failed build), else 1.
 */
export class BuildError extends GestvenvError {
  /** What was being built (`demo-1.0.tar.gz`, a directory), for messages. */
  readonly source: string;
  /** The backend process's exit code, or undefined when it did not fail by exiting. */
  readonly backendExitCode: number | undefined;
  /**
   * Creates the error.
   * @param message What failed, with the backend's output tail.
   * @param source What was being built.
   * @param backendExitCode The backend's exit code (becomes the exit code when not 0).
   * @param options A hint, a cause and details.
   */
  constructor(
    message: string,
    source: string,
    backendExitCode?: number,
    options: GestvenvErrorOptions = {},
  ) {
    super(
      message,
      // The backend's own code (1–255) is passed through, as the issue asks: it is not one of
      // gestvenv's named codes, hence the cast.
      (backendExitCode !== undefined && backendExitCode > 0 && backendExitCode < 256
        ? backendExitCode
        : EXIT_CODE.GENERAL) as ExitCode,
      "build_failed",
      options,
    );
    this.source = source;
    this.backendExitCode = backendExitCode;
  }
}
