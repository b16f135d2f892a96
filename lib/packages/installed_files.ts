/**
 * The files an install applied, as the operation log and `audit` record them.
 *
 * @module
 */
import type { LockPlan } from "./sync_lock.ts";

/** One file an operation installed: what `audit` shows (issue 11 §2). */
export interface InstalledFile {
  /** PEP 503 normalized name. */
  name: string;
  /** The version installed, or null for a directory without one. */
  version: string | null;
  /** The wheel or sdist file name. */
  file: string;
  /** Its sha256, hex, as the lock recorded it. */
  sha256: string | null;
  /** The origin (`https://host:port`) of the URL it came from (credentials never kept), or null. */
  index: string | null;
}

/** The files a lock plan installed (directories and editables, which have no file, are left out). */
export function installedFiles(plan: LockPlan): InstalledFile[] {
  const out: InstalledFile[] = [];
  for (const p of plan.install) {
    const file = p.locked.file;
    if (file === null) continue;
    let index: string | null = null;
    try {
      index = new URL(file.url).origin;
    } catch { /* a relative or odd URL: no index */ }
    out.push({
      name: p.name,
      version: p.version,
      file: file.name,
      sha256: file.hashes["sha256"] ?? null,
      index: index === "null" ? null : index,
    });
  }
  return out;
}
