/**
 * Uninstalling a distribution by its RECORD ("Recording installed projects": uninstallers remove
 * the files RECORD lists): those files, the `__pycache__` entries of its `.py` files, its
 * `.dist-info` directory, and directories left empty; never a path outside the environment.
 *
 * @module
 */
import type { InstalledDistribution } from "../distribution/mod.ts";
import { readRecord } from "../distribution/mod.ts";
import { DistributionError, OperationError } from "../errors/mod.ts";
import { failpoint } from "../fs/mod.ts";
import { basename, dirname, join, normalize } from "../paths/mod.ts";
import { type InstallTarget, isInside, schemeDirs } from "./install_target.ts";
import { mapLimit } from "./pool.ts";

const FILE_CONCURRENCY = 32;

async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    // A RECORD that lists a directory: its files are listed too; the directory goes when empty.
    if ((error as { code?: string }).code === "ENOTEMPTY") return false;
    throw error;
  }
}

/** Removes `dir` when empty; false when it is not empty or missing. */
async function removeEmptyDir(dir: string): Promise<boolean> {
  try {
    await Deno.remove(dir);
    return true;
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Removes `__pycache__/<stem>.<tag>(.opt-N)?.pyc` for the removed `.py` files of one directory,
 * and `__pycache__` itself when that leaves it empty.
 */
async function removeBytecode(dir: string, stems: string[]): Promise<void> {
  const cache = join(dir, "__pycache__");
  let names: string[];
  try {
    names = (await Array.fromAsync(Deno.readDir(cache))).map((e) => e.name);
  } catch {
    return;
  }
  const pattern = new RegExp(
    `^(?:${stems.map(escapeRegExp).join("|")})\\.[^.]+(?:\\.opt-\\d+)?\\.pyc$`,
  );
  await Promise.all(
    names.filter((n) => pattern.test(n)).map((n) => removeIfPresent(join(cache, n))),
  );
  await removeEmptyDir(cache);
}

/**
 * The absolute paths RECORD lists for `dist`, checked to stay inside the environment.
 *
 * @throws {OperationError} `record_missing` without a RECORD.
 * @throws {DistributionError} when a path resolves outside the environment root.
 */
export async function recordedPaths(
  target: InstallTarget,
  dist: InstalledDistribution,
): Promise<string[]> {
  const record = await readRecord(dist.dist_info);
  if (record === undefined) {
    throw new OperationError(
      `Cannot uninstall ${dist.name} ${dist.version}: ${dist.dist_info} has no RECORD, so ` +
        "gestvenv does not know which files it installed",
      "record_missing",
      {
        hint: `Reinstall it (\`--reinstall ${dist.normalized_name}\`) to write a RECORD, or ` +
          `delete its files and ${basename(dist.dist_info)} by hand`,
      },
    );
  }
  const root = normalize(target.layout.root);
  const site = dirname(dist.dist_info);
  const realRoot = await Deno.realPath(root).catch(() => root);
  const paths: string[] = [];
  for (const entry of record) {
    const absolute = /^([A-Za-z]:)?[\\/]/.test(entry.path)
      ? normalize(entry.path)
      : join(site, entry.path);
    if (!isInside(absolute, root) || absolute === root) {
      throw new DistributionError(
        `RECORD lists \`${entry.path}\`, which is outside the environment (${absolute}); ` +
          "nothing was removed",
        `${dist.name} ${dist.version}`,
        { hint: `Its RECORD (${join(dist.dist_info, "RECORD")}) was tampered with: check it` },
      );
    }
    paths.push(absolute);
  }
  // A directory on the way that is a symbolic link out of the environment is refused too.
  for (const dir of new Set(paths.map(dirname))) {
    const real = await Deno.realPath(dir).catch(() => null);
    if (real !== null && !isInside(real, realRoot)) {
      throw new DistributionError(
        `RECORD lists files in ${dir}, which resolves outside the environment (${real}); ` +
          "nothing was removed",
        `${dist.name} ${dist.version}`,
      );
    }
  }
  return paths;
}

/**
 * Uninstalls `dist` from `target`: removes exactly the files its RECORD lists (resolved against
 * the site-packages directory holding its `.dist-info`), the `__pycache__/*.pyc` of removed `.py`
 * files, the `.dist-info` directory (RECORD last, so an interrupted uninstall can run again), then
 * directories left empty, up to but never including site-packages, `bin/`, the environment root or
 * their parents. Files already gone are skipped. Every path is checked before
 * anything is removed. Requires `--allow-read` and `--allow-write`.
 *
 * @throws {OperationError} `record_missing` when the distribution has no RECORD.
 * @throws {DistributionError} when RECORD lists a path outside the environment root (nothing is
 *   removed).
 */
export async function uninstallDistribution(
  target: InstallTarget,
  dist: InstalledDistribution,
): Promise<void> {
  const paths = await recordedPaths(target, dist);
  const distInfo = normalize(dist.dist_info);
  const record = join(distInfo, "RECORD");
  const inDistInfo = paths.filter((p) => isInside(p, distInfo));
  const outside = paths.filter((p) => !isInside(p, distInfo));
  await mapLimit(outside, FILE_CONCURRENCY, removeIfPresent);
  // Bytecode of the removed modules, per directory.
  const stemsByDir = new Map<string, string[]>();
  for (const p of outside) {
    if (!p.endsWith(".py")) continue;
    const dir = dirname(p);
    const stems = stemsByDir.get(dir) ?? [];
    stems.push(basename(p).slice(0, -3));
    stemsByDir.set(dir, stems);
  }
  await mapLimit([...stemsByDir], FILE_CONCURRENCY, ([dir, stems]) => removeBytecode(dir, stems));
  // The .dist-info last, its RECORD at the very end.
  await mapLimit(inDistInfo.filter((p) => p !== record), FILE_CONCURRENCY, removeIfPresent);
  await failpoint("installer.uninstall.before_record");
  await removeIfPresent(record);
  // The .dist-info directory belongs to the distribution as a whole (files an older installer
  // left there unlisted go with it).
  await Deno.remove(distInfo, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  // Directories left empty, deepest first, stopping at the scheme's own directories.
  const dirs = schemeDirs(target);
  const root = normalize(target.layout.root);
  const protectedDirs = new Set<string>([root]);
  for (const keep of [dirs.purelib, dirs.platlib, dirs.scripts]) {
    for (let d = keep; isInside(d, root); d = dirname(d)) {
      protectedDirs.add(d);
      if (d === root) break;
    }
  }
  const candidates = new Set<string>();
  for (const p of outside) {
    for (let d = dirname(p); isInside(d, root) && !protectedDirs.has(d); d = dirname(d)) {
      candidates.add(d);
    }
  }
  const deepestFirst = [...candidates].sort((a, b) => b.length - a.length);
  for (const dir of deepestFirst) await removeEmptyDir(dir);
  const now = new Date();
  await Deno.utime(dirname(distInfo), now, now).catch(() => {});
}
