/** Formats an "Examples:" block for `--help` (appended after the options). */
export function examples(lines: Array<[string, string]>): string {
  const width = Math.max(...lines.map(([cmd]) => cmd.length));
  return "\nExamples:\n" +
    lines.map(([cmd, what]) => `  $ ${cmd.padEnd(width)}  # ${what}`).join("\n");
}

/** Collects a repeatable option's values (`-r a -r b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
