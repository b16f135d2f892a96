import { ConfigError } from "../errors/mod.ts";

/** One value of an INI file: its text (continuation lines joined with `\n`) and its line. */
export interface IniEntry {
  /**
   * The value, trimmed; continuation lines joined with `\n` (as configparser does, a value whose
   * first line is empty starts with `\n`).
   */
  value: string;
  /** The 1-based line of its key. */
  line: number;
}

/** Options of {@linkcode readIni}. */
export interface ReadIniOptions {
  /**
   * Throw on a line outside any section or a line that is not `key = value` (setuptools does);
   * otherwise such lines are skipped (pip's configuration files are read leniently).
   * @default false
   */
  strict?: boolean;
  /** The file's path, for messages. @default "INI file" */
  file?: string;
}

/**
 * Reads an INI file as Python's `configparser` does (the one INI reader of gestvenv: pip's
 * configuration, setuptools' setup.cfg): `[section]` headers (a `#`/`;` comment may follow),
 * `key = value` / `key: value`, `#`/`;` comment lines (indented ones too), indented continuation
 * lines joined to the previous value with `\n` (blank lines inside a value are left out), no
 * inline comments (`;` may be part of a value: `foo; python_version < "3.9"`). Section and key
 * names are kept as written (callers fold their case when their format says so); a section or key
 * given twice is merged, the later value winning. No interpolation.
 *
 * @returns Sections by name, in file order, each with its entries by key.
 * @throws {ConfigError} (exit 10) With `strict`, for a line outside any section or a line that
 *   is not `key = value`, naming `file:line`.
 */
export function readIni(
  text: string,
  options: ReadIniOptions = {},
): Map<string, Map<string, IniEntry>> {
  const file = options.file ?? "INI file";
  const sections = new Map<string, Map<string, IniEntry>>();
  let current: Map<string, IniEntry> | undefined;
  let last: IniEntry | undefined;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const n = i + 1;
    if (raw.trim() === "" || /^\s*[#;]/.test(raw)) continue;
    if (/^\s/.test(raw) && last !== undefined) {
      last.value = `${last.value}\n${raw.trim()}`;
      continue;
    }
    const header = /^\[([^\]]+)\]\s*(?:[#;].*)?$/.exec(raw);
    if (header !== null) {
      const name = header[1]!.trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      last = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (current === undefined || kv === null) {
      if (options.strict !== true) {
        last = undefined;
        continue;
      }
      if (current === undefined) {
        throw new ConfigError(`${file}:${n}: a value outside any [section]`, {
          hint: "Put it under a section header such as [metadata]",
        });
      }
      throw new ConfigError(`${file}:${n}: cannot read \`${raw.trim()}\` (expected key = value)`, {
        hint: "Write it as `key = value`, or indent it to continue the previous value",
      });
    }
    last = { value: kv[2]!.trim(), line: n };
    current.set(kv[1]!.trim(), last);
  }
  return sections;
}
