/**
 * The marker file gestvenv writes into every environment it creates: `<env>/.gestvenv-env`, a
 * small JSON document with a random id that the registry records too. It is gestvenv's proof of
 * ownership: nothing without a marker whose id matches is ever deleted as "unregistered", and a
 * key in `pyvenv.cfg` (which anyone can write) is not enough.
 *
 * @module
 */
import { atomicWriteFile } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";

/** File name of the marker, at the environment's root. */
export const ENVIRONMENT_MARKER_FILE = ".gestvenv-env";

/** The marker's content. */
export interface EnvironmentMarker {
  /** Format version; 1. */
  gestvenv_marker_version: 1;
  /** Random id (a UUID), also in the registry record. */
  id: string;
  /** The environment's name when the marker was (re)written. */
  name: string;
  /** ISO 8601 time the environment was created. */
  created_at: string;
}

/** A new random environment id. */
export function newEnvironmentId(): string {
  return crypto.randomUUID();
}

/** Writes (atomically) the marker of the environment at `root`. Requires `--allow-write`. */
export async function writeEnvironmentMarker(
  root: string,
  marker: { id: string; name: string; created_at: string },
): Promise<void> {
  const doc: EnvironmentMarker = { gestvenv_marker_version: 1, ...marker };
  await atomicWriteFile(join(root, ENVIRONMENT_MARKER_FILE), JSON.stringify(doc) + "\n");
}

/**
 * Reads the marker of the environment at `root`; undefined when there is none or it is not a
 * marker (an unreadable marker proves nothing). Requires `--allow-read`.
 */
export async function readEnvironmentMarker(root: string): Promise<EnvironmentMarker | undefined> {
  try {
    const doc = JSON.parse(
      await Deno.readTextFile(join(root, ENVIRONMENT_MARKER_FILE)),
    ) as Partial<EnvironmentMarker>;
    if (doc.gestvenv_marker_version !== 1 || typeof doc.id !== "string" || doc.id === "") {
      return undefined;
    }
    return {
      gestvenv_marker_version: 1,
      id: doc.id,
      name: String(doc.name ?? ""),
      created_at: String(doc.created_at ?? ""),
    };
  } catch {
    return undefined;
  }
}
