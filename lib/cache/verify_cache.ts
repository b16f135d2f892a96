/**
 * `cache verify` (`cache health-check`): every artifact re-hashed against the sha256 its
 * directory is named by, every stored file against the sha256 its name claims, every manifest
 * parsed and checked to name only stored files that exist. With `fix`, what is wrong is removed
 * under the exclusive lock: a removed artifact is downloaded again when next needed, a removed
 * stored file takes the manifests naming it with it (the wheel is unpacked again next time).
 *
 * @module
 */
import { throwIfInterrupted } from "../errors/mod.ts";
import { failpoint, hasherFactory } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";
import { artifactDir, ARTIFACTS_BUCKET, isSha256, isTempName } from "./cache_layout.ts";
import { entriesOf, manifestFiles, scanManifests, scanStoredFiles } from "./cache_scan.ts";
import type { PackageCache } from "./package_cache.ts";

/** One thing `verifyCache` found wrong. */
export interface VerifyProblem {
  /** What it is: an artifact, a stored (unpacked) file, or a manifest. */
  kind: "artifact" | "stored-file" | "manifest";
  /** Absolute path. */
  path: string;
  /** The sha256 it is stored under. */
  sha256: string;
  /** What is wrong, in words. */
  problem: string;
  /** The artifact's project and version, when known. */
  project: string | null;
  version: string | null;
  /** Whether `fix` removed it. */
  removed: boolean;
}

/** What {@linkcode verifyCache} checked and found. */
export interface VerifyReport {
  /** Artifacts, stored files and manifests checked, and the bytes hashed. */
  checked: { artifacts: number; storedFiles: number; manifests: number; bytes: number };
  /** Problems, artifacts first, then stored files, then manifests, each by path. */
  problems: VerifyProblem[];
  /** Whether they were removed (`fix`). */
  fixed: boolean;
}

/** Options of {@linkcode verifyCache}. */
export interface VerifyOptions {
  /** Remove what is wrong (under the exclusive lock). @default false */
  fix?: boolean;
  /** Files hashed at once. @default 4 */
  concurrency?: number;
  /** Stops between files (Ctrl-C); what was removed so far stays removed. */
  signal?: AbortSignal | undefined;
  /** With `fix`: called once when other processes still use the cache after a second. */
  onWait?: (() => void) | undefined;
  /**
   * Check only these artifacts (sha256, hex), the manifests of those that are wheels and the
   * stored files those manifests name (what `verify` checks for one environment's locked files);
   * everything when absent.
   */
  only?: ReadonlySet<string> | undefined;
}

async function hashFile(
  path: string,
  make: Awaited<ReturnType<typeof hasherFactory>>,
): Promise<{ sha256: string; bytes: number }> {
  const hasher = make("sha256");
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(1024 * 1024);
  let bytes = 0;
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    hasher.update(buffer.subarray(0, n));
    bytes += n;
  }
  return { sha256: hasher.hex(), bytes };
}

async function pool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
}

async function removeQuietly(path: string, recursive = false): Promise<void> {
  try {
    await Deno.remove(path, { recursive });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Re-hashes and checks the whole cache (see the module documentation). Holds the shared lock, or
 * the exclusive lock with `fix`.
 * @throws {InterruptedError} when `signal` is aborted.
 */
export async function verifyCache(
  cache: PackageCache,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const fix = options.fix ?? false;
  const run = async (): Promise<VerifyReport> => {
    const root = cache.root;
    const make = await hasherFactory();
    await cache.index.rebuild(root);
    const rows = new Map(cache.index.list().map((r) => [r.sha256, r]));
    const checked = { artifacts: 0, storedFiles: 0, manifests: 0, bytes: 0 };
    const artifactProblems: VerifyProblem[] = [];
    const fileProblems: VerifyProblem[] = [];
    const manifestProblems: VerifyProblem[] = [];
    const stop = () => throwIfInterrupted(options.signal);

    // Artifacts: artifacts-v1/<sha[0:2]>/<sha>/<file>.
    const artifactDirs: Array<{ dir: string; sha: string }> = [];
    const bucket = join(root, ARTIFACTS_BUCKET);
    for (const shard of await entriesOf(bucket)) {
      if (!shard.isDirectory || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
      for (const entry of await entriesOf(join(bucket, shard.name))) {
        if (!entry.isDirectory || !isSha256(entry.name) || !entry.name.startsWith(shard.name)) {
          continue;
        }
        if (options.only !== undefined && !options.only.has(entry.name)) continue;
        artifactDirs.push({ dir: join(bucket, shard.name, entry.name), sha: entry.name });
      }
    }
    await pool(artifactDirs, options.concurrency ?? 4, async ({ dir, sha }) => {
      stop();
      const files = (await entriesOf(dir)).filter((e) => e.isFile && !isTempName(e.name));
      const row = rows.get(sha);
      const who = { project: row?.project ?? null, version: row?.version ?? null };
      if (files.length === 0) {
        artifactProblems.push({
          kind: "artifact",
          path: dir,
          sha256: sha,
          problem: "the artifact's directory holds no file",
          ...who,
          removed: false,
        });
        return;
      }
      checked.artifacts++;
      const path = join(dir, files[0]!.name);
      const hashed = await hashFile(path, make);
      checked.bytes += hashed.bytes;
      if (hashed.sha256 !== sha) {
        artifactProblems.push({
          kind: "artifact",
          path,
          sha256: sha,
          problem: `its bytes hash to sha256 ${hashed.sha256}`,
          ...who,
          removed: false,
        });
      }
    });

    // Stored files: files-v1/<sha[0:2]>/<sha>[.x] (with `only`: those its wheels' manifests name).
    const manifests = await scanManifests(root);
    if (options.only !== undefined) {
      for (const sha of manifests.keys()) if (!options.only.has(sha)) manifests.delete(sha);
    }
    const wanted = options.only === undefined ? undefined : new Set(
      [...manifests.values()].flatMap((m) =>
        m.manifest === undefined ? [] : manifestFiles(root, m.manifest)
      ),
    );
    const files = [...(await scanStoredFiles(root)).values()].filter((f) =>
      wanted === undefined || wanted.has(f.path)
    );
    await pool(files, options.concurrency ?? 4, async (f) => {
      stop();
      checked.storedFiles++;
      const hashed = await hashFile(f.path, make);
      checked.bytes += hashed.bytes;
      if (hashed.sha256 !== f.sha256) {
        fileProblems.push({
          kind: "stored-file",
          path: f.path,
          sha256: f.sha256,
          problem: `its bytes hash to sha256 ${hashed.sha256}` +
            (f.nlink > 1
              ? `; ${f.nlink - 1} other link(s) share these bytes (environments linked to it ` +
                "hold the same damaged file: reinstall them)"
              : ""),
          project: null,
          version: null,
          removed: false,
        });
      }
    });
    const corruptFiles = new Set(fileProblems.map((p) => p.path));
    const stored = new Set(files.map((f) => f.path));

    // Manifests: parse, and every file they name is stored and sound.
    for (const m of manifests.values()) {
      stop();
      checked.manifests++;
      const row = rows.get(m.sha256);
      const who = { project: row?.project ?? null, version: row?.version ?? null };
      if (m.manifest === undefined) {
        manifestProblems.push({
          kind: "manifest",
          path: m.path,
          sha256: m.sha256,
          problem: "the manifest cannot be read (not JSON, another format, or another key)",
          ...who,
          removed: false,
        });
        continue;
      }
      const named = manifestFiles(root, m.manifest);
      // A file published since the walk (another process unpacking: verify without --fix holds
      // the lock shared) is looked at again before it is called missing.
      const missing = named.filter((p) => !stored.has(p) && !isFile(p));
      const corrupt = named.filter((p) => corruptFiles.has(p));
      if (missing.length > 0 || corrupt.length > 0) {
        manifestProblems.push({
          kind: "manifest",
          path: m.path,
          sha256: m.sha256,
          problem: [
            missing.length > 0 ? `${missing.length} file(s) it names are missing` : "",
            corrupt.length > 0 ? `${corrupt.length} file(s) it names are corrupt` : "",
          ].filter((s) => s !== "").join("; "),
          ...who,
          removed: false,
        });
      }
    }

    const byPath = (a: VerifyProblem, b: VerifyProblem) => a.path.localeCompare(b.path);
    const problems = [
      ...artifactProblems.sort(byPath),
      ...fileProblems.sort(byPath),
      ...manifestProblems.sort(byPath),
    ];
    if (fix && problems.length > 0) {
      // Manifests first (a manifest never names a file that is gone while it exists), then
      // stored files, then artifacts and their index rows.
      for (const p of problems.filter((p) => p.kind === "manifest")) {
        await removeQuietly(p.path);
        p.removed = true;
      }
      await failpoint("cache.verify.after_manifests");
      for (const p of problems.filter((p) => p.kind === "stored-file")) {
        await removeQuietly(p.path);
        p.removed = true;
      }
      const artifacts = problems.filter((p) => p.kind === "artifact");
      cache.index.removeMany(artifacts.map((p) => p.sha256));
      for (const p of artifacts) {
        await removeQuietly(artifactDir(root, p.sha256), true);
        p.removed = true;
      }
    }
    return { checked, problems, fixed: fix && problems.length > 0 };
  };
  return fix
    ? await cache.withExclusiveLock(run, { onWait: options.onWait })
    : await cache.withSharedLock(run);
}

function isFile(path: string): boolean {
  try {
    return Deno.lstatSync(path).isFile;
  } catch {
    return false;
  }
}
