/**
 * How often the scheduled check runs: `--interval 30m|1h|6h|1d|1w` or `--schedule
 * hourly|daily|weekly`.
 *
 * @module
 */
import { UsageError } from "../errors/mod.ts";

/** A parsed interval. */
export interface ScheduleInterval {
  /** As the user would write it back: `30m`, `1h`, `1d`, `1w`. */
  label: string;
  /** Its length in seconds. */
  seconds: number;
  /** `hourly`, `daily` or `weekly` when it is exactly one of those, else undefined. */
  calendar?: "hourly" | "daily" | "weekly" | undefined;
}

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800 };
const NAMED: Record<string, string> = { hourly: "1h", daily: "1d", weekly: "1w" };
/** Shortest interval accepted, in seconds (a check more often than that is a daemon). */
const MIN_SECONDS = 5 * 60;
/** Longest interval accepted, in seconds. */
const MAX_SECONDS = 4 * 604_800;

/**
 * Parses `30m`, `2h`, `1d`, `1w` (or `hourly`, `daily`, `weekly`) into a
 * {@linkcode ScheduleInterval}; the unit is normalized to the largest that divides it (`60m` is
 * `1h`).
 *
 * @throws {UsageError} (exit 2) for anything else, shorter than 5 minutes or longer than 4 weeks.
 */
export function parseScheduleInterval(text: string): ScheduleInterval {
  const value = NAMED[text.trim().toLowerCase()] ?? text.trim().toLowerCase();
  const match = /^(\d{1,6})\s*([mhdw])$/.exec(value);
  const seconds = match === null ? NaN : Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  if (!(seconds >= MIN_SECONDS && seconds <= MAX_SECONDS)) {
    throw new UsageError(`Invalid interval \`${text}\``, {
      hint: "Give minutes, hours, days or weeks between 5m and 4w (30m, 1h, 6h, 1d, 1w), " +
        "or hourly, daily, weekly",
    });
  }
  let label = `${seconds / 60}m`;
  for (const unit of ["w", "d", "h"] as const) {
    if (seconds % UNIT_SECONDS[unit]! === 0) {
      label = `${seconds / UNIT_SECONDS[unit]!}${unit}`;
      break;
    }
  }
  const calendar = label === "1h"
    ? "hourly"
    : label === "1d"
    ? "daily"
    : label === "1w"
    ? "weekly"
    : undefined;
  return { label, seconds, ...(calendar === undefined ? {} : { calendar }) };
}
