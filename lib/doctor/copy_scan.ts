/**
 * Which distributions of a native environment are copies `optimize` may relink to the cache:
 * a file is "shared" when it is the cache's stored file itself (same device and inode as
 * `files-v1/<sha[0:2]>/<sha>` or its executable twin `<sha>.x`), and a distribution is a "copy"
 * when one of its payload files is not shared. A copy is only relinkable when every file its
 * RECORD hashes still has that hash (with `verify`): a file the user edited makes the
 * distribution "modified", and relinking it would throw the edit away. Copies on another
 * filesystem than the cache cannot be hard linked at all ("other device").
 *
 * Clones (reflinks) share storage without sharing an inode: they cannot be told from copies, so
 * callers skip relinking where the link mode is `clone`.
 *
 * @module
 */
import { FILES_BUCKET } from "../cache/mod.ts";
import {
  type InstalledDistribution,
  readInstalledDistributions,
  readRecord,
} from "../distribution/mod.ts";
import { dirname, join } from "../paths/mod.ts";
import type { VirtualenvLayout } from "../virtualenv/mod.ts";
import { recordHashOf } from "./hash_file.ts";

/** The result of {@linkcode scanCopies}; each list holds `name==version`, sorted. */
export interface CopyScan {
  /** Distributions with a file not shared with the cache, every file matching RECORD. */
  copies: string[];
  /**
   * Distributions with a file not shared with the cache and a file that is missing or differs
   * from its RECORD sha256 (only with `verify`), each with the first such file: never relinked.
   */
  modified: Array<{ distribution: string; file: string }>;
  /**
   * Whether the environment's site-packages and the cache's file store are on different devices
   * (then nothing can be hard linked: `copies` is empty, and `unlinkable` lists them instead).
   */
  otherDevice: boolean;
  /** The copies that cannot be relinked because the cache is on another device. */
  unlinkable: string[];
}

/** Options of {@linkcode scanCopies}. */
export interface CopyScanOptions {
  /** The cache's root (its `files-v1` store is compared by device and inode). */
  cacheRoot: string;
  /**
   * Hash every unshared file against its RECORD sha256 (reads the files: what `optimize` must do
   * before it overwrites anything); without it, a copy is only told by inode. @default false
   */
  verify?: boolean;
}

/** The lowercase hex of a RECORD hash (`sha256=<urlsafe base64>`), or undefined. */
export function recordHashHex(hash: string): string | undefined {
  const m = /^sha256=([A-Za-z0-9_-]{43})$/.exec(hash);
  if (m === null) return undefined;
  const binary = atob(m[1]!.replaceAll("-", "+").replaceAll("_", "/") + "=");
  let hex = "";
  for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, "0");
  return hex;
}

async function lstat(path: string): Promise<Deno.FileInfo | undefined> {
  return await Deno.lstat(path).catch(() => undefined);
}

/** Whether `info` is the stored file with this hex sha256 (either mode's copy). */
async function isStored(info: Deno.FileInfo, store: string, hex: string): Promise<boolean> {
  for (const name of [hex, `${hex}.x`]) {
    const stored = await lstat(join(store, hex.slice(0, 2), name));
    if (stored !== undefined && stored.ino === info.ino && stored.dev === info.dev) return true;
  }
  return false;
}

type Verdict = "shared" | "copy" | { modified: string };

async function classify(
  dist: InstalledDistribution,
  layout: VirtualenvLayout,
  store: string,
  verify: boolean,
): Promise<Verdict> {
  const entries = await readRecord(dist.dist_info).catch(() => undefined) ?? [];
  const site = dirname(dist.dist_info);
  let copy = false;
  const unshared: Array<{ path: string; file: string; hash: string }> = [];
  for (const e of entries) {
    if (e.hash === "") continue;
    const path = join(site, e.path);
    // Payload files come from the cache's store; .dist-info files and scripts are written.
    const payload = !e.path.startsWith("../") && !/\.dist-info\//.test(e.path);
    const info = await lstat(path);
    if (info === undefined) {
      unshared.push({ path, file: e.path, hash: e.hash });
      continue;
    }
    if (!info.isFile) continue;
    const hex = recordHashHex(e.hash);
    if (payload && hex !== undefined && await isStored(info, store, hex)) continue;
    if (payload) copy = true;
    unshared.push({ path, file: e.path, hash: e.hash });
    if (!verify && copy) return "copy";
  }
  if (!copy) return "shared";
  for (const u of unshared) {
    // Scripts are re-targeted when an environment moves (RECORD keeps the install's hash).
    if (dirname(u.path) === layout.binDir) continue;
    const hash = await recordHashOf(u.path).catch(() => undefined);
    if (hash !== u.hash) return { modified: u.file };
  }
  return "copy";
}

/**
 * Sorts the distributions of `layout` into shared, copies, modified and unlinkable (see the
 * module documentation). Read-only; requires `--allow-read`.
 */
export async function scanCopies(
  layout: VirtualenvLayout,
  options: CopyScanOptions,
): Promise<CopyScan> {
  const store = join(options.cacheRoot, FILES_BUCKET);
  const scan: CopyScan = { copies: [], modified: [], otherDevice: false, unlinkable: [] };
  const storeInfo = await Deno.stat(store).catch(() => undefined);
  for (const dist of await readInstalledDistributions(layout.sitePackages)) {
    const verdict = await classify(dist, layout, store, options.verify ?? false);
    const id = `${dist.normalized_name}==${dist.version}`;
    if (verdict === "shared") continue;
    if (verdict === "copy") scan.copies.push(id);
    else scan.modified.push({ distribution: id, file: verdict.modified });
  }
  const siteInfo = await Deno.stat(layout.sitePackages[0] ?? layout.root).catch(() => undefined);
  if (storeInfo !== undefined && siteInfo !== undefined && storeInfo.dev !== siteInfo.dev) {
    scan.otherDevice = true;
    scan.unlinkable = scan.copies;
    scan.copies = [];
  }
  scan.copies.sort();
  scan.unlinkable.sort();
  scan.modified.sort((a, b) => a.distribution < b.distribution ? -1 : 1);
  return scan;
}
