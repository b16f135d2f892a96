/**
 * The only place that writes to stdout and stderr. stdout carries data (tables, JSON, requirement
 * lines); stderr carries messages, warnings, errors and progress.
 *
 * @module
 */
import { type Colors, createColors } from "./_colors.ts";
import { GestvenvError } from "../lib/errors/mod.ts";
import { PROCESS_TERMINAL, type Terminal } from "./_terminal.ts";

/** Output formats a listing can take. */
export type OutputFormat =
  | "table"
  | "json"
  | "yaml"
  | "requirements"
  | "pylock"
  | "markdown"
  | "html"
  | "cyclonedx-json"
  | "spdx-json";

/** Version of the JSON envelope printed by `--format json` (and `--format yaml`). */
export const JSON_ENVELOPE_VERSION = "1";

/** How the result envelope is written: JSON, or the same document as YAML. */
export type StructuredFormat = "json" | "yaml";

type YamlDump = (document: unknown) => string;
let yamlDump: YamlDump | undefined;

/**
 * Loads the YAML writer (js-yaml, imported only when YAML output is asked for, so start-up time
 * is unchanged otherwise). Options: no `&anchors` for repeated objects, no line folding; js-yaml
 * quotes YAML 1.1 booleans, numbers and dates, so YAML 1.1 and 1.2 readers see the same strings.
 */
async function loadYaml(): Promise<YamlDump> {
  if (yamlDump === undefined) {
    const { dump } = await import("npm:js-yaml@5.5.0");
    yamlDump = (document) => dump(document, { noRefs: true, lineWidth: -1 });
  }
  return yamlDump;
}

/** `ui.color_scheme`: colors on terminals (`auto`), `always` or `never`. */
export type ColorScheme = "auto" | "always" | "never";

/** `ui.table_format`: the border style of tables. */
export type TableFormat = "square" | "rounded" | "ascii";

/**
 * Whether a stream gets colors, strongest first: `--no-color`; `NO_COLOR` (any value),
 * `GESTVENV_NO_COLOR` (a value other than `0`/`false`/`no`), `TERM=dumb`; `FORCE_COLOR` (`0`:
 * off, any other value: on); `ui.color_scheme` (`never`, `always`); else whether it is a terminal.
 */
export function colorEnabled(
  stream: { isTerminal(): boolean },
  flag: boolean | undefined,
  scheme: ColorScheme = "auto",
): boolean {
  if (flag === false) return false;
  const env = (name: string) => Deno.env.get(name) ?? "";
  const noColor = env("GESTVENV_NO_COLOR").toLowerCase();
  if (
    env("NO_COLOR") !== "" || (noColor !== "" && !["0", "false", "no"].includes(noColor)) ||
    env("TERM") === "dumb"
  ) {
    return false;
  }
  const force = env("FORCE_COLOR");
  if (force === "0") return false;
  if (force !== "") return true;
  if (scheme !== "auto") return scheme === "always";
  return stream.isTerminal();
}

/** Border characters of each {@linkcode TableFormat} (cli-table3's `chars`). */
const TABLE_CHARS: Readonly<Record<TableFormat, Record<string, string>>> = (() => {
  const inner = { "left-mid": "", "mid": "", "mid-mid": "", "right-mid": "" };
  return {
    square: {
      ...inner,
      "top": "─",
      "top-mid": "┬",
      "top-left": "┌",
      "top-right": "┐",
      "bottom": "─",
      "bottom-mid": "┴",
      "bottom-left": "└",
      "bottom-right": "┘",
      "left": "│",
      "right": "│",
      "middle": "│",
    },
    rounded: {
      ...inner,
      "top": "─",
      "top-mid": "┬",
      "top-left": "╭",
      "top-right": "╮",
      "bottom": "─",
      "bottom-mid": "┴",
      "bottom-left": "╰",
      "bottom-right": "╯",
      "left": "│",
      "right": "│",
      "middle": "│",
    },
    ascii: {
      ...inner,
      "top": "-",
      "top-mid": "+",
      "top-left": "+",
      "top-right": "+",
      "bottom": "-",
      "bottom-mid": "+",
      "bottom-left": "+",
      "bottom-right": "+",
      "left": "|",
      "right": "|",
      "middle": "|",
    },
  };
})();

/** How the printer looks: the `[ui]`/`[general]` settings it follows (issue 12 §5). */
export interface PrinterLook {
  /** `ui.color_scheme`. @default "auto" */
  colorScheme?: ColorScheme;
  /** `general.emoji_support`: false prints ASCII marks and tables. @default true */
  emoji?: boolean;
  /** `ui.table_format` (`ascii` when `emoji` is false). @default "square" */
  tableFormat?: TableFormat;
}

/** Writes data to stdout and messages to stderr, with colors decided per stream. */
export class Printer {
  /** Colors for stderr messages. */
  readonly err: Colors;
  /** Colors for stdout data. */
  readonly out: Colors;
  /** Where this printer writes: the process's streams, or the dashboard's capture. */
  readonly terminal: Terminal;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** How {@linkcode Printer.json} writes the envelope. */
  readonly structured: StructuredFormat;
  /** Unicode marks, spinner frames and bars (`general.emoji_support`). */
  readonly emoji: boolean;
  /** The border style of {@linkcode Printer.table}. */
  readonly tableFormat: TableFormat;

  constructor(
    options: {
      color?: boolean | undefined;
      quiet?: boolean;
      verbose?: boolean;
      structured?: StructuredFormat;
      terminal?: Terminal;
    } & PrinterLook = {},
  ) {
    const terminal = options.terminal ?? PROCESS_TERMINAL;
    this.terminal = terminal;
    this.err = createColors(
      colorEnabled(
        { isTerminal: () => terminal.stderrIsTerminal },
        options.color,
        options.colorScheme,
      ),
    );
    this.out = createColors(
      colorEnabled(
        { isTerminal: () => terminal.stdoutIsTerminal },
        options.color,
        options.colorScheme,
      ),
    );
    this.quiet = options.quiet ?? false;
    this.verbose = options.verbose ?? false;
    this.structured = options.structured ?? "json";
    this.emoji = options.emoji ?? true;
    this.tableFormat = this.emoji ? options.tableFormat ?? "square" : "ascii";
  }

  #out(text: string): void {
    this.terminal.stdout(`${text}\n`);
  }

  #err(text: string): void {
    this.terminal.stderr(`${text}\n`);
  }

  /** Loads what the structured format needs (the YAML writer); call before {@linkcode json}. */
  async ready(): Promise<void> {
    if (this.structured === "yaml") await loadYaml();
  }

  /** Prints data on stdout (always, even with `--quiet`). */
  data(text: string): void {
    this.#out(text);
  }

  /** Prints a message on stderr unless `--quiet`. */
  info(text: string): void {
    if (!this.quiet) this.#err(text);
  }

  /** Prints a success line on stderr unless `--quiet`. */
  success(text: string): void {
    if (!this.quiet) this.#err(`${this.err.green(this.emoji ? "✔" : "ok:")} ${text}`);
  }

  /** Prints a warning on stderr (even with `--quiet`). */
  warn(text: string): void {
    this.#err(`${this.err.yellow("warning:")} ${text}`);
  }

  /** Prints a line of backend output on stderr (verbose mode). */
  raw(text: string): void {
    this.#err(this.err.dim(text));
  }

  /** Prints an error the uv way: `error: ...`, details, then `hint: ...`; a stack with `--verbose`. */
  error(error: unknown): void {
    const e = this.err;
    if (error instanceof GestvenvError) {
      this.#err(`${e.red(e.bold("error:"))} ${error.message}`);
      if (error.details !== undefined && error.details !== "") {
        this.#err(error.details.split("\n").map((l) => `  ${l}`).join("\n"));
      }
      if (error.hint !== undefined) this.#err(`\n${e.cyan(e.bold("hint:"))} ${error.hint}`);
      if (this.verbose && error.stack !== undefined) this.#err(e.dim(error.stack));
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.#err(`${e.red(e.bold("error:"))} ${message}`);
    if (this.verbose && error instanceof Error && error.stack !== undefined) {
      this.#err(e.dim(error.stack));
    } else this.#err(`\n${e.cyan(e.bold("hint:"))} Rerun with \`--verbose\` for details`);
  }

  /**
   * Prints the result envelope (pipx model: `gestvenv_result_version`, `command`, `status`,
   * `data`, `errors`) on stdout, as JSON, or as YAML with `--format yaml` (the same document:
   * what JSON would drop, such as `undefined` fields, YAML drops too).
   *
   * @throws {Error} For YAML output when {@linkcode ready} was not awaited (a bug).
   */
  json(
    command: string,
    data: unknown,
    status: "success" | "error" = "success",
    errors: unknown[] = [],
  ): void {
    const envelope = {
      gestvenv_result_version: JSON_ENVELOPE_VERSION,
      command,
      status,
      data,
      errors,
    };
    const text = JSON.stringify(envelope, null, 2);
    if (this.structured === "json") {
      this.#out(text);
      return;
    }
    if (yamlDump === undefined) {
      throw new Error("Printer.ready() was not awaited before YAML output");
    }
    this.#out(yamlDump(JSON.parse(text)).trimEnd());
  }

  /** Renders rows as a table on stdout (cli-table3, loaded on first use to keep start-up fast). */
  async table(head: string[], rows: Array<Array<string | number>>): Promise<void> {
    const { default: Table } = await import("npm:cli-table3@0.6.5");
    const table = new Table({
      head: head.map((h) => this.out.bold(h)),
      style: { head: [], border: [] },
      chars: TABLE_CHARS[this.tableFormat],
    });
    for (const row of rows) table.push(row.map(String));
    this.#out(table.toString());
  }
}

/** Formats a past instant relative to now, e.g. `3 minutes ago`. */
export function timeAgo(iso: string, nowMs: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  const units: Array<[number, string]> = [
    [86400 * 365, "year"],
    [86400 * 30, "month"],
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n > 1 ? "s" : ""} ago`;
  }
  return "just now";
}

/** Formats a byte count with binary units, e.g. `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${value} B` : `${value.toFixed(1)} ${units[i]}`;
}
