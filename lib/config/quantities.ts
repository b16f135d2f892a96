import { ConfigError } from "../errors/mod.ts";

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * Reads a size such as `2GB`, `500MB`, `1.5 GiB`, `750k` or `1048576` (spec 001 `cache-size`,
 * `cache.max_size`, `GESTVENV_CACHE_SIZE`), in bytes. Units are powers of 1024, whatever the
 * spelling (`KB` = `KiB`, as `du -h` and the spec's examples mean them); case does not matter.
 *
 * @param value A number of bytes, or text.
 * @param where Names the source in the error (`GESTVENV_CACHE_SIZE`, `` `cache.max_size` ``).
 * @returns Whole bytes (rounded down), at least 1.
 * @throws {ConfigError} when it is not a positive size.
 */
export function parseSize(value: unknown, where: string): number {
  let bytes = NaN;
  if (typeof value === "number") bytes = value;
  else if (typeof value === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
    const unit = m === null ? undefined : SIZE_UNITS[m[2]!.toLowerCase()];
    if (m !== null && unit !== undefined) bytes = Number(m[1]) * unit;
  }
  if (!(bytes >= 1 && Number.isFinite(bytes))) {
    throw new ConfigError(`Invalid size \`${String(value)}\` in ${where}`, {
      hint: "Give a size such as 500MB, 2GB or 1.5GiB (units are powers of 1024)",
    });
  }
  return Math.floor(bytes);
}

/**
 * Reads a number of days such as `30`, `30d`, `2w` or `12h` (spec 000 `--older-than 30`,
 * `cache.max_age`, spec 001 `ttl_days`), as days (fractions allowed for hours).
 *
 * @param where Names the source in the error.
 * @throws {ConfigError} when it is not a positive duration of at most 100 years.
 */
export function parseDays(value: unknown, where: string): number {
  let days = NaN;
  if (typeof value === "number") days = value;
  else if (typeof value === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(d|days?|w|weeks?|h|hours?)?\s*$/i.exec(value);
    if (m !== null) {
      const unit = (m[2] ?? "d").toLowerCase()[0];
      days = Number(m[1]) * (unit === "w" ? 7 : unit === "h" ? 1 / 24 : 1);
    }
  }
  if (!(days > 0 && days <= 36_500)) {
    throw new ConfigError(`Invalid duration \`${String(value)}\` in ${where}`, {
      hint: "Give a number of days such as 30 (also 2w, 12h)",
    });
  }
  return days;
}

/**
 * Reads a switch: a boolean, or `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off` (any case), as
 * `GESTVENV_OFFLINE=1` and `config set offline_mode true` give it.
 *
 * @param where Names the source in the error.
 * @throws {ConfigError} for anything else.
 */
export function parseSwitch(value: unknown, where: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off"].includes(v)) return false;
  }
  throw new ConfigError(`Invalid switch \`${String(value)}\` in ${where}`, {
    hint: "Give true or false (also 1/0, yes/no, on/off)",
  });
}

/**
 * A retention in whole days, at least 1 (`logs.retention_days`: `30`, `2w`; not `12h`).
 * @throws {ConfigError} naming `where` when it is not a whole number of days of at least 1.
 */
export function parseWholeDays(value: unknown, where: string): number {
  const days = parseDays(value, where);
  if (!Number.isInteger(days) || days < 1) {
    throw new ConfigError(`Invalid retention \`${String(value)}\` in ${where}`, {
      hint: "Give a whole number of days, at least 1, such as 90 (or 2w)",
    });
  }
  return days;
}

/**
 * Reads a whole number between `min` and `max` (a number, or text such as `"4"`): the
 * `count` keys (`performance.parallel_downloads`, `performance.max_retries`).
 *
 * @param where Names the source in the error.
 * @throws {ConfigError} when it is not a whole number within the bounds.
 */
export function parseCount(value: unknown, where: string, min: number, max: number): number {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && /^\s*\d+\s*$/.test(value)
    ? Number(value)
    : NaN;
  if (!(Number.isInteger(n) && n >= min && n <= max)) {
    throw new ConfigError(`Invalid number \`${String(value)}\` in ${where}`, {
      hint: `Give a whole number from ${min} to ${max}`,
    });
  }
  return n;
}
