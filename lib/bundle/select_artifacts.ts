/**
 * Which cached artifacts go into a bundle: all of them, those for some target platforms
 * (`--platforms`), or those some requirements need (`--only PKG...`/`-r FILE`): every cached file
 * of a matching version, and, through each wheel's `Requires-Dist`, what it depends on, as far as
 * the cache holds it (sdists' dependencies are not known without a build: only the sdist goes).
 *
 * @module
 */
import { artifactDir, type CachedArtifactRow, type PackageCache } from "../cache/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import { PackageNotFoundError } from "../errors/mod.ts";
import { type CoreMetadata, parseCoreMetadata, readWheelMetadata } from "../metadata/mod.ts";
import { satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import {
  formatRequirement,
  type Marker,
  parseRequirement,
  type Requirement,
} from "../pep508/mod.ts";
import { join } from "../paths/mod.ts";
import { fileSource } from "../zip/mod.ts";

const LEGACY_MANYLINUX: Record<string, string> = {
  manylinux1: "manylinux_2_5",
  manylinux2010: "manylinux_2_12",
  manylinux2014: "manylinux_2_17",
};

/** `(family, major, minor, arch)` of a versioned platform tag (manylinux, musllinux, macosx). */
function versioned(tag: string): [string, number, number, string] | undefined {
  let t = tag;
  for (const [legacy, modern] of Object.entries(LEGACY_MANYLINUX)) {
    if (t.startsWith(`${legacy}_`)) t = modern + t.slice(legacy.length);
  }
  const m = /^(manylinux|musllinux|macosx)_(\d+)_(\d+)_(.+)$/.exec(t);
  if (m === null) return undefined;
  return [m[1]!, Number(m[2]), Number(m[3]), m[4]!];
}

const MAC_ARCHES: Record<string, string[]> = {
  universal2: ["arm64", "x86_64"],
  intel: ["x86_64", "i386"],
  universal: ["x86_64", "i386", "ppc", "ppc64"],
  fat64: ["x86_64", "ppc64"],
  fat32: ["i386", "ppc"],
  fat3: ["x86_64", "i386", "ppc"],
};

/**
 * Whether a wheel built for platform tag `wheel` installs on a machine whose platform is
 * `target` (PEP 425 platform tags; PEP 600 manylinux and PEP 656 musllinux glibc/musl versions,
 * macOS versions and fat binaries, compared the way installers do: the wheel's version at most
 * the target's, same architecture). `any` fits every target.
 */
export function platformFits(wheel: string, target: string): boolean {
  if (wheel === "any" || wheel === target) return true;
  const w = versioned(wheel), t = versioned(target);
  if (w === undefined || t === undefined || w[0] !== t[0]) return false;
  const arches = w[0] === "macosx" ? MAC_ARCHES[w[3]] ?? [w[3]] : [w[3]];
  if (!arches.includes(t[3])) return false;
  return w[1] < t[1] || (w[1] === t[1] && w[2] <= t[2]);
}

/** Whether the cached artifact fits one of `platforms` (sdists always fit). */
export function artifactFits(filename: string, platforms: readonly string[]): boolean {
  const wheel = tryParseWheelFilename(filename);
  if (wheel === null) return true;
  return wheel.platformTags.some((p) => platforms.some((t) => platformFits(p, t)));
}

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
    artifactFits(row.filename, options.platforms)
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
