/**
 * Scripts a wheel installs: launchers for its `console_scripts` and `gui_scripts` entry points
 * (entry points specification; the launcher body of pip's distlib, as uv writes it), and the
 * `#!python` line of `.data/scripts` files rewritten to the environment's interpreter (binary
 * distribution format spec, "Recommended installer features").
 *
 * @module
 */
import { DistributionError } from "../errors/mod.ts";

/** One `console_scripts` / `gui_scripts` entry point. */
export interface ScriptEntryPoint {
  /** The script's file name in `bin/`. */
  name: string;
  /** The module to import, e.g. `pkg.cli`. */
  module: string;
  /** The attribute path of the callable, e.g. `main` or `Cli.run`. */
  attribute: string;
  /** `gui` for `gui_scripts` (the same launcher on POSIX; `pythonw` on Windows). */
  kind: "console" | "gui";
}

const OBJECT_REF = /^([\w.]+)\s*:\s*([\w.]+)\s*(?:\[[^\]]*\])?\s*$/u;
const IDENTIFIER_PATH = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*$/u;

/**
 * Parses the `console_scripts` and `gui_scripts` groups of an `entry_points.txt` (INI syntax:
 * `name = module:attr [extras]`; extras are ignored, as pip does). Other groups are skipped.
 *
 * @param source Names the wheel in errors.
 * @throws {DistributionError} For an entry without `:callable`, a reference that is not dotted
 *   identifiers, or a script name that is not a plain file name.
 */
export function parseScriptEntryPoints(text: string, source?: string): ScriptEntryPoint[] {
  const out: ScriptEntryPoint[] = [];
  let group: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[") && line.endsWith("]")) {
      group = line.slice(1, -1).trim();
      continue;
    }
    if (group !== "console_scripts" && group !== "gui_scripts") continue;
    const eq = line.indexOf("=");
    const name = eq < 0 ? line : line.slice(0, eq).trim();
    const ref = eq < 0 ? "" : line.slice(eq + 1).trim();
    const match = OBJECT_REF.exec(ref);
    if (
      match === null || !IDENTIFIER_PATH.test(match[1]!) || !IDENTIFIER_PATH.test(match[2]!)
    ) {
      throw new DistributionError(
        `entry point \`${line}\` in [${group}] is not \`name = module:callable\``,
        source,
      );
    }
    if (
      name === "" || name === "." || name === ".." || /[\\/\0]/.test(name) || /^\s|\s$/.test(name)
    ) {
      throw new DistributionError(`entry point script name \`${name}\` is not a file name`, source);
    }
    out.push({
      name,
      module: match[1]!,
      attribute: match[2]!,
      kind: group === "gui_scripts" ? "gui" : "console",
    });
  }
  return out;
}

/** Quotes `text` for `/bin/sh` when it holds anything but safe characters. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Longest `#!` line the kernel reads whole on every POSIX system we know (Linux < 5.1: 127). */
export const MAX_SHEBANG_BYTES = 127;

/**
 * The first line(s) of a script run by `python`: `#!<python>`, or when that line is longer than
 * {@linkcode MAX_SHEBANG_BYTES} bytes or the path has whitespace, the `/bin/sh` polyglot that
 * distlib and uv write (`#!/bin/sh`, then `'''exec' <python> "$0" "$@"`, then `' '''`): sh runs the
 * `exec` line, Python reads the two lines as a string literal. No trailing newline.
 */
export function shebangFor(python: string): string {
  const line = `#!${python}`;
  if (new TextEncoder().encode(line).length <= MAX_SHEBANG_BYTES && !/\s/.test(python)) {
    return line;
  }
  return `#!/bin/sh\n'''exec' ${shellQuote(python)} "$0" "$@"\n' '''`;
}

/**
 * The launcher script for an entry point (pip/distlib's template without `import re`, as uv
 * writes it): imports the first name of the attribute path from the module and exits with the
 * callable's result.
 */
export function launcherScript(entry: ScriptEntryPoint, python: string): string {
  const importName = entry.attribute.split(".")[0]!;
  return [
    shebangFor(python),
    "# -*- coding: utf-8 -*-",
    "import sys",
    `from ${entry.module} import ${importName}`,
    'if __name__ == "__main__":',
    '    if sys.argv[0].endswith("-script.pyw"):',
    "        sys.argv[0] = sys.argv[0][:-11]",
    '    elif sys.argv[0].endswith(".exe"):',
    "        sys.argv[0] = sys.argv[0][:-4]",
    `    sys.exit(${entry.attribute}())`,
    "",
  ].join("\n");
}

/**
 * Rewrites a `.data/scripts` file whose first line is exactly `#!python` or `#!pythonw` (binary
 * distribution format spec) to run the environment's interpreter; returns other content unchanged
 * (null).
 */
export function rewritePythonShebang(content: Uint8Array, python: string): Uint8Array | null {
  // Longest first line that can match: `#!pythonw\r\n`.
  const head = new TextDecoder("latin1").decode(content.subarray(0, 12));
  const m = /^#!pythonw?(\r?\n|$)/.exec(head);
  if (m === null) return null;
  const rest = content.subarray(m[0].length);
  // `\n` after the interpreter, as pip writes (`os.linesep` on POSIX): a `\r` would be read as
  // part of the interpreter's path.
  const first = new TextEncoder().encode(shebangFor(python) + "\n");
  const out = new Uint8Array(first.length + rest.length);
  out.set(first);
  out.set(rest, first.length);
  return out;
}
