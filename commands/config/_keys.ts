import {
  canonicalKey,
  type ConfigKey,
  isConfigKey,
  unknownKeyError,
} from "../../lib/config/mod.ts";
import { redactUrl } from "../../lib/index/mod.ts";

/**
 * Checks that `key` is a configuration key (or one of its other spellings), giving the key.
 *
 * @throws {ConfigError} With a did-you-mean, or the known keys.
 */
export function checkKey(given: string): ConfigKey {
  const key = canonicalKey(given);
  if (!isConfigKey(key)) throw unknownKeyError(key);
  return key;
}

/** A TOML key: bare when it can be, else quoted. */
function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/**
 * A value as TOML inline text (TOML v1.0.0 §"Inline Table", §"Array"): strings quoted, tables
 * `{ key = value }`, arrays `[a, b]`. Used for tables (hook entries `{ command, timeout, name }`)
 * and for lists holding tables.
 */
function tomlInline(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(tomlInline).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    // smol-toml gives null-prototype tables: `Object.entries`, never `String(value)`.
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0
      ? "{}"
      : `{ ${entries.map(([k, v]) => `${tomlKey(k)} = ${tomlInline(v)}`).join(", ")} }`;
  }
  return String(value);
}

/**
 * Renders a configuration value for display: scalars as they are, lists of scalars
 * space-separated, tables and lists holding tables (hook entries) as TOML inline text
 * (`{ command = "echo bk", timeout = 5 }`, `["echo one", { command = "./b.sh" }]`).
 */
export function showValue(value: unknown): string {
  if (Array.isArray(value)) {
    return value.some((v) => v !== null && typeof v === "object")
      ? tomlInline(value)
      : value.join(" ");
  }
  if (value !== null && typeof value === "object") return tomlInline(value);
  return String(value);
}

/**
 * A configuration value as it may be shown: credentials in URLs removed, as everywhere else
 * (`https://user:token@host/simple` → `https://host/simple`, see `redactUrl`). The file keeps the
 * real value; only what is printed is redacted.
 */
export function redactValue<T>(value: T): T {
  if (typeof value === "string") return redactUrl(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  if (value !== null && typeof value === "object") {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, v] of Object.entries(value)) out[key] = redactValue(v);
    return out as T;
  }
  return value;
}

/** Every value of a configuration (or settings) object, redacted with {@linkcode redactValue}. */
export function redactValues<T extends object>(values: T): T {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) out[key] = redactValue(value);
  return out as T;
}
