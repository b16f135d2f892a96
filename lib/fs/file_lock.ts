import { dirname } from "../paths/mod.ts";
import { InterruptedError, LockTimeoutError, OperationError } from "../errors/mod.ts";

/** Who holds a lock: written into the lock file by its holder (exclusive locks only). */
export interface LockHolder {
  /** Process id of the holder. */
  pid: number;
  /** The command it runs, e.g. `gestvenv install flask --env web`. */
  command: string;
  /** ISO 8601 time it took the lock. */
  since: string;
}

/** Options for {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** `true` for an exclusive (writer) lock, `false` for a shared (reader) lock. @default true */
  exclusive?: boolean;
  /** Give up after this many milliseconds; `undefined` waits as long as it takes. @default undefined */
  timeoutMs?: number | undefined;
  /** Called once when the lock is still busy after {@linkcode LOCK_NOTICE_AFTER_MS}. */
  onWait?: ((holder: LockHolder | undefined) => void) | undefined;
  /** What to record as the holder while the lock is held (exclusive locks). */
  holder?: { command: string } | undefined;
  /** What the lock protects, for messages (e.g. "environment `web`"). @default the lock path */
  label?: string | undefined;
  /**
   * Ends the wait for a busy lock when aborted (Ctrl-C, `operation_timeout`): a reason `SIGINT`
   * or `SIGTERM` becomes an `InterruptedError`, an `OperationError` reason is rethrown saying the
   * command was waiting for the lock, any other reason as it is.
   */
  signal?: AbortSignal | undefined;
}

/** The error that ends a wait for `label` (held by `holder`) because `signal` was aborted. */
function abortedWait(signal: AbortSignal, label: string, holder: string): unknown {
  const reason = signal.reason;
  const waiting = `it was waiting for ${label}, held by ${holder}`;
  if (reason === "SIGINT" || reason === "SIGTERM") {
    return new InterruptedError(reason, { hint: `Nothing was changed: ${waiting}` });
  }
  if (reason instanceof OperationError) {
    return new OperationError(
      `${reason.message.replace(/[.;:]?$/, "")} (${waiting})`,
      reason.code,
      { hint: reason.hint, cause: reason },
    );
  }
  return reason;
}

/** How long a busy lock is waited for silently before {@linkcode FileLockOptions.onWait}, in ms. */
export const LOCK_NOTICE_AFTER_MS = 1000;

const decoder = new TextDecoder();

/**
 * Reads who holds the lock at `lockPath`, as its holder recorded it; undefined when nobody
 * recorded anything (no holder, a shared holder, or one that has not written yet).
 * Requires `--allow-read`.
 */
export async function readLockHolder(lockPath: string): Promise<LockHolder | undefined> {
  try {
    const data = JSON.parse(decoder.decode(await Deno.readFile(lockPath))) as Partial<LockHolder>;
    if (typeof data.pid !== "number" || typeof data.command !== "string") return undefined;
    return { pid: data.pid, command: data.command, since: String(data.since ?? "") };
  } catch {
    return undefined;
  }
}

/** Describes a holder for messages: "`gestvenv install …` (pid 12, since 2026-…)". */
export function describeLockHolder(holder: LockHolder | undefined): string {
  if (holder === undefined) return "another process";
  return `\`${holder.command}\` (pid ${holder.pid}, since ${holder.since})`;
}

async function openLockFile(lockPath: string): Promise<Deno.FsFile> {
  await Deno.mkdir(dirname(lockPath), { recursive: true });
  return await Deno.open(lockPath, { read: true, write: true, create: true });
}

async function recordHolder(file: Deno.FsFile, holder: { command: string }): Promise<void> {
  const text = JSON.stringify({ pid: Deno.pid, command: holder.command, since: new Date() });
  await file.truncate(0);
  await file.seek(0, Deno.SeekMode.Start);
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

/**
 * Runs `fn` while holding an advisory lock (flock semantics) on `lockPath`, a sidecar file that is
 * created when missing and never deleted (deleting it would race with other holders). The lock is
 * released when `fn` settles or when the process dies, so a killed holder never wedges others.
 *
 * A busy lock is polled: after {@linkcode LOCK_NOTICE_AFTER_MS} `onWait` learns who holds it
 * (read from the lock file, where an exclusive holder records its pid, command and start time);
 * after `timeoutMs` the wait ends with {@linkcode LockTimeoutError}; when `signal` is aborted it
 * ends at the next poll (within 50 ms).
 *
 * Requires `--allow-read` and `--allow-write`.
 *
 * @returns What `fn` returns.
 * @throws {LockTimeoutError} (exit 1) When the lock stayed busy for `timeoutMs`.
 * @throws {InterruptedError} (exit 130/143) When `signal` was aborted by SIGINT/SIGTERM while
 *   waiting; its `OperationError` reason (`operation_timeout`) otherwise, naming the lock.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const { exclusive = true, timeoutMs, onWait, holder, label, signal } = options;
  const file = await openLockFile(lockPath);
  try {
    const started = performance.now();
    let noticed = false;
    let delay = 10;
    while (!(await file.tryLock(exclusive))) {
      if (signal?.aborted) {
        throw abortedWait(
          signal,
          label ?? lockPath,
          describeLockHolder(await readLockHolder(lockPath)),
        );
      }
      const waited = performance.now() - started;
      if (!noticed && waited >= LOCK_NOTICE_AFTER_MS) {
        noticed = true;
        onWait?.(await readLockHolder(lockPath));
      }
      if (timeoutMs !== undefined && waited >= timeoutMs) {
        throw new LockTimeoutError(
          label ?? lockPath,
          timeoutMs,
          describeLockHolder(await readLockHolder(lockPath)),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(50, delay * 2);
    }
    try {
      if (exclusive && holder !== undefined) await recordHolder(file, holder);
      return await fn();
    } finally {
      if (exclusive && holder !== undefined) await file.truncate(0).catch(() => {});
      await file.unlock();
    }
  } finally {
    file.close();
  }
}

/**
 * Runs `fn` holding the exclusive lock at `lockPath` only if it is free right now; otherwise does
 * not wait and reports who holds it. Requires `--allow-read` and `--allow-write`.
 */
export async function tryWithFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: { holder?: { command: string } | undefined } = {},
): Promise<{ acquired: true; value: T } | { acquired: false; holder: LockHolder | undefined }> {
  const file = await openLockFile(lockPath);
  try {
    if (!(await file.tryLock(true))) {
      return { acquired: false, holder: await readLockHolder(lockPath) };
    }
    try {
      if (options.holder !== undefined) await recordHolder(file, options.holder);
      return { acquired: true, value: await fn() };
    } finally {
      if (options.holder !== undefined) await file.truncate(0).catch(() => {});
      await file.unlock();
    }
  } finally {
    file.close();
  }
}
