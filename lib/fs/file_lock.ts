import { dirname } from "../paths/mod.ts";

/** Options for {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** `true` for an exclusive (writer) lock, `false` for a shared (reader) lock. @default true */
  exclusive?: boolean;
}

/**
 * Runs `fn` while holding an advisory lock (flock semantics) on `lockPath`, a sidecar file that is
 * created when missing and never deleted (deleting it would race with other holders). The lock is
 * released when `fn` settles or when the process dies, so a killed holder never wedges others.
 *
 * Requires `--allow-read` and `--allow-write`.
 *
 * @returns What `fn` returns.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const { exclusive = true } = options;
  await Deno.mkdir(dirname(lockPath), { recursive: true });
  const file = await Deno.open(lockPath, { read: true, write: true, create: true });
  try {
    await file.lock(exclusive);
    try {
      return await fn();
    } finally {
      await file.unlock();
    }
  } finally {
    file.close();
  }
}
