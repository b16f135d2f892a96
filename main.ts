/**
 * gestvenv's command-line entry. Everything happens in `runCli`; this is the only `Deno.exit`.
 *
 * @module
 */
import { runCli } from "./commands/mod.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
