/**
 * The index-backed dependency provider: turns projects on the indexes into PubGrub packages.
 * A package key is a PEP 503 name, or `name[extra]` for an extra (a virtual package whose
 * version v depends on `name==v` and on the extra's requirements). Versions are every version
 * the project lists; those without a usable file (platform tags, `requires-python`,
 * `--only-binary`) are kept and reported "unavailable" with the reason when tried, so
 * explanations can say why. Yanked versions (PEP 592) match only `==`/`===` pins;
 * pre-releases follow the chosen policy.
 *
 * @module
 */
import {
  compareVersions,
  formatSpecifierSet,
  isPrerelease,
  parseSpecifierSet,
  satisfiesSpecifierSet,
  type SpecifierSet,
  specifierSetAllowsPrereleases,
  type Version,
} from "../pep440/mod.ts";
import { type MarkerContext, type Requirement } from "../pep508/mod.ts";
import { bestTagRank, type TagSet } from "../pep425/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { type CoreMetadata, dependenciesFor } from "../metadata/mod.ts";
import type { IndexClient, IndexFile } from "../index/mod.ts";
import { GestvenvError } from "../errors/mod.ts";
import type { Dependency, DependencyProvider, VersionDependencies } from "./pubgrub.ts";
import { ROOT } from "./pubgrub.ts";
import { VersionSet } from "./version_set.ts";
import type { SetFormatter } from "./report.ts";

/** Pre-release policy (uv's names). */
export type PrereleaseMode = "if-necessary-or-explicit" | "allow" | "if-necessary" | "disallow";

/** Version preference. */
export type ResolutionMode = "highest" | "lowest" | "lowest-direct";

/** One candidate version of a project, with the files usable in the target environment. */
export interface Candidate {
  version: Version;
  /** Every file of this version on the winning index (for locks). */
  files: IndexFile[];
  /** The file to install in the target environment (best wheel, else sdist), or null. */
  best: IndexFile | null;
  /** Why no file is usable, when `best` is null. */
  unusable: string | null;
  /** All files are yanked. */
  yanked: boolean;
}

/** A project as the resolver sees it. */
export interface ProjectDomain {
  name: string;
  index: string | null;
  /** Ascending. */
  candidates: Candidate[];
}

/** The target environment of a resolution. */
export interface Target {
  /** Marker environment (PEP 508). */
  markers: MarkerContext;
  /** The interpreter's full version, for `requires-python`. */
  pythonVersion: Version;
  /** Supported tags, most preferred first (PEP 425). */
  tags: TagSet;
}

/** Options of the provider (see `ResolveOptions`). */
export interface ProviderOptions {
  index: IndexClient;
  target: Target;
  resolution: ResolutionMode;
  prerelease: PrereleaseMode;
  /** Names (normalized) or `:all:` that must use wheels. */
  onlyBinary: Set<string>;
  /** Names (normalized) or `:all:` that must not use wheels. */
  noBinary: Set<string>;
  /** Preferred versions (installed or locked), by normalized name. */
  preferences: Map<string, string>;
  /** Constraints by normalized name. */
  constraints: Map<string, SpecifierSet[]>;
  /** Direct URL requirements by normalized name. */
  urls: Map<string, string>;
  /** Names the user asked for directly. */
  direct: Set<string>;
}

/** Splits a package key into name and extra. */
export function splitKey(key: string): { name: string; extra: string | null } {
  const m = /^(.*)\[(.*)\]$/.exec(key);
  return m === null ? { name: key, extra: null } : { name: m[1]!, extra: m[2]! };
}

function requiresPythonOk(spec: string | null, python: Version): boolean {
  if (spec === null || spec.trim() === "") return true;
  try {
    return satisfiesSpecifierSet(python, parseSpecifierSet(spec), true);
  } catch {
    return true; // An invalid requires-python is ignored, as pip does.
  }
}

/** Builds the candidates of a project from its files for the target. */
export function buildCandidates(
  name: string,
  files: IndexFile[],
  target: Target,
  onlyBinary: boolean,
  noBinary: boolean,
): Candidate[] {
  const byVersion = new Map<string, { version: Version; files: IndexFile[] }>();
  for (const file of files) {
    const version = tryParseWheelFilename(file.filename)?.version ??
      tryParseSdistFilename(file.filename, name)?.version;
    if (version === undefined) continue;
    let entry = byVersion.get(version.text);
    if (entry === undefined) byVersion.set(version.text, entry = { version, files: [] });
    entry.files.push(file);
  }
  const out: Candidate[] = [];
  for (const { version, files: vfiles } of byVersion.values()) {
    let best: IndexFile | null = null, bestRank = Infinity, sdist: IndexFile | null = null;
    const reasons = new Set<string>();
    const live = vfiles.filter((f) => f.yanked === null);
    const pool = live.length > 0 ? live : vfiles;
    for (const file of pool) {
      if (!requiresPythonOk(file.requiresPython, target.pythonVersion)) {
        reasons.add(`requires Python ${file.requiresPython}`);
        continue;
      }
      const wheel = tryParseWheelFilename(file.filename);
      if (wheel !== null) {
        if (noBinary) {
          reasons.add("has only wheels and --no-binary is set");
          continue;
        }
        const rank = bestTagRank(target.tags, wheel.pythonTags, wheel.abiTags, wheel.platformTags);
        if (rank === undefined) {
          reasons.add("has no wheel for this platform and Python");
          continue;
        }
        if (rank < bestRank) [best, bestRank] = [file, rank];
      } else if (onlyBinary) {
        reasons.add("has no compatible wheel and --only-binary is set");
      } else sdist ??= file;
    }
    const chosen = best ?? sdist;
    out.push({
      version,
      files: vfiles,
      best: chosen,
      unusable: chosen === null ? [...reasons].sort().join("; ") || "has no usable file" : null,
      yanked: live.length === 0,
    });
  }
  return out.sort((a, b) => compareVersions(a.version, b.version));
}

/** The resolver's provider: packages from an {@linkcode IndexClient}. */
export class IndexProvider implements DependencyProvider, SetFormatter {
  readonly #o: ProviderOptions;
  readonly #domains = new Map<string, Promise<ProjectDomain>>();
  readonly #loaded = new Map<string, ProjectDomain>();
  readonly #metadata = new Map<string, Promise<CoreMetadata | Error>>();
  readonly #seen = new Map<string, number>();
  readonly #labels = new Map<string, string>();
  /** Metadata that was read, by `name==version`. */
  readonly metadataByVersion = new Map<string, CoreMetadata>();

  constructor(options: ProviderOptions) {
    this.#o = options;
  }

  /** The indexes asked, credentials removed. */
  indexes(): string[] {
    return this.#o.index.indexes;
  }

  /** The loaded domain of a project (after the solver has seen it). */
  domain(name: string): ProjectDomain | undefined {
    return this.#loaded.get(name);
  }

  /** Loads (once) the domain of a project. */
  loadDomain(name: string): Promise<ProjectDomain> {
    let pending = this.#domains.get(name);
    if (pending === undefined) {
      pending = this.#buildDomain(name).then((d) => {
        this.#loaded.set(name, d);
        return d;
      });
      this.#domains.set(name, pending);
    }
    return pending;
  }

  async #buildDomain(name: string): Promise<ProjectDomain> {
    const url = this.#o.urls.get(name);
    const binary = (set: Set<string>) => set.has(":all:") || set.has(name);
    if (url !== undefined) {
      const filename = decodeURIComponent(url.split(/[?#]/)[0]!.split("/").pop() ?? "");
      const file: IndexFile = {
        filename,
        url: url.split("#")[0]!,
        sha256: /sha256=([0-9a-f]{64})/.exec(url)?.[1] ?? null,
        requiresPython: null,
        yanked: null,
        coreMetadata: false,
        size: null,
        uploadTime: null,
      };
      return {
        name,
        index: null,
        candidates: buildCandidates(name, [file], this.#o.target, false, false),
      };
    }
    const project = await this.#o.index.projectFiles(name);
    if (project === null) return { name, index: null, candidates: [] };
    return {
      name,
      index: project.index,
      candidates: buildCandidates(
        name,
        project.files,
        this.#o.target,
        binary(this.#o.onlyBinary),
        binary(this.#o.noBinary),
      ),
    };
  }

  async domainSize(pkg: string): Promise<number> {
    if (pkg === ROOT) return 1;
    if (!this.#seen.has(pkg)) this.#seen.set(pkg, this.#seen.size);
    return (await this.loadDomain(splitKey(pkg).name)).candidates.length;
  }

  priority(pkg: string): number {
    return this.#seen.get(pkg) ?? Infinity;
  }

  /** Version set of `pkg` matching `specifier` under the yank and pre-release rules. */
  setFor(pkg: string, specifier: SpecifierSet, label: string): VersionSet {
    const { name } = splitKey(pkg);
    const domain = this.#loaded.get(name)!;
    const explicit = specifierSetAllowsPrereleases(specifier);
    const mode = this.#o.prerelease;
    const allStable = domain.candidates.every((c) => !isPrerelease(c.version));
    const noStable = domain.candidates.every((c) => isPrerelease(c.version));
    const prereleaseOk = mode === "allow" || (mode !== "disallow" && noStable) ||
      (mode === "if-necessary-or-explicit" && explicit);
    const pinned = specifier.specifiers.some((s) =>
      (s.operator === "==" && !s.wildcard) || s.operator === "==="
    );
    const set = VersionSet.where(domain.candidates.length, (i) => {
      const c = domain.candidates[i]!;
      if (c.yanked && !pinned) return false;
      if (!allStable && isPrerelease(c.version) && !prereleaseOk) return false;
      return satisfiesSpecifierSet(c.version, specifier, true);
    });
    if (label !== "") this.#labels.set(`${pkg}\u0000${set.key()}`, label);
    return set;
  }

  constraints(pkg: string): { set: VersionSet; label: string }[] {
    const { name, extra } = splitKey(pkg);
    if (extra !== null || pkg === ROOT) return [];
    return (this.#o.constraints.get(name) ?? []).map((spec) => {
      const label = formatSpecifierSet(spec);
      return { set: this.setFor(pkg, spec, label), label };
    });
  }

  preferred(pkg: string, allowed: VersionSet): number[] {
    if (pkg === ROOT) return [0];
    const { name } = splitKey(pkg);
    const domain = this.#loaded.get(name)!;
    const indices = [...allowed.indices()];
    const lowest = this.#o.resolution === "lowest" ||
      (this.#o.resolution === "lowest-direct" && this.#o.direct.has(name));
    if (!lowest) indices.reverse();
    const pref = this.#o.preferences.get(name);
    if (pref !== undefined) {
      const i = indices.findIndex((x) => domain.candidates[x]!.version.text === pref);
      if (i > 0) indices.unshift(...indices.splice(i, 1));
    }
    return indices;
  }

  /** Metadata of one version (cached; errors are returned, not thrown). */
  metadataOf(name: string, index: number): Promise<CoreMetadata | Error> {
    const domain = this.#loaded.get(name)!;
    const candidate = domain.candidates[index]!;
    const key = `${name}==${candidate.version.text}`;
    let pending = this.#metadata.get(key);
    if (pending === undefined) {
      const file = candidate.best;
      pending = file === null
        ? Promise.resolve(new Error(candidate.unusable ?? "has no usable file"))
        : this.#o.index.metadata(file).then((m) => {
          this.metadataByVersion.set(key, m);
          // Warm the domains of the dependencies it has here (extras come later, if asked).
          try {
            for (const d of dependenciesFor(m, [], this.#o.target.markers)) {
              this.loadDomain(d.requirement.normalizedName).catch(() => {});
            }
          } catch {
            // Malformed metadata is reported when the version is tried.
          }
          return m;
        }, (error: unknown) => error instanceof Error ? error : new Error(String(error)));
      this.#metadata.set(key, pending);
    }
    return pending;
  }

  prefetch(pkg: string, index: number, likely: boolean): void {
    if (pkg === ROOT) return;
    const { name } = splitKey(pkg);
    const domain = this.#loaded.get(name);
    // An sdist's metadata may need a build: start it early only for the version most likely to
    // be chosen, never for a speculative batch.
    const file = domain?.candidates[index]?.best;
    if (file !== undefined && file !== null && (likely || file.filename.endsWith(".whl"))) {
      void this.metadataOf(name, index);
    }
  }

  async dependencies(pkg: string, index: number): Promise<VersionDependencies> {
    const { name, extra } = splitKey(pkg);
    const domain = this.#loaded.get(name)!;
    const candidate = domain.candidates[index]!;
    if (candidate.best === null) return { kind: "unavailable", reason: candidate.unusable! };
    const metadata = await this.metadataOf(name, index);
    if (metadata instanceof Error) {
      if (metadata instanceof GestvenvError && metadata.exitCode === 5) throw metadata;
      return { kind: "unavailable", reason: `cannot be used: ${metadata.message}` };
    }
    if (!requiresPythonOk(metadata.requiresPython, this.#o.target.pythonVersion)) {
      return { kind: "unavailable", reason: `requires Python ${metadata.requiresPython}` };
    }
    const source = `${name} ${candidate.version.text} METADATA`;
    let deps;
    try {
      deps = dependenciesFor(
        metadata,
        extra === null ? [] : [extra],
        this.#o.target.markers,
        source,
      );
    } catch (error) {
      return { kind: "unavailable", reason: `has invalid metadata: ${(error as Error).message}` };
    }
    const out: Dependency[] = [];
    if (extra !== null) {
      out.push({
        pkg: name,
        set: VersionSet.of(domain.candidates.length, [index]),
        label: `==${candidate.version.text}`,
      });
      deps = deps.filter((d) => d.extra === extra);
    }
    const requirements = deps.map((d) => d.requirement);
    await Promise.all(requirements.map((r) => this.loadDomain(r.normalizedName)));
    for (const r of requirements) out.push(...this.requirementDependencies(r));
    return { kind: "available", dependencies: out };
  }

  /** The dependencies one requirement stands for: the project, and one virtual package per extra. */
  requirementDependencies(r: Requirement): Dependency[] {
    const label = formatSpecifierSet(r.specifier);
    const out: Dependency[] = [];
    for (const pkg of [r.normalizedName, ...r.extras.map((e) => `${r.normalizedName}[${e}]`)]) {
      if (!this.#seen.has(pkg)) this.#seen.set(pkg, this.#seen.size);
      out.push({ pkg, set: this.setFor(pkg, r.specifier, label), label });
    }
    return out;
  }

  whyNone(pkg: string, label: string): string {
    const domain = this.#loaded.get(splitKey(pkg).name);
    if (domain === undefined || domain.candidates.length === 0) {
      return `${splitKey(pkg).name} was not found in the package index`;
    }
    return `no version of ${pkg} matches ${label === "" ? "any version" : label}`;
  }

  describe(pkg: string, set: VersionSet): string {
    if (pkg === ROOT) return "your requirements";
    const label = this.#labels.get(`${pkg}\u0000${set.key()}`);
    if (label !== undefined) return `${pkg}${label}`;
    const domain = this.#loaded.get(splitKey(pkg).name);
    if (domain === undefined || set.size === 0) return pkg;
    const all = set.count();
    if (all === set.size && set.size > 1) return pkg;
    if (all === 0) return `${pkg} (no version)`;
    const versions = domain.candidates.map((c) => c.version.text);
    const runs: string[] = [];
    let i = 0;
    while (i < set.size) {
      if (!set.has(i)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < set.size && set.has(j + 1)) j++;
      if (i === j) runs.push(`==${versions[i]}`);
      else if (i === 0) runs.push(`<=${versions[j]}`);
      else if (j === set.size - 1) runs.push(`>=${versions[i]}`);
      else runs.push(`>=${versions[i]},<=${versions[j]}`);
      i = j + 1;
    }
    return runs.length === 1 ? `${pkg}${runs[0]}` : `${pkg} (${runs.join(" | ")})`;
  }
}
