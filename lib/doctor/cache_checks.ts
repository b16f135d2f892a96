/**
 * Checks of the package cache: its size against `cache.max_size`, the free space of the disk it
 * is on, and (full) every cached file re-hashed as `cache verify` does.
 *
 * @module
 */
import { openCache, verifyCache } from "../cache/mod.ts";
import { pathExists, treeSize } from "../fs/mod.ts";
import { type DoctorCheck, ok } from "./doctor_check.ts";

const SUBJECT = "cache";
const MIB = 1024 * 1024;
/** Below this much free space (bytes) on the cache's disk, `cache.disk` warns. */
export const LOW_DISK_BYTES = 1024 * MIB;
/** Below this much free space (bytes), `cache.disk` is an error (installs will fail). */
export const CRITICAL_DISK_BYTES = 100 * MIB;

function size(bytes: number): string {
  return bytes >= 1024 * MIB
    ? `${(bytes / 1024 / MIB).toFixed(1)} GiB`
    : `${(bytes / MIB).toFixed(1)} MiB`;
}

/**
 * A size as a `--max-size`/`--target-size` argument (`2GB`, `500MB`, `1KB`; powers of 1024),
 * rounded down, never 0.
 */
export function sizeArgument(bytes: number): string {
  if (bytes >= 1024 * MIB && bytes % (1024 * MIB) === 0) return `${bytes / 1024 / MIB}GB`;
  if (bytes >= MIB) return `${Math.floor(bytes / MIB)}MB`;
  return `${Math.max(1, Math.floor(bytes / 1024))}KB`;
}

/** Free bytes on the file system holding `path` (POSIX `df -Pk`), or undefined when unknown. */
export async function freeDiskBytes(path: string): Promise<number | undefined> {
  try {
    const out = await new Deno.Command("df", {
      args: ["-Pk", path],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    if (!out.success) return undefined;
    const line = new TextDecoder().decode(out.stdout).trim().split("\n")[1];
    const available = Number(line?.trim().split(/\s+/)[3]);
    return Number.isFinite(available) ? available * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@linkcode checkCache}. */
export interface CacheCheckOptions {
  /** `cache.max_size` in bytes, when set. */
  maxSize?: number | undefined;
  /** Also re-hash every cached file (`cache verify`). @default false */
  full?: boolean;
}

/**
 * `cache.size`, `cache.disk` and (full) `cache.integrity` findings for the cache at `root`.
 * Read-only (verification holds the cache's shared lock); requires `--allow-read` and
 * `--allow-run` (`df`).
 */
export async function checkCache(root: string, options: CacheCheckOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const exists = await pathExists(root);
  const used = exists ? await treeSize(root).catch(() => 0) : 0;
  if (options.maxSize !== undefined && used > options.maxSize) {
    checks.push({
      id: "cache.size",
      severity: "warning",
      subject: SUBJECT,
      message: `${size(used)} in ${root}, over cache.max_size (${size(options.maxSize)})`,
      fix: { command: `gestvenv cache clean --max-size ${sizeArgument(options.maxSize)}` },
    });
  } else {
    checks.push(ok(
      "cache.size",
      SUBJECT,
      `${size(used)} in ${root}` +
        (options.maxSize === undefined ? "" : ` (cache.max_size ${size(options.maxSize)})`),
    ));
  }
  const free = await freeDiskBytes(exists ? root : `${root}/..`);
  if (free === undefined) {
    checks.push({
      id: "cache.disk",
      severity: "info",
      subject: SUBJECT,
      message: "the free disk space could not be measured (`df` failed)",
    });
  } else if (free < LOW_DISK_BYTES) {
    checks.push({
      id: "cache.disk",
      severity: free < CRITICAL_DISK_BYTES ? "error" : "warning",
      subject: SUBJECT,
      message: `only ${size(free)} free on the cache's disk`,
      fix: { command: "gestvenv cache clean --unpacked" },
    });
  } else {
    checks.push(ok("cache.disk", SUBJECT, `${size(free)} free on the cache's disk`));
  }
  if (options.full && exists) {
    const cache = await openCache(root);
    let report;
    try {
      report = await verifyCache(cache);
    } finally {
      cache.close();
    }
    checks.push(
      report.problems.length === 0
        ? ok(
          "cache.integrity",
          SUBJECT,
          `${report.checked.artifacts} artifacts and ${report.checked.storedFiles} unpacked files match their sha256`,
        )
        : {
          id: "cache.integrity",
          severity: "error",
          subject: SUBJECT,
          message: report.problems.slice(0, 3).map((p) => `${p.path}: ${p.problem}`).join("; ") +
            (report.problems.length > 3 ? ` (and ${report.problems.length - 3} more)` : ""),
          fix: { command: "gestvenv cache verify --fix" },
        },
    );
  }
  return checks;
}

/** What {@linkcode repairCacheIntegrity} removed (or, in a dry run, would remove). */
export interface CacheRepair {
  /** Paths of the corrupt entries, in the cache. */
  removed: string[];
  /** Whether they were removed (false in a dry run). */
  fixed: boolean;
}

/**
 * The fix of `cache.integrity`: re-hashes the cache at `root` as `cache verify --fix` does and
 * removes what is corrupt (a removed artifact is downloaded again when next needed; a removed
 * unpacked file takes its manifests with it, so the wheel is unpacked again from its artifact).
 * This must run before distributions whose files were hard links to a corrupt unpacked file are
 * reinstalled, or the reinstall would link the corrupt file again. With `dryRun`, only lists.
 * @throws {InterruptedError} when `signal` is aborted.
 */
export async function repairCacheIntegrity(
  root: string,
  options: { dryRun?: boolean; signal?: AbortSignal | undefined } = {},
): Promise<CacheRepair> {
  if (!(await pathExists(root))) return { removed: [], fixed: false };
  const cache = await openCache(root);
  try {
    const fix = !(options.dryRun ?? false);
    const report = await verifyCache(cache, { fix, signal: options.signal });
    return {
      removed: report.problems.filter((p) => p.removed || !fix).map((p) => p.path),
      fixed: fix,
    };
  } finally {
    cache.close();
  }
}
