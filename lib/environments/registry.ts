import { OperationError } from "../errors/mod.ts";
import { atomicWriteFile, withFileLock } from "../fs/mod.ts";
import type { EnvironmentRecord, RegistryDocument } from "./environment_record.ts";

function emptyRegistry(): RegistryDocument {
  return { version: 1, environments: {} };
}

async function load(file: string): Promise<RegistryDocument> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return emptyRegistry();
    throw error;
  }
  try {
    const doc = JSON.parse(text) as RegistryDocument;
    if (
      doc === null || typeof doc !== "object" || doc.version !== 1 ||
      typeof doc.environments !== "object"
    ) {
      throw new Error("unexpected structure");
    }
    return doc;
  } catch (error) {
    const aside = `${file}.corrupt-${new Date().toISOString().replaceAll(":", "-")}`;
    await Deno.rename(file, aside).catch(() => {});
    throw new OperationError(
      `The environment registry ${file} could not be read and was moved to ${aside}`,
      "registry_corrupt",
      {
        cause: error,
        hint:
          "Run `gestvenv cleanup --orphaned` to register the environments found on disk again, " +
          "or restore the moved file",
      },
    );
  }
}

/**
 * Reads the registry without locking. Writers replace the file atomically, so a reader always sees
 * a whole version. A missing file is an empty registry. Requires `--allow-read`.
 *
 * @throws {OperationError} `registry_corrupt` when the file is not a registry; it is moved aside
 *   (never silently replaced by an empty one).
 */
export async function readRegistry(file: string): Promise<RegistryDocument> {
  return await load(file);
}

/**
 * Changes the registry under an exclusive cross-process lock (`<file>.lock`): reads the current
 * version, lets `change` edit it, and writes it back atomically (temp file, fsync, rename). Two
 * processes updating at once both see each other's changes. Requires `--allow-read`,
 * `--allow-write`.
 *
 * @returns What `change` returns.
 */
export async function updateRegistry<T>(
  file: string,
  change: (doc: RegistryDocument) => T,
): Promise<T> {
  return await withFileLock(`${file}.lock`, async () => {
    const doc = await load(file);
    const result = change(doc);
    await atomicWriteFile(file, JSON.stringify(doc, null, 2) + "\n");
    return result;
  });
}

/** Sorted records of a registry document. */
export function registryRecords(doc: RegistryDocument): EnvironmentRecord[] {
  return Object.values(doc.environments).sort((a, b) => a.name.localeCompare(b.name));
}
