/**
 * What `migrate-backend --validate` compares: each distribution's version and its RECORD (PEP 376,
 * PEP 627), before and after the new backend installed it. For a distribution installed from a
 * wheel, the set of RECORD paths must be the same (every file of the wheel, every `.dist-info`
 * file such as `entry_points.txt`, `METADATA` or a license, and every console-script launcher in
 * `bin/`), and each file's hash equal. Not compared, because each installer writes them its own
 * way: `INSTALLER`, `RECORD`, `REQUESTED`, `direct_url.json` and uv's `uv_cache.json` in
 * `.dist-info`, bytecode (`__pycache__`, `.pyc`), and the content of the launchers (their shebang
 * and wrapper differ; their presence is compared).
 *
 * @module
 */
import { readInstalledDistributions, readRecord } from "../distribution/mod.ts";

/** A distribution's version and its RECORD paths, each with its hash (`null`: presence only). */
export interface DistributionSnapshot {
  version: string;
  files: Map<string, string | null>;
}

/** Files an installer writes itself: never compared. */
function installerOwned(path: string): boolean {
  return /\.dist-info\/(INSTALLER|RECORD|REQUESTED|direct_url\.json|uv_cache\.json)$/.test(path) ||
    /(^|\/)__pycache__\//.test(path) || path.endsWith(".pyc");
}

/** A console-script launcher (its content is the installer's; its presence is compared). */
function isLauncher(path: string): boolean {
  return /^(\.\.\/)+(bin|Scripts)\//.test(path);
}

/**
 * Every distribution in `sitePackages` (by normalized name) with its RECORD, less what
 * installers own. Requires `--allow-read`.
 */
export async function snapshotDistributions(
  sitePackages: string[],
): Promise<Map<string, DistributionSnapshot>> {
  const out = new Map<string, DistributionSnapshot>();
  for (const dist of await readInstalledDistributions(sitePackages)) {
    const files = new Map<string, string | null>();
    for (const entry of await readRecord(dist.dist_info) ?? []) {
      if (installerOwned(entry.path)) continue;
      files.set(entry.path, isLauncher(entry.path) || entry.hash === "" ? null : entry.hash);
    }
    out.set(dist.normalized_name, { version: dist.version, files });
  }
  return out;
}

/**
 * The differences between two snapshots, one sentence each; `wheels` names the distributions
 * compared file by file (installed from a wheel, same version on both sides).
 */
export function compareSnapshots(
  before: Map<string, DistributionSnapshot>,
  after: Map<string, DistributionSnapshot>,
  wheels: ReadonlySet<string>,
): { compared: number; differences: string[] } {
  const differences: string[] = [];
  let compared = 0;
  for (const [name, b] of before) {
    const a = after.get(name);
    if (a === undefined) {
      differences.push(`${name} ${b.version} is no longer installed`);
      continue;
    }
    if (a.version !== b.version) {
      differences.push(`${name} was ${b.version} and is now ${a.version}`);
      continue;
    }
    if (!wheels.has(name)) continue;
    compared++;
    for (const [path, hash] of b.files) {
      if (!a.files.has(path)) {
        differences.push(`${name}: ${path} is missing`);
        continue;
      }
      const other = a.files.get(path) ?? null;
      if (hash !== null && other !== null && other !== hash) {
        differences.push(`${name}: ${path} differs (RECORD ${hash} → ${other})`);
      }
    }
    for (const path of a.files.keys()) {
      if (!b.files.has(path)) differences.push(`${name}: ${path} is new`);
    }
  }
  for (const [name, a] of after) {
    if (!before.has(name)) differences.push(`${name} ${a.version} was not installed before`);
  }
  return { compared, differences };
}
