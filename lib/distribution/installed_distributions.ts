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

/**
 * Lists the distributions installed in the given site-packages directories by reading each
 * `*.dist-info/METADATA` (PEP 376 / "Recording installed projects"). Nothing is run, so the answer
 * is what is really on disk. Sorted by normalized name. Requires `--allow-read`.
 */
export async function readInstalledDistributions(
  sitePackages: string[],
): Promise<InstalledDistribution[]> {
  const found = new Map<string, InstalledDistribution>();
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
          const [installer, requested] = await Promise.all([
            readOptional(join(dir, "INSTALLER")),
            readOptional(join(dir, "REQUESTED")),
          ]);
          return {
            name,
            normalized_name: normalizeName(name),
            version,
            installer: installer?.trim() || null,
            requested: requested !== undefined,
            dist_info: dir,
          } satisfies InstalledDistribution;
        },
      ),
    );
    for (const dist of dists) {
      if (!found.has(dist.normalized_name)) found.set(dist.normalized_name, dist);
    }
  }
  return [...found.values()].sort((a, b) => a.normalized_name.localeCompare(b.normalized_name));
}
