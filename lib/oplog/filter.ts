/**
 * Selecting operations: `--since`, `--env`, `--level`, `--last`, and the installs `audit` lists.
 *
 * @module
 */
import { UsageError } from "../errors/mod.ts";
import type { OperationEntry } from "./entry.ts";

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a `--since` value: a duration back from `now` (`30m`, `12h`, `7d`, `2w`) or a date/time
 * (`2026-11-01`, `2026-11-01T10:00:00Z`; a bare date is midnight UTC). Returns epoch ms.
 *
 * @throws {UsageError} (exit 2) When it is neither.
 */
export function parseSince(value: string, now: number = Date.now()): number {
  const duration = /^(\d+)\s*([smhdw])$/i.exec(value.trim());
  if (duration !== null) {
    return now - Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!;
  }
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value.trim())
    ? Date.parse(`${value.trim()}T00:00:00Z`)
    : Date.parse(value);
  if (Number.isNaN(time)) {
    throw new UsageError(`\`--since ${value}\` is neither a date nor a duration`, {
      hint:
        "Use a date (2026-11-01, 2026-11-01T10:00:00Z) or a duration back from now (30m, 12h, 7d, 2w)",
    });
  }
  return time;
}

/** What {@linkcode filterOperations} keeps. */
export interface OperationFilter {
  /** Only entries at or after this time, epoch ms. */
  since?: number | undefined;
  /** Only entries that touched this environment. */
  environment?: string | undefined;
  /** `error`: only failed operations (exit code not 0). */
  level?: "error" | "all" | undefined;
  /** Only the last N entries (after the other filters). */
  last?: number | undefined;
}

/** The entries that pass `filter`, in log order (oldest first). */
export function filterOperations(
  entries: readonly OperationEntry[],
  filter: OperationFilter,
): OperationEntry[] {
  let kept = entries.filter((e) =>
    (filter.since === undefined || Date.parse(e.time) >= filter.since) &&
    (filter.environment === undefined || e.environments.includes(filter.environment)) &&
    (filter.level !== "error" || e.exit_code !== 0)
  );
  if (filter.last !== undefined) kept = filter.last <= 0 ? [] : kept.slice(-filter.last);
  return kept;
}

/** One installation, as `audit` lists it. */
export interface AuditInstall {
  /** When the operation ran, ISO 8601. */
  time: string;
  /** The environment it went into. */
  environment: string;
  /** The distribution name. */
  name: string;
  /** The version installed. */
  version: string;
  /** The version it replaced, or null. */
  replaced: string | null;
  /** The file's sha256, when the operation knew it, else null. */
  sha256: string | null;
  /** The file installed, or null. */
  file: string | null;
  /** The index (URL origin) it came from, or null. */
  index: string | null;
  /** The command that installed it. */
  command: string;
}

/** The installations (added or changed distributions) of successful operations, oldest first. */
export function auditInstalls(
  entries: readonly OperationEntry[],
  environment?: string,
): AuditInstall[] {
  const out: AuditInstall[] = [];
  for (const e of entries) {
    if (e.exit_code !== 0) continue;
    for (const c of e.changes) {
      if (c.after === null || (environment !== undefined && c.environment !== environment)) {
        continue;
      }
      out.push({
        time: e.time,
        environment: c.environment,
        name: c.name,
        version: c.after,
        replaced: c.before,
        sha256: c.sha256 ?? null,
        file: c.file ?? null,
        index: c.index ?? null,
        command: e.command_line,
      });
    }
  }
  return out;
}
