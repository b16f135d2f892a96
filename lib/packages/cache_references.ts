/**
 * What the registered environments use in the package cache, so cleaning keeps it: the sha256 of
 * every file each environment's `pylock.toml` names, and the origins (file URLs of sdists,
 * `file:` URLs of directories) the wheels built from them were stored with. `lib/cache` takes
 * this as an input (it does not read environments).
 *
 * @module
 */
import type { CacheReferences } from "../cache/mod.ts";
import { readRegistry, registryRecords } from "../environments/mod.ts";
import { join, toFileUrl } from "../paths/mod.ts";
import { readEnvironmentLock } from "./environment_lock.ts";

/** {@linkcode environmentCacheReferences}'s answer. */
export interface EnvironmentCacheReferences {
  /** What to keep. */
  references: CacheReferences;
  /** Registered environments read. */
  environments: number;
  /** Environments whose lock is missing or unreadable (only hard links protect their files). */
  unlocked: string[];
}

/**
 * Reads every registered environment's lock (see the module documentation).
 * Requires `--allow-read`.
 * @param registryFile The registry (`HomeLayout.registryFile`).
 */
export async function environmentCacheReferences(
  registryFile: string,
): Promise<EnvironmentCacheReferences> {
  const sha256s = new Set<string>();
  const origins = new Set<string>();
  const unlocked: string[] = [];
  const records = registryRecords(await readRegistry(registryFile));
  for (const record of records) {
    const lock = await readEnvironmentLock(record);
    if (lock === undefined) {
      unlocked.push(record.name);
      continue;
    }
    for (const p of lock.packages) {
      for (const file of [...p.wheels, ...(p.sdist === undefined ? [] : [p.sdist])]) {
        const sha = file.hashes.sha256;
        if (sha !== undefined) sha256s.add(sha.toLowerCase());
        origins.add(file.url);
      }
      if (p.directory !== undefined) {
        const path = p.directory.path;
        origins.add(toFileUrl(/^([a-z]:)?[\\/]/i.test(path) ? path : join(record.path, path)));
      }
    }
  }
  return { references: { sha256s, origins }, environments: records.length, unlocked };
}
