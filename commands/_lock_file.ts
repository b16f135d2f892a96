/**
 * Reading a `pylock.toml` named on the command line.
 *
 * @module
 */
import { OperationError } from "../lib/errors/mod.ts";
import { parsePylock, type Pylock } from "../lib/lock/mod.ts";
import { absolute } from "../lib/paths/mod.ts";

/**
 * Reads and parses a PEP 751 lock file.
 * @throws {OperationError} when it cannot be read; {InvalidSyntaxError} when it is malformed.
 */
export async function readLockFile(path: string): Promise<Pylock> {
  const full = absolute(path);
  let text: string;
  try {
    text = await Deno.readTextFile(full);
  } catch (error) {
    throw new OperationError(`Cannot read the lock ${full}`, "lock_missing", {
      cause: error,
      hint: "Check the path; `gestvenv lock` writes pylock.toml",
    });
  }
  return parsePylock(text, full);
}
