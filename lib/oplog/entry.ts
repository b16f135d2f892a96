/**
 * One line of the operation log (`<home>/logs/operations.jsonl`): what a changing command did.
 *
 * @module
 */

/** A distribution an operation added, removed or moved (issue 11 §2). */
export interface OperationChange {
  /** The distribution name as installed. */
  name: string;
  /** The version before, or null when it was added. */
  before: string | null;
  /** The version after, or null when it was removed. */
  after: string | null;
  /** The installed file's name (wheel or sdist), when the operation installed one. */
  file?: string;
  /** The installed file's sha256 (hex), when the operation knows it. */
  sha256?: string;
  /** Where the file came from: the origin (`https://host`) of its URL, credentials never kept. */
  index?: string;
}

/** One operation: a JSON object on one line of the log. */
export interface OperationEntry {
  /** When the command started, ISO 8601 (UTC). */
  time: string;
  /** The command's route (`install`, `cache clean`). */
  command: string;
  /** The whole command line, credentials in URLs removed. */
  command_line: string;
  /** The environments the operation touched (may be empty). */
  environments: string[];
  /** What changed in them (empty when nothing did or the command does not say). */
  changes: Array<OperationChange & { environment: string }>;
  /** How long the command ran, milliseconds. */
  duration_ms: number;
  /** The process exit code (spec 001 codes). */
  exit_code: number;
  /** The error that stopped the command, or null when it succeeded. */
  error: { code: string; message: string } | null;
  /** gestvenv's version. */
  version: string;
}

/** The fields every readable line must have, with their JSON types. */
const REQUIRED: ReadonlyArray<[keyof OperationEntry, string]> = [
  ["time", "string"],
  ["command", "string"],
  ["command_line", "string"],
  ["duration_ms", "number"],
  ["exit_code", "number"],
];

/**
 * Parses one log line; undefined for a line that is not a whole entry (truncated, corrupt,
 * hand-edited), which readers skip.
 */
export function parseOperationLine(line: string): OperationEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  for (const [key, type] of REQUIRED) {
    const actual = typeof v[key];
    if (actual !== type) return undefined;
  }
  if (Number.isNaN(Date.parse(v.time as string))) return undefined;
  const environments = Array.isArray(v.environments)
    ? v.environments.filter((e): e is string => typeof e === "string")
    : [];
  const changes = Array.isArray(v.changes)
    ? v.changes.filter((c): c is OperationEntry["changes"][number] =>
      c !== null && typeof c === "object" && typeof c.name === "string" &&
      typeof c.environment === "string"
    )
    : [];
  const error = v.error !== null && typeof v.error === "object" &&
      typeof (v.error as Record<string, unknown>).code === "string"
    ? v.error as OperationEntry["error"]
    : null;
  return {
    time: v.time as string,
    command: v.command as string,
    command_line: v.command_line as string,
    environments,
    changes,
    duration_ms: v.duration_ms as number,
    exit_code: v.exit_code as number,
    error,
    version: typeof v.version === "string" ? v.version : "",
  };
}
