/**
 * Staging and trash directories: `create`, `clone` and `rename` build an environment beside its
 * final place, in `.gestvenv-staging-<name>-<pid>-<start ms>`, and rename it into place only when
 * complete; `delete` first renames the environment to `.gestvenv-trash-<name>-<pid>-<start ms>`.
 * Being siblings of the final path keeps every rename on one filesystem (atomic). The names carry
 * the pid and start time of the process that made them, and start with a dot (no environment
 * name can), so `cleanup` and `doctor` recognise leftovers of a killed command.
 *
 * @module
 */
import { basename, dirname, join } from "../paths/mod.ts";

/** What a leftover directory was for. */
export type LeftoverKind = "staging" | "trash";

const LEFTOVER = /^\.gestvenv-(staging|trash)-(.+)-(\d+)-(\d+)$/;

/** The staging (or trash) path for an environment whose final path is `finalPath`. */
export function leftoverPath(finalPath: string, kind: LeftoverKind): string {
  return join(
    dirname(finalPath),
    `.gestvenv-${kind}-${basename(finalPath)}-${Deno.pid}-${Date.now()}`,
  );
}

/** A staging or trash directory name, parsed; undefined for any other name. */
export function parseLeftoverName(
  name: string,
): { kind: LeftoverKind; target: string; pid: number; startedAt: Date } | undefined {
  const m = LEFTOVER.exec(name);
  if (m === null) return undefined;
  return {
    kind: m[1] as LeftoverKind,
    target: m[2]!,
    pid: Number(m[3]),
    startedAt: new Date(Number(m[4])),
  };
}

/**
 * Renames a finished staging directory to `finalPath`. When `finalPath` is an empty directory
 * that existed before (a `--path` the user made), it is replaced (POSIX `rename` replaces an
 * empty directory; elsewhere it is removed first). Requires `--allow-write`.
 */
export async function moveIntoPlace(staging: string, finalPath: string): Promise<void> {
  try {
    await Deno.rename(staging, finalPath);
  } catch (error) {
    // Windows cannot rename onto an existing (empty) directory.
    if (Deno.build.os !== "windows") throw error;
    await Deno.remove(finalPath);
    await Deno.rename(staging, finalPath);
  }
}
