/**
 * The environment registry, `<home>/environments.json`: one JSON document, replaced atomically
 * (temp, fsync, rename) under a cross-process lock. In memory it is a {@linkcode Registry} of
 * `Map`s, so any name (`constructor`, `__proto__`) is an ordinary key.
 *
 * A damaged file is never silently replaced by an empty one: it is moved aside
 * (`environments.json.corrupt-<time>`), the entries that are still whole are kept, and the
 * caller is told. Entries that are not valid records (`null`, `{}`) are skipped, reported, and
 * written back as they were.
 *
 * @module
 */
import { OperationError } from "../errors/mod.ts";
import { atomicWriteFile, type FileLockOptions, withFileLock } from "../fs/mod.ts";
import { basename, dirname, join } from "../paths/mod.ts";
import {
  type EnvironmentRecord,
  parseEnvironmentRecord,
  type RegistryFile,
} from "./environment_record.ts";
import { salvageRegistryEntries } from "./registry_salvage.ts";

/** The registry in memory. */
export interface Registry {
  /** Valid records by environment name. */
  environments: Map<string, EnvironmentRecord>;
  /** Entries that are not valid records, as read (written back unchanged), with the reason. */
  invalid: Map<string, { value: unknown; reason: string }>;
}

/** Options of the registry functions. */
export interface RegistryOptions {
  /** Receives what the user should know: a damaged file repaired, invalid entries skipped. */
  onNotice?: ((message: string) => void) | undefined;
  /** How to wait for the registry lock (timeout, who holds it). */
  lock?: FileLockOptions | undefined;
}

/** Prefix of the copies a damaged registry is moved to (`environments.json.corrupt-<time>`). */
export const CORRUPT_REGISTRY_SUFFIX = ".corrupt-";

function fromEntries(entries: Iterable<[string, unknown]>): Registry {
  const registry: Registry = { environments: new Map(), invalid: new Map() };
  for (const [name, value] of entries) {
    const record = parseEnvironmentRecord(name, value);
    if (typeof record === "string") registry.invalid.set(name, { value, reason: record });
    else registry.environments.set(name, record);
  }
  return registry;
}

/** Parses registry text; undefined when it is damaged. @throws {OperationError} for a newer format. */
function parseRegistryText(text: string, file: string): Registry | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return undefined;
  const { version, environments } = doc as Record<string, unknown>;
  if (typeof version === "number" && version > 1) {
    throw new OperationError(
      `The registry ${file} has format version ${version}, newer than this gestvenv reads`,
      "registry_too_new",
      { hint: "Upgrade gestvenv, or use the version that wrote it" },
    );
  }
  if (
    version !== 1 || environments === null || typeof environments !== "object" ||
    Array.isArray(environments)
  ) return undefined;
  return fromEntries(Object.entries(environments));
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function noticeInvalid(registry: Registry, options: RegistryOptions): void {
  for (const [name, { reason }] of registry.invalid) {
    options.onNotice?.(
      `The registry entry \`${name}\` is not a valid record (${reason}); it is skipped`,
    );
  }
}

/** Serializes a registry, sorted by name, invalid entries kept as they were. */
export function formatRegistry(registry: Registry): string {
  const entries: Array<[string, unknown]> = [
    ...registry.environments,
    ...[...registry.invalid].map(([name, { value }]) => [name, value] as [string, unknown]),
  ].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  // Object.fromEntries defines own properties, so `__proto__` is an ordinary key here.
  const file: RegistryFile = {
    version: 1,
    environments: Object.fromEntries(entries) as Record<string, EnvironmentRecord>,
  };
  return JSON.stringify(file, null, 2) + "\n";
}

/**
 * Moves a damaged registry aside and writes one made of its salvageable entries. Must run under
 * the registry lock. Returns the repaired registry.
 */
async function repair(file: string, text: string, options: RegistryOptions): Promise<Registry> {
  const aside = `${file}${CORRUPT_REGISTRY_SUFFIX}${new Date().toISOString().replaceAll(":", "-")}`;
  await Deno.rename(file, aside);
  const registry = fromEntries(salvageRegistryEntries(text));
  await atomicWriteFile(file, formatRegistry(registry));
  const kept = [...registry.environments.keys()];
  options.onNotice?.(
    `The registry ${file} was damaged; it was moved to ${aside} and rebuilt with the ` +
      `${kept.length} entries that could be read${
        kept.length > 0 ? ` (${kept.join(", ")})` : ""
      }. ` +
      "Run `gestvenv cleanup --orphaned` to see what else is on disk, or " +
      "`gestvenv cleanup --restore-registry` to bring back entries from the moved file",
  );
  return registry;
}

/** Loads the registry; the registry lock must be held when `repairIfDamaged` is set. */
async function load(
  file: string,
  options: RegistryOptions,
  repairIfDamaged: boolean,
): Promise<Registry | undefined> {
  const text = await readText(file);
  if (text === undefined) return fromEntries([]);
  const registry = parseRegistryText(text, file);
  if (registry !== undefined) {
    noticeInvalid(registry, options);
    return registry;
  }
  if (!repairIfDamaged) return undefined;
  const repaired = await repair(file, text, options);
  noticeInvalid(repaired, options);
  return repaired;
}

/**
 * Reads the registry. Writers replace the file atomically, so a reader always sees a whole
 * version without locking. A missing file is an empty registry. A damaged file is repaired under
 * the registry lock (moved aside, rebuilt from the entries that parse) and `onNotice` says so.
 * Requires `--allow-read` (and `--allow-write` to repair).
 *
 * @throws {OperationError} `registry_too_new` for a format this version cannot read.
 */
export async function readRegistry(
  file: string,
  options: RegistryOptions = {},
): Promise<Registry> {
  const registry = await load(file, options, false);
  if (registry !== undefined) return registry;
  return await withFileLock(
    `${file}.lock`,
    async () => (await load(file, options, true))!,
    { label: "the environment registry", ...options.lock },
  );
}

/**
 * Changes the registry under an exclusive cross-process lock (`<file>.lock`): reads the current
 * version (repairing a damaged one), lets `change` edit it, and writes it back atomically (temp
 * file, fsync, rename). Two processes updating at once both see each other's changes.
 * Requires `--allow-read`, `--allow-write`.
 *
 * @returns What `change` returns.
 * @throws {LockTimeoutError} When the registry lock stays busy past `options.lock.timeoutMs`.
 */
export async function updateRegistry<T>(
  file: string,
  change: (registry: Registry) => T,
  options: RegistryOptions = {},
): Promise<T> {
  return await withFileLock(`${file}.lock`, async () => {
    const registry = (await load(file, options, true))!;
    const result = change(registry);
    await atomicWriteFile(file, formatRegistry(registry));
    return result;
  }, { label: "the environment registry", ...options.lock });
}

/**
 * Reads the registry and never writes (for checks that must change nothing: `health-check`,
 * `doctor` without `--fix`). A missing file is an empty registry. A damaged file is not repaired:
 * the entries that still parse are returned, with `damaged: true`. Requires `--allow-read`.
 *
 * @throws {OperationError} `registry_too_new` for a format this version cannot read.
 */
export async function inspectRegistry(
  file: string,
): Promise<{ registry: Registry; damaged: boolean }> {
  const text = await readText(file);
  if (text === undefined) return { registry: fromEntries([]), damaged: false };
  const registry = parseRegistryText(text, file);
  if (registry !== undefined) return { registry, damaged: false };
  return { registry: fromEntries(salvageRegistryEntries(text)), damaged: true };
}

/** Sorted records of a registry. */
export function registryRecords(registry: Registry): EnvironmentRecord[] {
  return [...registry.environments.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
}

/** The copies of damaged registries beside `file`, newest first (absolute paths). */
export async function corruptRegistryCopies(file: string): Promise<string[]> {
  const prefix = basename(file) + CORRUPT_REGISTRY_SUFFIX;
  const copies: string[] = [];
  try {
    for await (const entry of Deno.readDir(dirname(file))) {
      if (entry.isFile && entry.name.startsWith(prefix)) {
        copies.push(join(dirname(file), entry.name));
      }
    }
  } catch { /* no home yet */ }
  return copies.sort().reverse();
}

/**
 * A moved-aside registry copy: its valid records (salvaged when the copy is damaged), whether it
 * is damaged (then it may list environments that could not be read back), and its raw text.
 */
export async function readRegistryCopy(
  path: string,
): Promise<{ registry: Registry; damaged: boolean; text: string; modified: Date | null }> {
  const text = await Deno.readTextFile(path);
  const modified = (await Deno.stat(path)).mtime;
  let parsed: Registry | undefined;
  try {
    parsed = parseRegistryText(text, path);
  } catch {
    parsed = undefined;
  }
  return {
    registry: parsed ?? fromEntries(salvageRegistryEntries(text)),
    damaged: parsed === undefined,
    text,
    modified,
  };
}
