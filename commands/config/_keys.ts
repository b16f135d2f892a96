import { CONFIG_KEYS, type ConfigKey, isConfigKey } from "../../lib/config/mod.ts";
import { ConfigError } from "../../lib/errors/mod.ts";

/**
 * Checks that `key` is a configuration key.
 *
 * @throws {ConfigError} Listing the known keys.
 */
export function checkKey(key: string): ConfigKey {
  if (!isConfigKey(key)) {
    throw new ConfigError(`Unknown configuration key \`${key}\``, {
      hint: `Known keys: ${Object.keys(CONFIG_KEYS).join(", ")}`,
    });
  }
  return key;
}

/** Renders a configuration value for display: lists space-separated. */
export function showValue(value: unknown): string {
  return Array.isArray(value) ? value.join(" ") : String(value);
}
