/**
 * `optimize`'s relinking: distributions of a native environment that were installed as copies
 * (`suggest.copies`) are installed again from the environment's `pylock.toml` by the installer,
 * which links the files to the cache (clone, else hard link; a copy only when neither works). The
 * installer fetches and verifies the new files before it removes the old ones, so a relink that
 * cannot get the files leaves the environment as it was.
 *
 * @module
 */
import {
  type EnvironmentContext,
  getEnvironment,
  openEnvironment,
  withEnvironmentLock,
} from "../environments/mod.ts";
import { installFromLock, readEnvironmentLock } from "../packages/mod.ts";
import { inspectVirtualenv } from "../virtualenv/mod.ts";
import { copiedDistributions } from "./suggestions.ts";

/**
 * Re-installs, linked to the cache, the distributions of environment `name` that are copies and
 * that its lock lists (under the environment's lock). In a dry run, only says which.
 * @returns The `name==version` of each distribution relinked (or that would be); empty for an
 *   environment that is not native, has no lock, or has no copies.
 * @throws {EnvironmentNotFoundError} when the environment does not exist.
 * @throws {NetworkError | ArtifactMismatchError} when a file is neither cached nor reachable, or
 *   does not match the lock (the environment is left as it was).
 */
export async function relinkCopies(ctx: EnvironmentContext, name: string): Promise<string[]> {
  const plan = async () => {
    const record = await getEnvironment(ctx, name);
    if (record.backend !== "native") return { record, copies: [] as string[] };
    const layout = await inspectVirtualenv(record.path);
    const lock = await readEnvironmentLock(record).catch(() => undefined);
    if (layout === undefined || lock === undefined) return { record, copies: [] as string[] };
    const locked = new Set(lock.packages.map((p) => `${p.name}==${p.version}`));
    const copies = (await copiedDistributions(layout)).filter((d) => locked.has(d));
    return { record, copies, lock };
  };
  if (ctx.dryRun) return (await plan()).copies;
  return await withEnvironmentLock(ctx, name, async () => {
    const { record, copies, lock } = await plan();
    if (copies.length === 0 || lock === undefined) return [];
    const { backend, target } = await openEnvironment(ctx, record);
    await installFromLock(ctx, record, backend, target, lock, false, {
      writeLock: false,
      reinstall: new Set(copies.map((c) => c.split("==")[0]!)),
    });
    return copies;
  });
}
