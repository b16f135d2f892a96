/**
 * Resolution: from requirements to one version of every needed distribution, for one target
 * interpreter, with PubGrub over the index client. Failures are explained in sentences.
 *
 * @module
 */
import { ResolutionError, UsageError } from "../errors/mod.ts";
import { withSpan } from "../events/mod.ts";
import {
  parseVersion,
  type Specifier,
  type SpecifierSet,
  specifierSetAllowsPrereleases,
} from "../pep440/mod.ts";
import { evaluateMarker, type MarkerEnvironment, type Requirement } from "../pep508/mod.ts";
import { supportedTags, type TagSet } from "../pep425/mod.ts";
import { type InterpreterInfo, tagInput } from "../python/mod.ts";
import type { IndexClient, IndexFile } from "../index/mod.ts";
import { dependenciesFor } from "../metadata/mod.ts";
import { type Dependency, NoSolutionError, solve } from "./pubgrub.ts";
import {
  filesOfVersion,
  IndexProvider,
  type PrereleaseMode,
  type ResolutionMode,
  splitKey,
  type Target,
} from "./provider.ts";
import { explainFailure } from "./report.ts";
import type { Incompatibility } from "./incompatibility.ts";

/**
 * A machine to resolve for, described without an interpreter (`cache add --platforms`: lib/platforms
 * `targetPlatform` gives one): its marker environment, its tags and its Python version.
 */
export interface ResolveTarget {
  /** The PEP 508 marker environment. */
  markers: MarkerEnvironment;
  /** Supported tags, most preferred first (PEP 425). */
  tags: TagSet;
  /** `python_full_version`, for `requires-python` (e.g. `3.12.0`). */
  pythonFullVersion: string;
  /** Its platform tag, for messages (e.g. `win_amd64`). */
  platform: string;
}

/** Options for {@linkcode resolve}. */
export interface ResolveOptions {
  /** What the user asks for (PEP 508). */
  requirements: Requirement[];
  /** Constraints (`-c`): limit versions without asking for the package. @default [] */
  constraints?: Requirement[];
  /**
   * The interpreter the resolution is for (markers, tags, Python version); required unless
   * `target` is given.
   */
  interpreter?: InterpreterInfo;
  /** A machine described without an interpreter; when given, `interpreter` is not used. */
  target?: ResolveTarget;
  /**
   * Only the requirements themselves: each version is chosen as usual (a file for the target,
   * `requires-python`), its dependencies are not followed (pip's `--no-deps`). @default false
   */
  noDeps?: boolean;
  /** Where distributions come from. */
  index: IndexClient;
  /** Version preference. @default "highest" */
  resolution?: ResolutionMode;
  /** Pre-release policy. @default "if-necessary-or-explicit" */
  prerelease?: PrereleaseMode;
  /** Normalized names, or `:all:`, that must come from wheels. @default [] */
  onlyBinary?: string[];
  /** Normalized names, or `:all:`, that must not come from wheels. @default [] */
  noBinary?: string[];
  /** Versions to keep when they still satisfy (installed or locked), by normalized name. */
  preferences?: Map<string, string>;
}

/** One resolved distribution. */
export interface ResolvedPackage {
  /** PEP 503 normalized name. */
  name: string;
  /** Normalized version. */
  version: string;
  /** Extras that were requested of it. */
  extras: string[];
  /** The index it came from (credentials removed), or null for find-links / URLs. */
  index: string | null;
  /** The file to install here (best wheel for the target, else the sdist). */
  file: IndexFile;
  /** Every file of this version on the index (for portable locks). */
  files: IndexFile[];
  /** `Requires-Python` of the distribution, or null. */
  requiresPython: string | null;
  /** Names of the packages it depends on in this resolution. */
  dependencies: string[];
  /** Whether the user asked for it directly. */
  direct: boolean;
}

/** A complete resolution. */
export interface Resolution {
  /** Python version it was made for. */
  python: string;
  /** Packages sorted by name. */
  packages: ResolvedPackage[];
  /** The requirements it satisfies, as given. */
  requirements: Requirement[];
}

/** What a resolution is for: an interpreter's probe, or a target described without one. */
function targetOf(options: ResolveOptions): Target & { python: string; platform: string } {
  if (options.target !== undefined) {
    const t = options.target;
    return {
      markers: t.markers,
      pythonVersion: parseVersion(t.pythonFullVersion),
      tags: t.tags,
      python: t.pythonFullVersion,
      platform: t.platform,
    };
  }
  const interpreter = options.interpreter;
  if (interpreter === undefined) throw new Error("resolve: give `interpreter` or `target`");
  return {
    markers: interpreter.markers,
    pythonVersion: parseVersion(interpreter.markers.python_full_version),
    tags: supportedTags(tagInput(interpreter)),
    python: interpreter.version,
    platform: interpreter.sysconfig_platform,
  };
}

/**
 * Resolves `requirements` for `interpreter`.
 * @throws {ResolutionError} when no set of versions works; the message explains why.
 * @throws {NetworkError} when an index cannot be reached.
 * @throws {UsageError} for URL requirements of the same project that disagree.
 */
export async function resolve(options: ResolveOptions): Promise<Resolution> {
  // A `resolve` span for whoever listens to the index client's events (a command's reporter).
  const detail = options.requirements.map((r) => r.name).join(" ").slice(0, 200);
  return await withSpan(options.index.http.events, "resolve", detail, () => resolveNow(options));
}

async function resolveNow(options: ResolveOptions): Promise<Resolution> {
  const target = targetOf(options);
  const active = options.requirements.filter((r) =>
    r.marker === null || evaluateMarker(r.marker, { ...target.markers, extra: "" })
  );
  const urls = new Map<string, string>();
  for (const r of active) {
    if (r.url === null) continue;
    const prev = urls.get(r.normalizedName);
    if (prev !== undefined && prev !== r.url) {
      throw new UsageError(`${r.name} is required from two URLs: ${prev} and ${r.url}`);
    }
    urls.set(r.normalizedName, r.url);
  }
  const constraints = new Map<string, SpecifierSet[]>();
  for (const c of options.constraints ?? []) {
    if (c.marker !== null && !evaluateMarker(c.marker, { ...target.markers, extra: "" })) continue;
    constraints.set(c.normalizedName, [...(constraints.get(c.normalizedName) ?? []), c.specifier]);
  }
  const only = (list: string[] | undefined) => new Set(list ?? []);
  const direct = new Set(active.map((r) => r.normalizedName));
  // What the user's own requirements and constraints say about pre-releases and yanked pins
  // holds for the project everywhere in the graph.
  const userPrereleases = new Set<string>();
  const userPins = new Map<string, Specifier[]>();
  for (
    const [name, specifier] of [
      ...active.map((r) => [r.normalizedName, r.specifier] as const),
      ...[...constraints].flatMap(([name, specs]) => specs.map((s) => [name, s] as const)),
    ]
  ) {
    if (specifierSetAllowsPrereleases(specifier)) userPrereleases.add(name);
    const pins = specifier.specifiers.filter((s) =>
      (s.operator === "==" && !s.wildcard) || s.operator === "==="
    );
    if (pins.length > 0) userPins.set(name, [...(userPins.get(name) ?? []), ...pins]);
  }
  const provider = new IndexProvider({
    index: options.index,
    target,
    resolution: options.resolution ?? "highest",
    prerelease: options.prerelease ?? "if-necessary-or-explicit",
    onlyBinary: only(options.onlyBinary),
    noBinary: only(options.noBinary),
    preferences: options.preferences ?? new Map(),
    constraints,
    urls,
    direct,
    userPrereleases,
    userPins,
    noDeps: options.noDeps ?? false,
  });
  await Promise.all(active.map((r) => provider.loadDomain(r.normalizedName)));
  const rootDependencies: Dependency[] = active.flatMap((r) => provider.requirementDependencies(r));
  let solution;
  try {
    solution = await solve(provider, rootDependencies);
  } catch (error) {
    await provider.idle();
    if (!(error instanceof NoSolutionError)) throw error;
    const explanation = explainFailure(error.incompatibility, provider);
    throw new ResolutionError("No solution satisfies the requirements", {
      details: explanation,
      hint: hintsFor(error.incompatibility, provider, options, target),
    });
  }
  await provider.idle();
  // Gather base packages with the extras requested of them.
  const chosen = new Map<string, { index: number; extras: Set<string> }>();
  for (const [pkg, index] of solution) {
    const { name, extra } = splitKey(pkg);
    let entry = chosen.get(name);
    if (entry === undefined) chosen.set(name, entry = { index, extras: new Set() });
    if (extra !== null) entry.extras.add(extra);
  }
  const packages: ResolvedPackage[] = [];
  const files = await filesOfChosen(options.index, urls, provider, chosen);
  for (const [name, { index, extras }] of chosen) {
    const domain = provider.domain(name)!;
    const candidate = domain.candidates[index]!;
    const metadata = provider.metadataByVersion.get(`${name}==${candidate.version.text}`);
    const deps = metadata === undefined
      ? []
      : dependenciesFor(metadata, [...extras], target.markers).map((d) =>
        d.requirement.normalizedName
      );
    packages.push({
      name,
      version: candidate.version.text,
      extras: [...extras].sort(),
      index: domain.index,
      file: candidate.best!,
      files: files.get(name)!,
      requiresPython: metadata?.requiresPython ?? null,
      dependencies: [...new Set(deps)].filter((d) => chosen.has(d) && d !== name).sort(),
      direct: direct.has(name),
    });
  }
  packages.sort((a, b) => a.name.localeCompare(b.name));
  return { python: target.python, packages, requirements: options.requirements };
}

/**
 * Every file of each chosen version (for locks): the resolver kept only the one to install, so
 * the pages are read again (from the cache this run validated, without a request).
 */
async function filesOfChosen(
  index: IndexClient,
  urls: Map<string, string>,
  provider: IndexProvider,
  chosen: Map<string, { index: number }>,
): Promise<Map<string, IndexFile[]>> {
  const out = new Map<string, IndexFile[]>();
  const queue = [...chosen];
  // A few pages at a time: each is read whole from disk while its files are picked.
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await one(next);
  };
  const one = async ([name, { index: i }]: [string, { index: number }]) => {
    const candidate = provider.domain(name)!.candidates[i]!;
    if (urls.has(name)) {
      out.set(name, [candidate.best!]);
      return;
    }
    const page = await index.projectPage(name);
    const files = filesOfVersion(name, page?.entries() ?? [], candidate.version);
    out.set(name, files.length > 0 ? files : [candidate.best!]);
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}

function hintsFor(
  root: Incompatibility,
  provider: IndexProvider,
  options: ResolveOptions,
  target: { python: string; platform: string },
): string | undefined {
  const hints: string[] = [];
  const seen = new Set<string>();
  const walk = (i: Incompatibility) => {
    if (i.cause.kind === "derived") {
      walk(i.cause.left);
      walk(i.cause.right);
      return;
    }
    const names = [...i.terms.keys()];
    if (i.cause.kind === "dependency") names.push(i.cause.to);
    for (const pkg of names) {
      const { name } = splitKey(pkg);
      if (seen.has(name)) continue;
      seen.add(name);
      const domain = provider.domain(name);
      if (domain === undefined) continue;
      const none = i.cause.kind === "no_versions" ||
        (i.cause.kind === "dependency" && !i.terms.has(pkg));
      if (domain.candidates.length === 0 && none) {
        hints.push(
          `${name} is not on ${provider.indexes().join(", ") || "any index"}; check the name`,
        );
      }
      const pre = domain.candidates.filter((c) => c.version.pre !== null || c.version.dev !== null);
      if (pre.length > 0 && options.prerelease !== "allow" && none) {
        hints.push(
          `pre-releases of ${name} exist (e.g. ${
            pre.at(-1)!.version.text
          }); pass --prerelease allow to consider them`,
        );
      }
      const python = domain.candidates.filter((c) => c.unusable?.startsWith("requires Python"));
      if (python.length > 0 && i.cause.kind === "unavailable") {
        hints.push(
          `some versions of ${name} need another Python than ${target.python}; try --python`,
        );
      }
      const platform = domain.candidates.filter((c) => c.unusable?.includes("has wheels for"));
      if (platform.length > 0 && i.cause.kind === "unavailable") {
        hints.push(
          `${name} has no wheel for ${target.platform} and Python ${target.python}`,
        );
      }
    }
  };
  walk(root);
  return hints.length > 0 ? hints.join("\nhint: ") : undefined;
}
