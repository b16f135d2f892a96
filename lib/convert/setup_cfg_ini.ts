import { type IniEntry, readIni } from "../config/mod.ts";
import { ConfigError } from "../errors/mod.ts";

/** One section of an INI file, keys as written (setuptools keeps their case). */
export type IniSection = Map<string, IniEntry>;

/** configparser's limit on nested `%(name)s` references (MAX_INTERPOLATION_DEPTH). */
const MAX_DEPTH = 10;

/** The largest setup.cfg read (bytes): real ones are a few KiB. */
export const MAX_SETUP_CFG_BYTES = 1024 * 1024;

/** The largest value interpolation may make (characters): `%(a)s%(a)s…` nested ten deep grows
 * exponentially. */
export const MAX_INTERPOLATED_LENGTH = 1024 * 1024;

/**
 * Reads an INI file the way setuptools reads setup.cfg (Python's `configparser.ConfigParser`
 * with `optionxform = str`): `readIni` (strict: case kept, errors for unreadable lines), then
 * `%(name)s` interpolation from the same section or `[DEFAULT]` (`%%` is a literal `%`).
 *
 * @param file Path, for messages.
 * @param text The file's contents.
 * @returns Sections by name (as written), values interpolated.
 * @throws {ConfigError} (exit 10) For a line outside any section, a key without `=`, a reference
 *   to a missing key, a lone `%`, or references nested deeper than configparser allows.
 */
export function parseSetupCfg(text: string, file: string): Map<string, IniSection> {
  if (text.length > MAX_SETUP_CFG_BYTES) {
    throw new ConfigError(
      `${file} is larger than ${MAX_SETUP_CFG_BYTES} bytes: not a setup.cfg gestvenv converts`,
      { hint: "Check the file; a setup.cfg holds a few KiB of metadata" },
    );
  }
  const sections = readIni(text, { strict: true, file });
  // setuptools strips each value (`foo =` then indented lines is the list, not "" first).
  for (const section of sections.values()) {
    for (const entry of section.values()) entry.value = entry.value.trim();
  }
  const defaults = sections.get("DEFAULT") ?? new Map();
  const out = new Map<string, IniSection>();
  for (const [name, section] of sections) {
    const values: IniSection = new Map();
    const memo = new Map<string, string>();
    for (const [key, entry] of section) {
      values.set(key, {
        value: interpolate(file, name, key, entry, section, defaults, 0, memo),
        line: entry.line,
      });
    }
    out.set(name, values);
  }
  return out;
}

function interpolate(
  file: string,
  sectionName: string,
  key: string,
  entry: { value: string; line: number },
  section: IniSection,
  defaults: IniSection,
  depth: number,
  memo: Map<string, string>,
): string {
  // Each key is expanded once per section (the same reference written twice costs nothing).
  const known = memo.get(key);
  if (known !== undefined && (section.get(key) ?? defaults.get(key)) === entry) return known;
  if (depth > MAX_DEPTH) {
    throw new ConfigError(
      `${file}:${entry.line}: [${sectionName}] ${key}: %(…)s references nest deeper than ` +
        `${MAX_DEPTH} (a reference loop?)`,
      { hint: "Remove the loop, or write %% for a literal %" },
    );
  }
  let length = 0;
  const value = entry.value.replace(/%(%|\(([^)]*)\)s|.?)/g, (all, what: string, ref?: string) => {
    if (what === "%") return "%";
    if (ref === undefined) {
      throw new ConfigError(
        `${file}:${entry.line}: [${sectionName}] ${key}: a lone \`%\` in \`${entry.value}\``,
        { hint: "Write %% for a literal %, or %(name)s to refer to another key" },
      );
    }
    const target = section.get(ref) ?? defaults.get(ref);
    if (target === undefined) {
      throw new ConfigError(
        `${file}:${entry.line}: [${sectionName}] ${key} refers to \`%(${ref})s\`, which is not ` +
          `set in [${sectionName}] or [DEFAULT]`,
        { hint: `Define \`${ref}\`, or write %% for a literal % (${all})` },
      );
    }
    const expanded = interpolate(
      file,
      sectionName,
      ref,
      target,
      section,
      defaults,
      depth + 1,
      memo,
    );
    length += expanded.length;
    if (length > MAX_INTERPOLATED_LENGTH) {
      throw new ConfigError(
        `${file}:${entry.line}: [${sectionName}] ${key}: %(…)s references expand to more than ` +
          `${MAX_INTERPOLATED_LENGTH} characters`,
        { hint: "Remove the repeated references (a hostile or broken file?)" },
      );
    }
    return expanded;
  });
  if (section.get(key) === entry || defaults.get(key) === entry) memo.set(key, value);
  return value;
}
