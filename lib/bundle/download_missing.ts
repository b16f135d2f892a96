/**
 * `cache import MANIFEST.json --download-missing`: fetches every artifact a bundle manifest lists
 * and the cache lacks, from its origin URL, verified by the manifest's sha256 and size as it
 * streams in (spec 000's "synchroniser entre machines": the manifest travels, the bytes come from
 * the index).
 *
 * @module
 */
import type { PackageCache } from "../cache/mod.ts";
import { GestvenvError, InterruptedError } from "../errors/mod.ts";
import type { HttpClient } from "../index/mod.ts";
import type { BundleFile, BundleManifest } from "./bundle_manifest.ts";

/** What {@linkcode downloadMissing} did. */
export interface DownloadMissingResult {
  /** Artifacts downloaded into the cache. */
  added: BundleFile[];
  /** Artifacts the cache already held. */
  present: BundleFile[];
  /** Artifacts that could not be fetched, with the reason (nothing of them was stored). */
  failed: Array<{ file: BundleFile; reason: string }>;
}

/** Options of {@linkcode downloadMissing}. */
export interface DownloadMissingOptions {
  /** Stops between and during downloads (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Called when a download starts (index from 0, of `count` to fetch). */
  onFile?: ((file: BundleFile, index: number, count: number) => void) | undefined;
}

/**
 * Downloads what `manifest` lists and the cache lacks (see the module documentation). A file
 * that cannot be fetched (no origin, network error, bytes that do not match) is reported in
 * `failed`; the others are still fetched.
 * @throws {InterruptedError} on Ctrl-C (what was fetched before stays: each file is verified).
 */
export async function downloadMissing(
  cache: PackageCache,
  manifest: BundleManifest,
  client: HttpClient,
  options: DownloadMissingOptions = {},
): Promise<DownloadMissingResult> {
  const result: DownloadMissingResult = { added: [], present: [], failed: [] };
  const wanted: BundleFile[] = [];
  for (const file of manifest.files) {
    if (file.kind === "metadata") continue;
    if ((await cache.find(file.sha256)) !== undefined) result.present.push(file);
    else wanted.push(file);
  }
  for (const [i, file] of wanted.entries()) {
    if (file.origin === null || !/^(https?|file):/i.test(file.origin)) {
      result.failed.push({ file, reason: "the manifest gives no URL to fetch it from" });
      continue;
    }
    options.onFile?.(file, i, wanted.length);
    try {
      await cache.fetchArtifact(
        {
          url: file.origin,
          filename: file.filename,
          sha256: file.sha256,
          size: file.size,
          project: file.project,
          version: file.version,
        },
        client,
        options.signal === undefined ? {} : { signal: options.signal },
      );
      result.added.push(file);
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      if (!(error instanceof GestvenvError)) throw error;
      result.failed.push({ file, reason: error.message });
    }
  }
  return result;
}
