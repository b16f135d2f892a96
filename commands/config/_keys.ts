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

/** Renders a configuration value for display: lists space-separated. */
export function showValue(value: unknown): string {
  return Array.isArray(value) ? value.join(" ") : String(value);
}

/**
 * A configuration value as it may be shown: credentials in URLs removed, as everywhere else
 * (`https://user:token@host/simple` → `https://host/simple`, see `redactUrl`). The file keeps the
 * real value; only what is printed is redacted.
 */
export function redactValue<T>(value: T): T {
  if (typeof value === "string") return redactUrl(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  return value;
}

/** Every value of a configuration (or settings) object, redacted with {@linkcode redactValue}. */
export function redactValues<T extends object>(values: T): T {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) out[key] = redactValue(value);
  return out as T;
}
