/**
 * Where monitoring keeps its state: `<home>/monitor/`.
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";
import { atomicWriteFile, withFileLock } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";

/** The files of `<home>/monitor/`, all absolute. */
export interface MonitorFiles {
  /** `<home>/monitor`. */
  dir: string;
  /** The last health check's result (`last_check.json`). */
  lastCheck: string;
  /** The alert channels (`alerts.json`, mode 0600: webhook URLs are secrets). */
  alerts: string;
  /** The fingerprints already alerted, per channel (`alerted.json`). */
  alerted: string;
  /** What `monitor start` installed (`schedule.json`). */
  schedule: string;
  /** The lock every read-modify-write of these files holds (`.lock`). */
  lock: string;
}

/** The monitoring files of the home at `root`. */
export function monitorFiles(root: string): MonitorFiles {
  const dir = join(root, "monitor");
  return {
    dir,
    lastCheck: join(dir, "last_check.json"),
    alerts: join(dir, "alerts.json"),
    alerted: join(dir, "alerted.json"),
    schedule: join(dir, "schedule.json"),
    lock: join(dir, ".lock"),
  };
}

/** How long a monitoring command waits for another one's lock on `<home>/monitor/`, in ms. */
const MONITOR_LOCK_TIMEOUT_MS = 60_000;

/**
 * Runs `fn` holding the exclusive lock of `<home>/monitor/` (flock on `.lock`), waiting at most
 * a minute. Requires `--allow-read` and `--allow-write`.
 *
 * @throws {LockTimeoutError} when another process held it for a minute.
 */
export async function withMonitorLock<T>(files: MonitorFiles, fn: () => Promise<T>): Promise<T> {
  return await withFileLock(files.lock, fn, {
    timeoutMs: MONITOR_LOCK_TIMEOUT_MS,
    label: "the monitoring state",
  });
}

/**
 * Reads a JSON object of `<home>/monitor/`; undefined when the file does not exist.
 *
 * @throws {ConfigError} (exit 10) when it exists but is not a JSON object, naming the file.
 */
export async function readMonitorJson(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    const data = JSON.parse(text);
    if (data !== null && typeof data === "object" && !Array.isArray(data)) return data;
  } catch { /* reported below */ }
  throw new ConfigError(`${path} is damaged (not a JSON object)`, {
    hint: "Remove it; monitoring writes it again (alerts.json: add the channels again)",
  });
}

/** Writes `data` as indented JSON to `path` atomically with `mode`. */
export async function writeMonitorJson(path: string, data: unknown, mode = 0o644): Promise<void> {
  await atomicWriteFile(path, JSON.stringify(data, null, 2) + "\n", { mode });
}
