import { basename } from "../lib/paths/mod.ts";
/**
 * How gestvenv runs itself: the permission flags of the compiled binary (also used by the tests
 * and `shell-init`), and the command line that starts this very program.
 *
 * @module
 */
import { fromFileUrl } from "./_file_url.ts";

/** The permissions gestvenv needs; `deno compile` and the tests use exactly these. */
export const PERMISSION_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-net",
  "--allow-env",
  "--allow-sys",
];

/**
 * V8 settings gestvenv is launched with (compiled binary, `deno task gestvenv`, `deno install`):
 * a young generation of at most 4 MB per semi-space instead of V8's 64 MB cap. Parsing index pages
 * makes millions of short-lived objects; with the default the young generation grows to its cap
 * and stays there. Measured on resolving apache-airflow==2.9.3 warm: peak RSS 237 MB → 168 MB
 * at the same speed (BENCHMARKS.md, "Peak memory of resolution").
 */
export const V8_FLAGS: readonly string[] = ["--v8-flags=--max-semi-space-size=4"];

/** The argv that starts this program again: the binary itself, or `deno run <flags> <main>`. */
export function selfCommand(): string[] {
  const exe = Deno.execPath();
  if (!/^deno(\.exe)?$/i.test(basename(exe))) return [exe];
  const main = Deno.mainModule.startsWith("file:") ? fromFileUrl(Deno.mainModule) : Deno.mainModule;
  return [exe, "run", "--quiet", ...V8_FLAGS, ...PERMISSION_FLAGS, main];
}
