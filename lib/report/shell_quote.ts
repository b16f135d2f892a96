/**
 * Quoting words of the fix commands a report shows: package names come from installed
 * distributions' metadata, which anyone publishing a package writes.
 *
 * @module
 */

/**
 * One word for a POSIX shell: as is when it has only safe characters, else in single quotes
 * (a `'` inside written `'\''`); control characters are replaced by `?` (never a line break in
 * a command people copy).
 */
export function shellQuote(word: string): string {
  // deno-lint-ignore no-control-regex
  const clean = word.replace(/[\u0000-\u001f\u007f]/g, "?");
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(clean)) return clean;
  return `'${clean.replaceAll("'", `'\\''`)}'`;
}

/** A command line from words, each quoted with {@linkcode shellQuote}. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}
