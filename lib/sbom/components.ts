/**
 * What an SBOM describes: the distributions installed in an environment (their `*.dist-info`),
 * each with its licence (PEP 639), author, the artifact the lock says was installed (file name,
 * URL, sha256 as the index served it), and the installed distributions it depends on
 * (`Requires-Dist` evaluated for the environment's interpreter).
 *
 * @module
 */
import type { BackendTarget } from "../backends/mod.ts";
import { readBrokenDistributions, readInstalledDistributions } from "../distribution/mod.ts";
import type { EnvironmentRecord } from "../environments/mod.ts";
import { type LockedInstall, selectLockedFiles } from "../lock/mod.ts";
import {
  type LicenseInfo,
  licenseOf,
  parseCoreMetadata,
  parseMetadataFields,
} from "../metadata/mod.ts";
import { installedGraph, readEnvironmentLock } from "../packages/mod.ts";
import { join } from "../paths/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { compareVersions, tryParseVersion } from "../pep440/mod.ts";
import { tagInput } from "../python/mod.ts";
import { pypiPurl } from "./purl.ts";

/** The artifact a distribution was installed from, as the environment's lock records it. */
export interface SbomArtifact {
  /** Wheel or sdist file name. */
  fileName: string;
  /** Where it was downloaded from (credentials never kept). */
  url: string;
  /** sha256 (lowercase hex) of the file the index served. */
  sha256: string;
}

/** One installed distribution, as an SBOM lists it. */
export interface SbomComponent {
  /** Name as METADATA writes it. */
  name: string;
  /** PEP 503 normalized name (the key of `dependsOn`). */
  normalizedName: string;
  /** Version as METADATA writes it. */
  version: string;
  /** `pkg:pypi/<name>@<version>` (purl-spec). */
  purl: string;
  /** METADATA `Summary`, or null. */
  summary: string | null;
  /** METADATA `Author`, else the names (or addresses) of `Author-email`, else null. */
  author: string | null;
  /** METADATA `Home-page`, else a `Project-URL` labelled home page / homepage / source, else null. */
  homepage: string | null;
  /** The licence ({@linkcode licenseOf}: PEP 639 expression, or the text when not one). */
  license: LicenseInfo;
  /**
   * The artifact the environment's `pylock.toml` names for this name and version (the file the
   * installer chose for this interpreter), or null when the lock has none (no lock, another
   * version, a directory install). Never a RECORD hash.
   */
  artifact: SbomArtifact | null;
  /** Normalized names of the installed distributions it requires here (sorted). */
  dependsOn: string[];
  /** Whether it is one of the environment's own requirements. */
  direct: boolean;
}

/** The environment an SBOM describes. */
export interface SbomSubject {
  /** The environment's name. */
  name: string;
  /** Its directory. */
  path: string;
  /** The environment's interpreter. */
  python: { implementation: string; version: string; platform: string };
  /** Normalized names of its direct requirements that are installed. */
  requires: string[];
}

/** An SBOM's input: the environment and its distributions, sorted by normalized name. */
export interface SbomInput {
  subject: SbomSubject;
  components: SbomComponent[];
  /**
   * What the reader should know: each `.dist-info` without RECORD or METADATA (an unfinished
   * installation) is still listed, by what METADATA or its directory name gives, and named here.
   */
  warnings: string[];
}

function sameVersion(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  const pa = tryParseVersion(a), pb = tryParseVersion(b);
  return pa !== null && pb !== null && compareVersions(pa, pb) === 0;
}

function authorOf(fields: [string, string][]): string | null {
  const get = (key: string) => fields.find(([k]) => k === key)?.[1]?.trim() || null;
  const author = get("author");
  if (author !== null) return author;
  const email = get("author-email");
  if (email === null) return null;
  // `Ann <ann@example.org>, Bob <bob@example.org>` → `Ann, Bob`; bare addresses are kept.
  const names = email.split(",").map((part) => {
    const m = /^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$/.exec(part);
    return (m !== null && m[1] !== "" ? m[1]! : part).trim();
  }).filter((s) => s !== "");
  return names.length > 0 ? names.join(", ") : null;
}

function homepageOf(homePage: string | null, urls: Record<string, string>): string | null {
  if (homePage !== null && homePage.trim() !== "" && homePage.trim() !== "UNKNOWN") {
    return homePage.trim();
  }
  for (const [label, url] of Object.entries(urls)) {
    if (/^(home\s*-?page|source(\s+code)?|repository)$/i.test(label.trim())) return url;
  }
  return null;
}

/**
 * Reads what an SBOM of `record` lists: every installed distribution of `target` (its METADATA:
 * name, version, summary, author, licence), the dependency graph among them, and the artifact
 * the environment's lock names for each (when the lock applies to this interpreter and names
 * that version). No network. Requires `--allow-read`.
 */
export async function collectSbomInput(
  target: BackendTarget,
  record: EnvironmentRecord,
): Promise<SbomInput> {
  const info = target.interpreter.info;
  const graph = await installedGraph(target, record.requirements);
  const lock = await readEnvironmentLock(record);
  const locked = new Map<string, LockedInstall>();
  if (lock !== undefined) {
    try {
      for (const l of selectLockedFiles(lock, info.markers, supportedTags(tagInput(info)))) {
        locked.set(l.name, l);
      }
    } catch {
      // A lock for another interpreter or platform: no artifact hashes rather than wrong ones.
    }
  }
  const components: SbomComponent[] = [];
  const roots = new Set(graph.roots.map((r) => r.name));
  const installed = await readInstalledDistributions(target.layout.sitePackages);
  const broken = (await readBrokenDistributions(target.layout.sitePackages))
    .filter((b) =>
      b.version !== "" && !installed.some((d) => d.normalized_name === b.normalized_name)
    );
  const warnings = broken.map((b) =>
    `${b.name} ${b.version} is an unfinished installation (${b.reason}): listed by the name and ` +
    "version of its .dist-info; `gestvenv repair` reinstalls it"
  );
  const dists = [...installed, ...broken].sort((a, b) =>
    a.normalized_name < b.normalized_name ? -1 : a.normalized_name > b.normalized_name ? 1 : 0
  );
  for (const dist of dists) {
    let text = "";
    try {
      text = await Deno.readTextFile(join(dist.dist_info, "METADATA"));
    } catch {
      // Listed distributions have a METADATA; a race with an uninstall leaves it empty.
    }
    const metadata = parseCoreMetadata(
      text === "" ? `Metadata-Version: 2.1\nName: ${dist.name}\nVersion: ${dist.version}\n` : text,
    );
    const l = locked.get(dist.normalized_name);
    const sha256 = l?.file?.hashes.sha256?.toLowerCase();
    const artifact = l !== undefined && l.file !== null && sha256 !== undefined &&
        /^[0-9a-f]{64}$/.test(sha256) && sameVersion(dist.version, l.version)
      ? { fileName: l.file.name, url: l.file.url, sha256 }
      : null;
    const node = graph.nodes.get(dist.normalized_name);
    components.push({
      name: dist.name,
      normalizedName: dist.normalized_name,
      version: dist.version,
      purl: pypiPurl(dist.name, dist.version),
      summary: metadata.summary?.trim() || null,
      author: authorOf(parseMetadataFields(text)),
      homepage: homepageOf(metadata.homePage, metadata.projectUrls),
      license: licenseOf(metadata),
      artifact,
      dependsOn: [
        ...new Set((node?.requires ?? []).filter((r) => r.installed).map((r) => r.name)),
      ].filter((n) => n !== dist.normalized_name).sort(),
      direct: roots.has(dist.normalized_name),
    });
  }
  return {
    subject: {
      name: record.name,
      path: record.path,
      python: {
        implementation: info.implementation_display || info.implementation,
        version: info.version,
        platform: info.sysconfig_platform,
      },
      requires: components.filter((c) => c.direct).map((c) => c.normalizedName),
    },
    components,
    warnings,
  };
}
