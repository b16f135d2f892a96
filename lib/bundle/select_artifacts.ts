/**
 * Which cached artifacts go into a bundle: all of them, those for some target platforms
 * (`--platforms`), or those some requirements need (`--only PKG...`/`-r FILE`): every cached file
 * of a matching version, and, through each wheel's `Requires-Dist`, what it depends on, as far as
 * the cache holds it (sdists' dependencies are not known without a build: only the sdist goes).
 *
 * @module
 */
import { artifactDir, type CachedArtifactRow, type PackageCache } from "../cache/mod.ts";
import { PackageNotFoundError } from "../errors/mod.ts";
import { type CoreMetadata, parseCoreMetadata, readWheelMetadata } from "../metadata/mod.ts";
import { satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import {
  formatRequirement,
  type Marker,
  parseRequirement,
  type Requirement,
} from "../pep508/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import { join } from "../paths/mod.ts";
import { fileFitsPlatforms } from "../platforms/mod.ts";
import { fileSource } from "../zip/mod.ts";

/** The extras a marker tests (`extra == "x"`), normalized. */
function markerExtras(marker: Marker): string[] {
  if (marker.kind !== "compare") return marker.items.flatMap(markerExtras);
  const out: string[] = [];
  const { lhs, rhs } = marker;
  if ("variable" in lhs && lhs.variable === "extra" && "literal" in rhs) out.push(rhs.literal);
  if ("variable" in rhs && rhs.variable === "extra" && "literal" in lhs) out.push(lhs.literal);
  return out.map((e) => e.toLowerCase().replace(/[-_.]+/g, "-"));
}

/** A cached wheel's core metadata, or undefined when it is gone from the tree. */
async function wheelMetadata(path: string, filename: string): Promise<CoreMetadata | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    return parseCoreMetadata(
      await readWheelMetadata(await fileSource(file, filename), filename),
      `${filename} METADATA`,
    );
  } finally {
    file.close();
  }
}

/** Options of {@linkcode selectArtifacts}. */
export interface SelectArtifactsOptions {
  /** Only what these PEP 508 requirements need (and their dependencies), else everything. */
  requirements?: readonly string[] | undefined;
  /** Only wheels that fit one of these platform tags (sdists always). */
  platforms?: readonly string[] | undefined;
}

/**
 * The cached artifacts a bundle takes (see the module documentation), sorted by project, version
 * and file name.
 * @throws {PackageNotFoundError} (exit 4) listing every requirement the cache has no file for.
 * @throws {InvalidSyntaxError} for an invalid requirement.
 */
export async function selectArtifacts(
  cache: PackageCache,
  options: SelectArtifactsOptions = {},
): Promise<CachedArtifactRow[]> {
  const all = (await cache.list()).filter((row) =>
    options.platforms === undefined || options.platforms.length === 0 ||
    fileFitsPlatforms(row.filename, options.platforms)
  );
  const ordinal = (x: string, y: string) => x < y ? -1 : x > y ? 1 : 0;
  const sort = (rows: CachedArtifactRow[]) =>
    rows.sort((a, b) =>
      ordinal(a.project, b.project) || ordinal(a.version, b.version) ||
      ordinal(a.filename, b.filename)
    );
  if (options.requirements === undefined) return sort(all);
  const byProject = new Map<string, CachedArtifactRow[]>();
  for (const row of all) {
    const list = byProject.get(row.project) ?? [];
    list.push(row);
    byProject.set(row.project, list);
  }
  const chosen = new Map<string, CachedArtifactRow>();
  const missing: string[] = [];
  const queue: Array<{ requirement: Requirement; top: boolean }> = options.requirements.map((
    text,
  ) => ({ requirement: parseRequirement(text), top: true }));
  const done = new Set<string>();
  while (queue.length > 0) {
    const { requirement, top } = queue.shift()!;
    const key = `${requirement.normalizedName}[${requirement.extras.join(",")}]` +
      JSON.stringify(requirement.specifier);
    if (done.has(key)) continue;
    done.add(key);
    const rows = (byProject.get(requirement.normalizedName) ?? []).filter((row) => {
      const version = tryParseVersion(row.version);
      return version === null || satisfiesSpecifierSet(version, requirement.specifier, true);
    });
    if (rows.length === 0) {
      if (top) {
        missing.push(formatRequirement(requirement));
      }
      continue;
    }
    for (const row of rows) {
      if (chosen.has(row.sha256)) continue;
      chosen.set(row.sha256, row);
      if (tryParseWheelFilename(row.filename) === null) continue;
      const metadata = await wheelMetadata(
        join(artifactDir(cache.root, row.sha256), row.filename),
        row.filename,
      );
      if (metadata === undefined) continue;
      for (const text of metadata.requiresDist) {
        const dep = parseRequirement(text, `${row.filename} METADATA`);
        if (dep.marker !== null) {
          const extras = markerExtras(dep.marker);
          if (extras.length > 0 && !extras.some((e) => requirement.extras.includes(e))) continue;
        }
        queue.push({ requirement: dep, top: false });
      }
    }
  }
  if (missing.length > 0) {
    throw new PackageNotFoundError(
      `The cache has no file for ${missing.join(", ")}` +
        (options.platforms !== undefined && options.platforms.length > 0
          ? ` (for ${options.platforms.join(", ")})`
          : ""),
      { hint: `Fill the cache first: \`gestvenv cache add ${missing.join(" ")}\`` },
    );
  }
  return sort([...chosen.values()]);
}
