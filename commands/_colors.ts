/**
 * ANSI styles for terminal output, switched on or off per stream by the caller (see
 * `colorEnabled` in `_output.ts`). This replaces picocolors: its CommonJS build requires `tty`,
 * which boots Deno's Node layer and cost 14 ms on every command (hyperfine, BENCHMARKS.md).
 *
 * @module
 */

/** The styles gestvenv uses. Each returns its input unchanged when colors are off. */
export interface Colors {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

function style(open: number, close: number): (text: string) => string {
  const start = `\x1b[${open}m`;
  const end = `\x1b[${close}m`;
  // Re-open after an inner reset of the same kind, so nested styles survive.
  return (text) => start + text.replaceAll(end, end + start) + end;
}

const ON: Colors = {
  bold: style(1, 22),
  dim: style(2, 22),
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  cyan: style(36, 39),
};

const same = (text: string) => text;
const OFF: Colors = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

/** The styles, or identity functions when `enabled` is false. */
export function createColors(enabled: boolean): Colors {
  return enabled ? ON : OFF;
}
