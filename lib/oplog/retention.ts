/**
 * Retention of the operation log: rotated files (`operations.N.jsonl`) older than
 * `logs.retention_days` are what `cleanup --all` removes. The current log and any other file in
 * the logs directory are never touched. Removal happens under the logs lock that rotation takes
 * (`operations.lock`), and what goes is chosen again inside it, by age and by inode, so a log
 * rotated between the plan and the removal (a prompt can wait for long) is never removed.
 *
 * @module
 */
import { withFileLock } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";

const ROTATED = /^operations\.\d+\.jsonl$/;
const DAY_MS = 86_400_000;

/** A rotated log past retention. */
export interface ExpiredLog {
  /** Absolute path. */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** Last modification (ms since the epoch). */
  modified: number;
  /** Inode number (null where the platform has none): the same file after a rotation renamed it. */
  ino: number | null;
}

/**
 * The rotated log files of `logsDir` last written more than `retentionDays` days before `now`
 * (ms), sorted by name. A missing directory has none. Requires `--allow-read`.
 */
export async function expiredLogs(
  logsDir: string,
  retentionDays: number,
  now: number = Date.now(),
): Promise<ExpiredLog[]> {
  const out: ExpiredLog[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(logsDir));
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!entry.isFile || !ROTATED.test(entry.name)) continue;
    const path = join(logsDir, entry.name);
    const info = await Deno.lstat(path).catch(() => undefined);
    const modified = info?.mtime?.getTime();
    if (info === undefined || modified === undefined) continue;
    if (now - modified > retentionDays * DAY_MS) {
      out.push({ path, bytes: info.size, modified, ino: info.ino ?? null });
    }
  }
  return out.sort((a, b) => a.path < b.path ? -1 : 1);
}

const identity = (l: ExpiredLog) => l.ino === null ? `path:${l.path}` : `ino:${l.ino}`;

/** Options of {@linkcode removeExpiredLogs}. */
export interface RemoveExpiredOptions {
  /** "Now" (ms since the epoch), read when the lock is held. @default Date.now() */
  now?: () => number;
  /** How long to wait for the logs lock, ms. @default 5000 */
  timeoutMs?: number;
}

/**
 * Removes the rotated logs of `planned` (what {@linkcode expiredLogs} listed and the user saw)
 * that are still past `retentionDays` days, under the logs lock: inside it the expired logs are
 * listed again, and one goes only when it is the same file as a planned one (same inode, whatever
 * its name after a rotation). A log rotated or written since the plan stays. Requires
 * `--allow-read` and `--allow-write`.
 * @returns The logs removed, with their paths at removal.
 * @throws {LockTimeoutError} when the logs lock stays busy for `timeoutMs`.
 */
export async function removeExpiredLogs(
  logsDir: string,
  planned: readonly ExpiredLog[],
  retentionDays: number,
  options: RemoveExpiredOptions = {},
): Promise<ExpiredLog[]> {
  if (planned.length === 0) return [];
  const wanted = new Set(planned.map(identity));
  return await withFileLock(join(logsDir, "operations.lock"), async () => {
    const removed: ExpiredLog[] = [];
    const now = (options.now ?? Date.now)();
    for (const log of await expiredLogs(logsDir, retentionDays, now)) {
      if (!wanted.has(identity(log))) continue;
      try {
        await Deno.remove(log.path);
        removed.push(log);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    return removed;
  }, { timeoutMs: options.timeoutMs ?? 5000 });
}
