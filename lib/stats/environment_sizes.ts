/**
 * Sizes of environments on disk (a bounded walk) and the backends they use, for `stats`.
 *
 * @module
 */
import { join } from "../paths/mod.ts";

/** What {@linkcode environmentSizes} needs of an environment. */
export interface SizedEnvironment {
  /** The environment's name. */
  name: string;
  /** Its directory. */
  path: string;
  /** Its backend (`native`, `pip`, `uv`). */
  backend: string;
}

/** An environment's size. */
export interface EnvironmentSize {
  /** The environment's name. */
  name: string;
  /** Its backend. */
  backend: string;
  /**
   * Bytes of its regular files, each inode once (hard links into the cache count here too:
   * removing the cache would not free them); symbolic links are not followed.
   */
  bytes: number;
  /** Files counted. */
  files: number;
  /** False when the walk stopped at its bound (then `bytes` is a lower bound) or failed. */
  complete: boolean;
  /** False when the directory is missing. */
  exists: boolean;
}

/** Options of {@linkcode environmentSizes}. */
export interface SizeOptions {
  /** Files looked at in all, across environments, before the walk stops. @default 500_000 */
  maxFiles?: number;
  /** Milliseconds the whole walk may take before it stops. @default 10_000 */
  maxMs?: number;
}

/**
 * The size of each environment, largest first: a walk of its directory (`lstat`, symbolic links
 * not followed, each inode counted once per environment), bounded in files and time so `stats`
 * stays quick on large homes; what the bound cut short is marked `complete: false`.
 * Requires `--allow-read`.
 */
export async function environmentSizes(
  environments: readonly SizedEnvironment[],
  options: SizeOptions = {},
): Promise<EnvironmentSize[]> {
  let budget = options.maxFiles ?? 500_000;
  const deadline = performance.now() + (options.maxMs ?? 10_000);
  const sizes: EnvironmentSize[] = [];
  for (const env of environments) {
    const seen = new Set<string>();
    const size: EnvironmentSize = {
      name: env.name,
      backend: env.backend,
      bytes: 0,
      files: 0,
      complete: true,
      exists: true,
    };
    const root = await Deno.lstat(env.path).catch(() => undefined);
    if (root === undefined || !root.isDirectory) {
      sizes.push({ ...size, exists: false, complete: root !== undefined });
      continue;
    }
    const stack = [env.path];
    while (stack.length > 0) {
      if (budget <= 0 || performance.now() > deadline) {
        size.complete = false;
        break;
      }
      const dir = stack.pop()!;
      try {
        for await (const entry of Deno.readDir(dir)) {
          const path = join(dir, entry.name);
          if (entry.isDirectory) {
            stack.push(path);
            continue;
          }
          if (!entry.isFile) continue;
          budget--;
          const info = await Deno.lstat(path);
          const key = info.ino === null ? path : `${info.dev}:${info.ino}`;
          if (seen.has(key)) continue;
          seen.add(key);
          size.bytes += info.size;
          size.files++;
        }
      } catch {
        size.complete = false; // An unreadable directory: what was read is a lower bound.
      }
    }
    sizes.push(size);
  }
  return sizes.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
}

/** How many environments use each backend, most used first. */
export function backendCounts(
  environments: readonly { backend: string }[],
): Array<{ backend: string; environments: number }> {
  const counts = new Map<string, number>();
  for (const e of environments) counts.set(e.backend, (counts.get(e.backend) ?? 0) + 1);
  return [...counts].map(([backend, n]) => ({ backend, environments: n }))
    .sort((a, b) => b.environments - a.environments || (a.backend < b.backend ? -1 : 1));
}
