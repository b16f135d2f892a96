/**
 * Where an environment's interpreter is: the path every editor needs.
 *
 * @module
 */
import { join } from "../paths/mod.ts";

/**
 * The absolute path of the interpreter of the environment at `root` (the PEP 405 layout venv
 * makes): `<root>/bin/python`, or `<root>\Scripts\python.exe` on Windows. Pure: nothing is
 * read, so a deleted environment still has the path it had.
 *
 * @param root The environment's directory (absolute).
 * @param os The platform (`Deno.build.os` by default).
 */
export function environmentInterpreter(
  root: string,
  os: typeof Deno.build.os = Deno.build.os,
): string {
  return os === "windows" ? join(root, "Scripts", "python.exe") : join(root, "bin", "python");
}
