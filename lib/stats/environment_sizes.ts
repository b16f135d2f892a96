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

/** A walk under way: what is left to read of one environment. */
interface Walk {
  size: EnvironmentSize;
  /** Directories not read yet. */
  dirs: string[];
  /** Files listed but not measured yet. */
  files: string[];
  /** The inodes counted (`dev:ino`). */
  seen: Set<string>;
}

const walking = (walk: Walk) => walk.dirs.length > 0 || walk.files.length > 0;

/**
 * Walks `walk` until it is done, `files` files were measured, or `until` (a `performance.now()`
 * time) passed. Returns the files measured.
 */
async function step(walk: Walk, files: number, until: number): Promise<number> {
  let used = 0;
  while (walking(walk) && used < files && performance.now() <= until) {
    const path = walk.files.pop();
    if (path !== undefined) {
      used++;
      const info = await Deno.lstat(path).catch(() => undefined);
      if (info === undefined) {
        walk.size.complete = false; // Gone or unreadable: what was read is a lower bound.
        continue;
      }
      const key = info.ino === null ? path : `${info.dev}:${info.ino}`;
      if (walk.seen.has(key)) continue;
      walk.seen.add(key);
      walk.size.bytes += info.size;
      walk.size.files++;
      continue;
    }
    const dir = walk.dirs.pop()!;
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isDirectory) walk.dirs.push(join(dir, entry.name));
        else if (entry.isFile) walk.files.push(join(dir, entry.name));
      }
    } catch {
      walk.size.complete = false; // An unreadable directory: what was read is a lower bound.
    }
  }
  return used;
}

/**
 * The size of each environment, largest first: a walk of its directory (`lstat`, symbolic links
 * not followed, each inode counted once per environment), bounded in files and time so `stats`
 * stays quick on large homes. The bounds are shared fairly: in rounds, each environment still
 * being walked gets an equal share of the files and time left (what a small one does not use goes
 * to the others in the next round), so one huge environment early in the registry cannot starve
 * the others. What the bound cut short is marked `complete: false` (its `bytes` is a lower
 * bound). Requires `--allow-read`.
 */
export async function environmentSizes(
  environments: readonly SizedEnvironment[],
  options: SizeOptions = {},
): Promise<EnvironmentSize[]> {
  let budget = options.maxFiles ?? 500_000;
  const deadline = performance.now() + (options.maxMs ?? 10_000);
  const sizes: EnvironmentSize[] = [];
  let walks: Walk[] = [];
  for (const env of environments) {
    const size: EnvironmentSize = {
      name: env.name,
      backend: env.backend,
      bytes: 0,
      files: 0,
      complete: true,
      exists: true,
    };
    sizes.push(size);
    const root = await Deno.lstat(env.path).catch(() => undefined);
    if (root === undefined || !root.isDirectory) {
      size.exists = false;
      size.complete = root !== undefined;
      continue;
    }
    walks.push({ size, dirs: [env.path], files: [], seen: new Set() });
  }
  while (walks.length > 0 && budget > 0 && performance.now() <= deadline) {
    const files = Math.max(1, Math.floor(budget / walks.length));
    for (const [i, walk] of walks.entries()) {
      if (budget <= 0) break;
      const now = performance.now();
      const until = now + Math.max(0, deadline - now) / (walks.length - i);
      budget -= await step(walk, Math.min(files, budget), until);
    }
    walks = walks.filter(walking);
  }
  for (const walk of walks) walk.size.complete = false; // Cut short by a bound.
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
