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

/** The argv that starts this program again: the binary itself, or `deno run <flags> <main>`. */
export function selfCommand(): string[] {
  const exe = Deno.execPath();
  if (!/^deno(\.exe)?$/i.test(basename(exe))) return [exe];
  const main = Deno.mainModule.startsWith("file:") ? fromFileUrl(Deno.mainModule) : Deno.mainModule;
  return [exe, "run", "--quiet", ...PERMISSION_FLAGS, main];
}
