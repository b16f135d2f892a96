/**
 * What the configuration-profile commands share: a profile as JSON and as table rows.
 *
 * @module
 */
import { CONFIG_KEYS, type ConfigKey, type ConfigProfile } from "../../lib/config/mod.ts";
import { redactValue, showValue } from "../config/_keys.ts";

/** A profile's settings in key order, values redacted (credentials in URLs are never printed). */
export function profileRows(profile: ConfigProfile): Array<[ConfigKey, unknown]> {
  const keys = Object.keys(CONFIG_KEYS) as ConfigKey[];
  return keys.filter((k) => profile.settings[k] !== undefined).map((k) => [
    k,
    redactValue(profile.settings[k]),
  ]);
}

/** A profile as JSON data (`profile show --format json`, rows of `profile list`). */
export function profileJson(profile: ConfigProfile, active: string | undefined) {
  return {
    name: profile.name,
    kind: profile.kind,
    description: profile.description,
    file: profile.file ?? null,
    active: profile.name === active,
    settings: Object.fromEntries(profileRows(profile)),
  };
}

/** A profile's settings as one line: `auto_sync=true backend=uv`. */
export function settingsLine(profile: ConfigProfile): string {
  return profileRows(profile).map(([k, v]) => `${k}=${showValue(v)}`).join(" ");
}
