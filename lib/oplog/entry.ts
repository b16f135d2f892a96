/**
 * One line of the operation log (`<home>/logs/operations.jsonl`): what a changing command did.
 *
 * @module
 */
import { type Phase, PHASES } from "../events/mod.ts";

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
  /**
   * The whole command line, secrets hidden: credentials in URLs removed, the values of secret
   * flags (`--password`, `--token`, `cache publish -p`, …) replaced by `***`.
   */
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
  /**
   * Artifacts the command asked the cache for: served from it (`hits`, their `bytes_saved`) or
   * fetched (`misses`). Absent in lines written before gestvenv logged it.
   */
  cache?: { hits: number; misses: number; bytes_saved: number };
  /** Bytes of artifacts downloaded over the network. Absent in older lines. */
  bytes_downloaded?: number;
  /** HTTP requests sent (each attempt). Absent in older lines. */
  index_requests?: number;
  /**
   * Wall-clock ms per phase (each instant counted once, for the innermost phase running; see
   * `SpanCollector.summary` in lib/events); phases without spans are left out. Absent in older
   * lines.
   */
  phases_ms?: Partial<Record<Phase, number>>;
}

/**
 * The longest duration a line may record, ms (a week): longer is not a gestvenv command that
 * ran, but a hand-edited or corrupt line, which would skew every median and sum.
 */
export const MAX_OPERATION_MS = 7 * 86_400_000;

/** A count or byte figure: a whole number, 0 or more, exactly representable. */
const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

/** A duration: finite, 0 to {@linkcode MAX_OPERATION_MS}. */
const duration = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= MAX_OPERATION_MS
    ? value
    : undefined;

/** The figures of a line (cache, bytes, requests, phases), each kept only when well formed. */
function figuresOf(v: Record<string, unknown>): Partial<OperationEntry> {
  const out: Partial<OperationEntry> = {};
  const cache = v.cache as Record<string, unknown> | null | undefined;
  if (cache !== null && typeof cache === "object") {
    const hits = count(cache.hits), misses = count(cache.misses);
    if (hits !== undefined && misses !== undefined) {
      out.cache = { hits, misses, bytes_saved: count(cache.bytes_saved) ?? 0 };
    }
  }
  const downloaded = count(v.bytes_downloaded);
  if (downloaded !== undefined) out.bytes_downloaded = downloaded;
  const requests = count(v.index_requests);
  if (requests !== undefined) out.index_requests = requests;
  const phases = v.phases_ms as Record<string, unknown> | null | undefined;
  if (phases !== null && typeof phases === "object" && !Array.isArray(phases)) {
    // Only known phase names are read (a hand-edited `__proto__` key is never copied).
    const kept: Partial<Record<Phase, number>> = {};
    for (const phase of PHASES) {
      const ms = Object.hasOwn(phases, phase) ? duration(phases[phase]) : undefined;
      if (ms !== undefined) kept[phase] = ms;
    }
    out.phases_ms = kept;
  }
  return out;
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
 * hand-edited), which readers skip. Also undefined when its figures are absurd: a `duration_ms`
 * that is not a finite number from 0 to {@linkcode MAX_OPERATION_MS}, an `exit_code` that is
 * not a whole number from 0 to 255. Optional figures (cache, bytes, requests, phases) that are
 * not whole numbers (phases: durations) are dropped. A change's `before`/`after` that is not a
 * string is read as null (a change without `after` is a removal).
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
  if (duration(v.duration_ms) === undefined) return undefined;
  const exit = v.exit_code as number;
  if (!Number.isInteger(exit) || exit < 0 || exit > 255) return undefined;
  const environments = Array.isArray(v.environments)
    ? v.environments.filter((e): e is string => typeof e === "string")
    : [];
  const changes = Array.isArray(v.changes)
    ? v.changes.filter((c): c is OperationEntry["changes"][number] =>
      c !== null && typeof c === "object" && typeof c.name === "string" &&
      typeof c.environment === "string"
    ).map((c) => ({
      ...c,
      before: typeof c.before === "string" ? c.before : null,
      after: typeof c.after === "string" ? c.after : null,
    }))
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
    ...figuresOf(v),
  };
}
