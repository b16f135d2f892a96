import { join } from "../paths/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { parseMetadataFields } from "../metadata/mod.ts";

/** A distribution installed in an environment, read from its `*.dist-info` directory. */
export interface InstalledDistribution {
  /** Name as written in METADATA (`Name:`). */
  name: string;
  /** PEP 503 normalized name. */
  normalized_name: string;
  /** Version as written in METADATA (`Version:`). */
  version: string;
  /** The installer that wrote it (`INSTALLER` file: `pip`, `uv`), or null. */
  installer: string | null;
  /** Whether the user asked for it directly (PEP 376 `REQUESTED` file present). */
  requested: boolean;
  /** Absolute path of the `.dist-info` directory. */
  dist_info: string;
}

/**
 * Reads the `Name` and `Version` headers of a core-metadata file (Core Metadata spec: RFC 822
 * style headers, ended by a blank line).
 */
export function readMetadataHeaders(text: string): { name?: string; version?: string } {
  const out: { name?: string; version?: string } = {};
  for (const [key, value] of parseMetadataFields(text)) {
    if (key === "name") out.name ??= value;
    if (key === "version") out.version ??= value;
  }
  return out;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

/** A `.dist-info` directory whose installation did not finish. */
export interface BrokenDistribution {
  /** Name and version from the directory name (or METADATA when readable). */
  name: string;
  normalized_name: string;
  version: string;
  /** Absolute path of the `.dist-info` directory. */
  dist_info: string;
  /** What is missing, e.g. "no RECORD". */
  reason: string;
}

async function scanSitePackages(
  sitePackages: string[],
): Promise<{ installed: InstalledDistribution[]; broken: BrokenDistribution[] }> {
  const found = new Map<string, InstalledDistribution>();
  const broken: BrokenDistribution[] = [];
  for (const site of sitePackages) {
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(site));
    } catch {
      continue;
    }
    const dists = await Promise.all(
      entries.filter((e) => e.isDirectory && e.name.endsWith(".dist-info")).map(
        async (entry) => {
          const dir = join(site, entry.name);
          const metadata = await readOptional(join(dir, "METADATA"));
          const stem = entry.name.slice(0, -".dist-info".length);
          const dash = stem.lastIndexOf("-");
          const headers = metadata === undefined ? {} : readMetadataHeaders(metadata);
          const name = headers.name ?? (dash > 0 ? stem.slice(0, dash) : stem);
          const version = headers.version ?? (dash > 0 ? stem.slice(dash + 1) : "");
          const [installer, requested, record] = await Promise.all([
            readOptional(join(dir, "INSTALLER")),
            readOptional(join(dir, "REQUESTED")),
            Deno.lstat(join(dir, "RECORD")).then(() => true, () => false),
          ]);
          // Installers (pip, uv) write RECORD last: without it, or without METADATA, the
          // installation was interrupted and its files cannot be trusted.
          const reason = metadata === undefined
            ? "no METADATA"
            : !record
            ? "no RECORD (the installation did not finish)"
            : null;
          return {
            dist: {
              name,
              normalized_name: normalizeName(name),
              version,
              installer: installer?.trim() || null,
              requested: requested !== undefined,
              dist_info: dir,
            } satisfies InstalledDistribution,
            reason,
          };
        },
      ),
    );
    for (const { dist, reason } of dists) {
      if (reason !== null) {
        broken.push({
          name: dist.name,
          normalized_name: dist.normalized_name,
          version: dist.version,
          dist_info: dist.dist_info,
          reason,
        });
      } else if (!found.has(dist.normalized_name)) found.set(dist.normalized_name, dist);
    }
  }
  // Ordinal: normalized names are ASCII, and `localeCompare` costs ~10 ms to set up collation.
  const byName = <T extends { normalized_name: string }>(a: T, b: T) =>
    a.normalized_name < b.normalized_name ? -1 : a.normalized_name > b.normalized_name ? 1 : 0;
  return { installed: [...found.values()].sort(byName), broken: broken.sort(byName) };
}

/**
 * Lists the distributions installed in the given site-packages directories by reading each
 * `*.dist-info/METADATA` (PEP 376 / "Recording installed projects"). Nothing is run, so the answer
 * is what is really on disk. Installations that did not finish (no `RECORD` or no `METADATA`) are
 * not listed (see {@linkcode readBrokenDistributions}). Sorted by normalized name.
 * Requires `--allow-read`.
 */
export async function readInstalledDistributions(
  sitePackages: string[],
): Promise<InstalledDistribution[]> {
  return (await scanSitePackages(sitePackages)).installed;
}

/**
 * The `.dist-info` directories in the given site-packages whose installation did not finish (an
 * installer killed or failing midway): no `RECORD` (installers write it last) or no `METADATA`.
 * Requires `--allow-read`.
 */
export async function readBrokenDistributions(
  sitePackages: string[],
): Promise<BrokenDistribution[]> {
  return (await scanSitePackages(sitePackages)).broken;
}
