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
  matchesSpecifier,
  parseSpecifierSet,
  satisfiesSpecifierSet,
  type Specifier,
  type SpecifierSet,
  specifierSetAllowsPrereleases,
  tryParseVersion,
  type Version,
} from "../pep440/mod.ts";
import { type MarkerContext, type Requirement } from "../pep508/mod.ts";
import { bestTagRank, type TagSet } from "../pep425/mod.ts";
import { tryParseSdistFilename } from "../dist_filename/mod.ts";
import { type CoreMetadata, dependenciesFor } from "../metadata/mod.ts";
import { fileEntry, type IndexClient, type IndexFile, type PageEntry } from "../index/mod.ts";
import { GestvenvError } from "../errors/mod.ts";
import type { Dependency, DependencyProvider, VersionDependencies } from "./pubgrub.ts";
import { ROOT } from "./pubgrub.ts";
import { VersionSet } from "./version_set.ts";
import type { SetFormatter } from "./report.ts";

/** Pre-release policy (uv's names). */
export type PrereleaseMode = "if-necessary-or-explicit" | "allow" | "if-necessary" | "disallow";

/** Version preference. */
export type ResolutionMode = "highest" | "lowest" | "lowest-direct";

/**
 * One candidate version of a project: what the resolver keeps of its files (the one to install
 * here, why none can be, whether it was yanked). The other files are not kept; a lock reads them
 * back for the chosen versions (`resolve`).
 */
export interface Candidate {
  version: Version;
  /** The file to install in the target environment (best wheel, else sdist), or null. */
  best: IndexFile | null;
  /** Why no file is usable, when `best` is null. */
  unusable: string | null;
  /** All files are yanked (PEP 592). */
  yanked: boolean;
  /** The yank reason when `yanked` (`""` when the index gave none), else null. */
  yankedReason: string | null;
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
  /**
   * Names whose requirements or constraints from the user name a pre-release (`c>=2.0b1`): with
   * `if-necessary-or-explicit`, that project's pre-releases are allowed wherever it appears in
   * the graph, not only on that specifier (uv's rule). @default none
   */
  userPrereleases?: Set<string>;
  /**
   * `==`/`===` clauses of the user's requirements and constraints, by name: a yanked version
   * they pin is selectable for that project everywhere in the graph (PEP 592). @default none
   */
  userPins?: Map<string, Specifier[]>;
  /** Do not follow dependencies (`--no-deps`): versions are still checked. @default false */
  noDeps?: boolean;
}

/** `a==1`, `a==1 and a==2`, `a==1, a==2 and 3 more`. */
function listVersions(pins: string[]): string {
  if (pins.length === 1) return pins[0]!;
  if (pins.length <= 3) return `${pins.slice(0, -1).join(", ")} and ${pins.at(-1)}`;
  return `${pins.slice(0, 2).join(", ")} and ${pins.length - 2} more`;
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

/** What is known of one version's files while they are read (one pass, nothing kept). */
interface VersionFiles {
  best: IndexFile | null;
  bestRank: number;
  sdist: IndexFile | null;
  reasons: Set<string>;
  /** Tags of wheels this target supports none of (for the explanation). */
  foreignWheels: WheelTags[];
  count: number;
  yankedReason: string | null;
}

function emptyFiles(): VersionFiles {
  return {
    best: null,
    bestRank: Infinity,
    sdist: null,
    reasons: new Set(),
    foreignWheels: [],
    count: 0,
    yankedReason: null,
  };
}

const byTagText = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

function listTags(tags: Set<string>): string {
  const sorted = [...tags].sort(byTagText);
  return sorted.length <= 8
    ? sorted.join(", ")
    : `${sorted.slice(0, 8).join(", ")} and ${sorted.length - 8} more`;
}

const interpreterPairs = new WeakMap<TagSet, { pairs: Set<string>; python: string }>();

/**
 * Why no wheel of a version fits the target, naming what its wheels do support: the platforms
 * when some wheel is for this interpreter (`has wheels for win_amd64 only`), else the ABIs when
 * some is for this Python version, else the Python versions (`has wheels for cp39, cp310, cp311
 * only`).
 */
function foreignWheelsReason(wheels: WheelTags[], tags: TagSet): string {
  let known = interpreterPairs.get(tags);
  if (known === undefined) {
    const pairs = new Set(tags.tags.map((t) => t.split("-").slice(0, 2).join("-")));
    known = { pairs, python: tags.tags[0]?.split("-")[0] ?? "" };
    interpreterPairs.set(tags, known);
  }
  const fits = (w: WheelTags) =>
    w.pythonTags.some((py) => w.abiTags.some((abi) => known.pairs.has(`${py}-${abi}`)));
  const forInterpreter = wheels.filter(fits);
  if (forInterpreter.length > 0) {
    return `has wheels for ${
      listTags(new Set(forInterpreter.flatMap((w) => w.platformTags)))
    } only`;
  }
  const forPython = wheels.filter((w) => w.pythonTags.includes(known.python));
  if (forPython.length > 0) {
    return `has wheels for ${
      listTags(new Set(forPython.flatMap((w) => w.abiTags)))
    } only (ABI tags)`;
  }
  return `has wheels for ${listTags(new Set(wheels.flatMap((w) => w.pythonTags)))} only`;
}

/** The tags of a wheel file name. */
interface WheelTags {
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
}

/** A wheel's compressed tag set (`cp311-cp311-manylinux_2_17_x86_64`) and its best rank. */
interface TagInfo {
  tags: WheelTags;
  rank: number | undefined;
}

/**
 * The version text and tag-set text of a wheel file name (PEP 427: `{name}-{version}(-{build})?-
 * {python}-{abi}-{platform}.whl`, the rules of `tryParseWheelFilename`), found without splitting
 * the name into arrays: a page lists the same version and the same tag sets many times, and the
 * caller parses each distinct one once.
 */
function wheelParts(filename: string): { version: string; tags: string } | null {
  if (!filename.endsWith(".whl")) return null;
  const end = filename.length - 4;
  const d1 = filename.indexOf("-");
  const d2 = filename.indexOf("-", d1 + 1);
  const p3 = filename.lastIndexOf("-", end - 1);
  const p2 = filename.lastIndexOf("-", p3 - 1);
  const p1 = filename.lastIndexOf("-", p2 - 1);
  if (d1 <= 0 || d2 < 0 || p1 < d2) return null;
  // Either no build tag (p1 is d2) or one that starts with a digit, with no other dash.
  if (p1 !== d2) {
    const code = filename.charCodeAt(d2 + 1);
    if (filename.indexOf("-", d2 + 1) !== p1 || code < 48 || code > 57) return null;
  }
  return { version: filename.slice(d1 + 1, d2), tags: filename.slice(p1 + 1, end) };
}

/**
 * The version of a distribution file name of project `name` (wheel or sdist), parsing each
 * distinct version text once through `cache`; null when the name is neither.
 */
function fileVersion(
  filename: string,
  name: string,
  cache: Map<string, Version | null>,
): { version: Version | null; tags: string | null } {
  const wheel = wheelParts(filename);
  if (wheel === null) {
    return { version: tryParseSdistFilename(filename, name)?.version ?? null, tags: null };
  }
  let version = cache.get(wheel.version);
  if (version === undefined) cache.set(wheel.version, version = tryParseVersion(wheel.version));
  return { version, tags: wheel.tags };
}

/** Every file of `version` among `entries` (a page of project `name`), for a lock. */
export function filesOfVersion(
  name: string,
  entries: Iterable<PageEntry>,
  version: Version,
): IndexFile[] {
  const cache = new Map<string, Version | null>();
  const out: IndexFile[] = [];
  for (const entry of entries) {
    const v = fileVersion(entry.filename, name, cache).version;
    if (v !== null && v.text === version.text) out.push(entry.file());
  }
  return out;
}

/**
 * Builds the candidates of a project from its files for the target, in one pass over `files`
 * (which may be a lazy iterator: only each version's chosen file is kept). A version whose files
 * are all yanked is a yanked candidate; otherwise yanked files are ignored.
 */
export function buildCandidates(
  name: string,
  files: Iterable<PageEntry>,
  target: Target,
  onlyBinary: boolean,
  noBinary: boolean,
): Candidate[] {
  const byVersion = new Map<
    string,
    { version: Version; live: VersionFiles; yanked: VersionFiles }
  >();
  const pythonOk = new Map<string, boolean>();
  const versions = new Map<string, Version | null>();
  const tagInfo = new Map<string, TagInfo>();
  for (const file of files) {
    const { version, tags: wheel } = fileVersion(file.filename, name, versions);
    if (version === null) continue;
    let entry = byVersion.get(version.text);
    if (entry === undefined) {
      entry = { version, live: emptyFiles(), yanked: emptyFiles() };
      byVersion.set(version.text, entry);
    }
    const state = file.yanked === null ? entry.live : entry.yanked;
    state.count++;
    if (file.yanked !== null) state.yankedReason ??= file.yanked;
    if (file.requiresPython !== null) {
      let ok = pythonOk.get(file.requiresPython);
      if (ok === undefined) {
        ok = requiresPythonOk(file.requiresPython, target.pythonVersion);
        pythonOk.set(file.requiresPython, ok);
      }
      if (!ok) {
        state.reasons.add(`requires Python ${file.requiresPython}`);
        continue;
      }
    }
    if (wheel !== null) {
      if (noBinary) {
        state.reasons.add("has only wheels and --no-binary is set");
        continue;
      }
      let info = tagInfo.get(wheel);
      if (info === undefined) {
        const [py, abi, plat] = wheel.split("-") as [string, string, string];
        const tags = {
          pythonTags: py.split("."),
          abiTags: abi.split("."),
          platformTags: plat.split("."),
        };
        info = {
          tags,
          rank: bestTagRank(target.tags, tags.pythonTags, tags.abiTags, tags.platformTags),
        };
        tagInfo.set(wheel, info);
      }
      if (info.rank === undefined) {
        // Kept only to explain a version no file of which fits.
        if (state.best === null) state.foreignWheels.push(info.tags);
        continue;
      }
      if (info.rank < state.bestRank) [state.best, state.bestRank] = [file.file(), info.rank];
      state.foreignWheels.length = 0;
    } else if (onlyBinary) {
      state.reasons.add("has no compatible wheel and --only-binary is set");
    } else state.sdist ??= file.file();
  }
  const out: Candidate[] = [];
  for (const { version, live, yanked } of byVersion.values()) {
    const state = live.count > 0 ? live : yanked;
    const chosen = state.best ?? state.sdist;
    if (chosen === null && state.foreignWheels.length > 0) {
      state.reasons.add(foreignWheelsReason(state.foreignWheels, target.tags));
    }
    out.push({
      version,
      best: chosen,
      unusable: chosen === null
        ? [...state.reasons].sort().join("; ") || "has no usable file"
        : null,
      yanked: live.count === 0,
      yankedReason: live.count === 0 ? yanked.yankedReason ?? "" : null,
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
  /** The specifier and version set behind each label, by `pkg\0label`. */
  readonly #specs = new Map<string, { specifier: SpecifierSet; set: VersionSet }>();
  /** Metadata that was read, by `name==version`. */
  readonly metadataByVersion = new Map<string, CoreMetadata>();

  constructor(options: ProviderOptions) {
    this.#o = options;
  }

  /**
   * Waits until the requests started ahead (domain warm-up, metadata prefetch) have settled, so
   * nothing keeps running or writing to the cache once a resolution returns.
   */
  async idle(): Promise<void> {
    for (let seen = -1; seen !== this.#domains.size + this.#metadata.size;) {
      seen = this.#domains.size + this.#metadata.size;
      await Promise.allSettled([...this.#domains.values(), ...this.#metadata.values()]);
    }
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
        candidates: buildCandidates(name, [fileEntry(file)], this.#o.target, false, false),
      };
    }
    const page = await this.#o.index.projectPage(name);
    if (page === null) return { name, index: null, candidates: [] };
    return {
      name,
      index: page.index,
      candidates: buildCandidates(
        name,
        page.entries(),
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

  /** Whether pre-releases of `name` are allowed by a specifier that does not name one. */
  #prereleasesAllowed(name: string, candidates: Candidate[]): boolean {
    const mode = this.#o.prerelease;
    if (mode === "allow") return true;
    if (mode === "disallow") return false;
    if (candidates.every((c) => isPrerelease(c.version))) return true;
    return mode === "if-necessary-or-explicit" && (this.#o.userPrereleases?.has(name) ?? false);
  }

  /**
   * Version set of `pkg` matching `specifier` under the yank and pre-release rules: yanked
   * versions only when pinned (by this specifier, or by the user anywhere); pre-releases when
   * the policy, this specifier or the user's own requirements allow them.
   */
  setFor(pkg: string, specifier: SpecifierSet, label: string): VersionSet {
    const { name } = splitKey(pkg);
    const domain = this.#loaded.get(name)!;
    const prereleaseOk = this.#prereleasesAllowed(name, domain.candidates) ||
      (this.#o.prerelease === "if-necessary-or-explicit" &&
        specifierSetAllowsPrereleases(specifier));
    const pinned = specifier.specifiers.some((s) =>
      (s.operator === "==" && !s.wildcard) || s.operator === "==="
    );
    const userPins = this.#o.userPins?.get(name) ?? [];
    const set = VersionSet.where(domain.candidates.length, (i) => {
      const c = domain.candidates[i]!;
      if (c.yanked && !pinned && !userPins.some((p) => matchesSpecifier(c.version, p))) {
        return false;
      }
      if (isPrerelease(c.version) && !prereleaseOk) return false;
      return satisfiesSpecifierSet(c.version, specifier, true);
    });
    if (label !== "") this.#labels.set(`${pkg}\u0000${set.key()}`, label);
    this.#specs.set(`${pkg}\u0000${label}`, { specifier, set });
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

  preferred(pkg: string, allowed: VersionSet, limit = Infinity): number[] {
    if (pkg === ROOT) return [0];
    const { name } = splitKey(pkg);
    const domain = this.#loaded.get(name)!;
    const lowest = this.#o.resolution === "lowest" ||
      (this.#o.resolution === "lowest-direct" && this.#o.direct.has(name));
    const pref = this.#o.preferences.get(name);
    const p = pref === undefined ? -1 : domain.candidates.findIndex((c) => c.version.text === pref);
    if (p < 0 || !allowed.has(p)) return lowest ? allowed.lowest(limit) : allowed.highest(limit);
    const rest = lowest ? allowed.lowest(limit) : allowed.highest(limit);
    return [p, ...rest.filter((i) => i !== p)].slice(0, limit);
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
    if (this.#o.noDeps === true) return { kind: "available", dependencies: out };
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

  /** The versions of `name` that `specifier` matches on its face (yanked and pre-releases too). */
  #face(name: string, specifier: SpecifierSet): VersionSet {
    const domain = this.#loaded.get(name)!;
    return VersionSet.where(
      domain.candidates.length,
      (i) => satisfiesSpecifierSet(domain.candidates[i]!.version, specifier, true),
    );
  }

  /** Says why each version of `indices` is left out: yanked (with the reason), pre-release. */
  #excluded(name: string, indices: Iterable<number>): { yanked: string[]; pre: string[] } {
    const domain = this.#loaded.get(name)!;
    const yanked: string[] = [], pre: string[] = [];
    for (const i of indices) {
      const c = domain.candidates[i]!;
      const pin = `${name}==${c.version.text}`;
      if (c.yanked) {
        yanked.push(
          c.yankedReason ? `${pin} was yanked (reason: ${c.yankedReason})` : `${pin} was yanked`,
        );
      } else if (isPrerelease(c.version)) pre.push(pin);
    }
    return { yanked, pre };
  }

  #preReleaseRule(name: string): string {
    return this.#o.prerelease === "disallow"
      ? "pre-releases are disallowed (--prerelease disallow)"
      : this.#o.prerelease === "if-necessary"
      ? `pre-releases of ${name} are used only when it has nothing else (--prerelease if-necessary)`
      : `pre-releases of ${name} are used only where a requirement names one, or with --prerelease allow`;
  }

  whyNone(pkg: string, label: string): string {
    const { name } = splitKey(pkg);
    const domain = this.#loaded.get(name);
    if (domain === undefined || domain.candidates.length === 0) {
      return `${name} was not found in the package index`;
    }
    const known = this.#specs.get(`${pkg}\u0000${label}`);
    if (known !== undefined) {
      const left = this.#face(name, known.specifier).minus(known.set);
      const { yanked, pre } = this.#excluded(name, left.indices());
      const parts = [...yanked];
      if (pre.length > 0) {
        parts.push(
          `${listVersions(pre)} ${pre.length === 1 ? "is a pre-release" : "are pre-releases"}: ${
            this.#preReleaseRule(name)
          }`,
        );
      }
      if (parts.length > 0) return parts.join("; ");
    }
    return `no version of ${pkg} matches ${label === "" ? "any version" : label}`;
  }

  /**
   * Notes that keep an explanation from looking contradictory: for each project that two or more
   * of the explanation's specifiers name, the versions all of them match on their face but that
   * are left out (yanked, or pre-releases not allowed there), with the reason.
   */
  notes(named: Iterable<{ pkg: string; label: string }>): string[] {
    const byName = new Map<string, Map<string, { specifier: SpecifierSet; set: VersionSet }>>();
    for (const { pkg, label } of named) {
      const known = this.#specs.get(`${pkg}\u0000${label}`);
      if (known === undefined) continue;
      const { name } = splitKey(pkg);
      let labels = byName.get(name);
      if (labels === undefined) byName.set(name, labels = new Map());
      labels.set(label, known);
    }
    const notes: string[] = [];
    for (const [name, labels] of byName) {
      if (labels.size < 2) continue;
      const all = [...labels.values()];
      let face = this.#face(name, all[0]!.specifier);
      for (const k of all.slice(1)) face = face.intersect(this.#face(name, k.specifier));
      let allowed = all[0]!.set;
      for (const k of all.slice(1)) allowed = allowed.intersect(k.set);
      const { yanked, pre } = this.#excluded(name, face.minus(allowed).indices());
      for (const y of yanked) {
        notes.push(`${y}; a yanked version is used only when pinned with == or ===.`);
      }
      if (pre.length > 0) {
        notes.push(
          `${listVersions(pre)} ${pre.length === 1 ? "is a pre-release" : "are pre-releases"}; ${
            this.#preReleaseRule(name)
          }.`,
        );
      }
    }
    return notes;
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
