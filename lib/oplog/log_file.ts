/**
 * The operation log on disk: `<home>/logs/operations.jsonl`, one JSON object a line, rotated by
 * size to `operations.1.jsonl` … `operations.<keep>.jsonl`.
 *
 * @module
 */
import { withFileLock } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";
import { type OperationEntry, parseOperationLine } from "./entry.ts";

/** Size at which the log is rotated, bytes (5 MiB). */
export const OPLOG_MAX_BYTES = 5 * 1024 * 1024;
/** How many rotated files are kept. */
export const OPLOG_KEEP = 3;

/** Where the log lives in a home: `<root>/logs`. */
export function logsDirOf(home: { root: string }): string {
  return join(home.root, "logs");
}

/** Path of the current log file in `logsDir`. */
export function operationsLogPath(logsDir: string): string {
  return join(logsDir, "operations.jsonl");
}

function rotatedPath(logsDir: string, n: number): string {
  return join(logsDir, `operations.${n}.jsonl`);
}

/** Options of {@linkcode appendOperation}. */
export interface AppendOptions {
  /** Rotate when the log would pass this size, bytes. @default OPLOG_MAX_BYTES */
  maxBytes?: number;
  /** Rotated files kept. @default OPLOG_KEEP */
  keep?: number;
  /** How long to wait for the logs lock, ms. @default 5000 */
  timeoutMs?: number;
}

/**
 * Appends one entry as one line: under the logs lock (`<logsDir>/operations.lock`), rotates the
 * log when this line would take it past `maxBytes` (`operations.jsonl` → `operations.1.jsonl`,
 * the oldest beyond `keep` dropped), then writes the line with a single `O_APPEND` write, so
 * concurrent writers never interleave and a crash leaves at most one truncated last line (which
 * readers skip). Requires `--allow-read` and `--allow-write`.
 *
 * @throws {Deno.errors.NotFound | Deno.errors.PermissionDenied | Error} When the log cannot be
 *   written; callers that must not fail catch it.
 */
export async function appendOperation(
  logsDir: string,
  entry: OperationEntry,
  options: AppendOptions = {},
): Promise<void> {
  const maxBytes = options.maxBytes ?? OPLOG_MAX_BYTES;
  const keep = options.keep ?? OPLOG_KEEP;
  const line = new TextEncoder().encode(JSON.stringify(entry) + "\n");
  await Deno.mkdir(logsDir, { recursive: true });
  const path = operationsLogPath(logsDir);
  await withFileLock(join(logsDir, "operations.lock"), async () => {
    const size = await Deno.stat(path).then((s) => s.isFile ? s.size : 0, () => 0);
    if (size > 0 && size + line.length > maxBytes) await rotate(logsDir, keep);
    const file = await Deno.open(path, { append: true, create: true });
    try {
      let written = 0;
      // One write for a line (a short write only on a full disk: finish it).
      while (written < line.length) written += await file.write(line.subarray(written));
    } finally {
      file.close();
    }
  }, { timeoutMs: options.timeoutMs ?? 5000 });
}

async function rotate(logsDir: string, keep: number): Promise<void> {
  await Deno.remove(rotatedPath(logsDir, keep)).catch(() => {});
  for (let n = keep - 1; n >= 1; n--) {
    await Deno.rename(rotatedPath(logsDir, n), rotatedPath(logsDir, n + 1)).catch(() => {});
  }
  if (keep >= 1) await Deno.rename(operationsLogPath(logsDir), rotatedPath(logsDir, 1));
  else await Deno.remove(operationsLogPath(logsDir));
}

/** What {@linkcode readOperations} found. */
export interface ReadResult {
  /** The entries, oldest first (rotated files first). */
  entries: OperationEntry[];
  /** Lines that were not whole entries and were skipped. */
  skipped: number;
}

/**
 * Reads the log, rotated files included, oldest first; corrupt or truncated lines are skipped
 * (and counted). A missing log reads as empty. Requires `--allow-read`.
 */
export async function readOperations(
  logsDir: string,
  keep: number = OPLOG_KEEP,
): Promise<ReadResult> {
  const paths = [];
  for (let n = keep; n >= 1; n--) paths.push(rotatedPath(logsDir, n));
  paths.push(operationsLogPath(logsDir));
  const entries: OperationEntry[] = [];
  let skipped = 0;
  for (const path of paths) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const entry = parseOperationLine(line);
      if (entry === undefined) skipped++;
      else entries.push(entry);
    }
  }
  return { entries, skipped };
}
