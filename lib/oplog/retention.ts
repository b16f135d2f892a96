/**
 * Retention of the operation log: rotated files (`operations.N.jsonl`) older than
 * `logs.retention_days` are what `cleanup --all` removes. The current log and any other file in
 * the logs directory are never touched.
 *
 * @module
 */
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
    if (now - modified > retentionDays * DAY_MS) out.push({ path, bytes: info.size, modified });
  }
  return out.sort((a, b) => a.path < b.path ? -1 : 1);
}
