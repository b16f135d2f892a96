/**
 * `cache check-offline`: can these requirements be resolved and installed with no network, for
 * this interpreter or for synthesized platforms? The resolution runs on cached index pages and
 * metadata only (stale entries accepted, as `--offline` does), every request it would have sent
 * is recorded instead, and every chosen artifact is looked up in the package cache. The answer
 * lists exactly what is missing.
 *
 * @module
 */
import { openCache, type PackageCache } from "../cache/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { GestvenvError, NetworkError, PackageNotFoundError } from "../errors/mod.ts";
import {
  fileUrlToPath,
  HttpClient,
  type HttpResponse,
  type IndexFile,
  redactUrl,
  type RequestOptions,
} from "../index/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import { indexClientFor } from "./index_client_for.ts";
import {
  describeChoice,
  type PrefetchTarget,
  type PrefetchTargetOptions,
  prefetchTargets,
  resolveForTarget,
  sdistBuildRequires,
} from "./prefetch_targets.ts";
import { parseRequirement } from "../pep508/mod.ts";
import { readRequirementInputs, type RequirementInputs } from "./resolve_requirements.ts";
import type { Resolution } from "../resolver/mod.ts";

/** Why something is missing for an offline install. */
export type OfflineMissingReason =
  | "no cached index page"
  | "no cached metadata"
  | "no cached artifact"
  | "no resolution";

/** One thing an offline install would lack. */
export interface OfflineMissing {
  /** PEP 503 project name (empty for a failed resolution that names no single project). */
  project: string;
  /** The version, when known. */
  version: string | null;
  /** The platform (machine) it is missing for. */
  platform: string;
  /** What is missing. */
  reason: OfflineMissingReason;
  /** The URL that would have been fetched, the file name, or the resolver's explanation. */
  detail: string;
  /** The sdist (`name version`) whose build needs it, or null for the requirements' own needs. */
  buildFor: string | null;
}

/** A file an offline install would use, found in the cache (or a local file). */
export interface OfflineReadyFile {
  /** PEP 503 project name. */
  project: string;
  /** Version. */
  version: string;
  /** The file name. */
  filename: string;
  /** `wheel`, or `sdist` (built at install time, from its build requirements). */
  kind: "wheel" | "sdist";
  /** sha256 (hex), or null for a local file the index lists without one. */
  sha256: string | null;
  /** Size in bytes (0 when unknown). */
  size: number;
  /** The sdist (`name version`) whose build needs it, or null for the requirements' own needs. */
  buildFor: string | null;
}

/** The verdict for one machine. */
export interface OfflineTargetReport {
  /** The platform tag (or the interpreter's platform). */
  platform: string;
  /** The Python version it was resolved for. */
  python: string;
  /** Whether everything is there. */
  ready: boolean;
  /** What the offline resolution chose and the cache holds. */
  files: OfflineReadyFile[];
  /** What is missing (empty when `ready`). */
  missing: OfflineMissing[];
}

/** The verdict of {@linkcode checkOffline}. */
export interface OfflineCheckReport {
  /** Every machine is ready. */
  ready: boolean;
  /** One verdict per machine, in the order given. */
  targets: OfflineTargetReport[];
}

/**
 * An HTTP client that sends nothing: every request is recorded and refused. A refused project
 * page answers "not on this index" (so the resolution goes on and finds what else is missing);
 * anything else (metadata) fails as `--offline` does.
 */
class RecordingOfflineClient extends HttpClient {
  readonly refused: string[] = [];

  constructor() {
    super({ offline: true });
  }

  override request(url: string, _init: RequestOptions = {}): Promise<HttpResponse> {
    const shown = redactUrl(url);
    this.refused.push(shown);
    const message = `Cannot fetch ${shown}: not in the cache, and this check sends no request`;
    return Promise.reject(
      new URL(url).pathname.endsWith("/")
        ? new PackageNotFoundError(message)
        : new NetworkError(message),
    );
  }
}

/** What a refused URL says is missing: a project page (`…/name/`), else a file's metadata. */
function missingOf(url: string, platform: string): OfflineMissing {
  const path = new URL(url).pathname;
  if (path.endsWith("/")) {
    const project = decodeURIComponent(path.slice(0, -1).split("/").at(-1) ?? "");
    return {
      project,
      version: null,
      platform,
      reason: "no cached index page",
      detail: url,
      buildFor: null,
    };
  }
  const filename = decodeURIComponent(path.split("/").at(-1) ?? "").replace(/\.metadata$/, "");
  const wheel = tryParseWheelFilename(filename);
  const sdist = /^(.+)-([^-]+)\.(?:tar\.gz|zip|tar\.bz2|tar\.xz|tgz)$/.exec(filename);
  return {
    project: wheel?.name ?? sdist?.[1]?.toLowerCase().replace(/[-_.]+/g, "-") ?? filename,
    version: wheel?.version.text ?? sdist?.[2] ?? null,
    platform,
    reason: "no cached metadata",
    detail: filename,
    buildFor: null,
  };
}

async function localFileExists(file: IndexFile): Promise<boolean> {
  if (!file.url.toLowerCase().startsWith("file:")) return false;
  const info = await Deno.stat(fileUrlToPath(file.url)).catch(() => null);
  return info?.isFile ?? false;
}

const missingKey = (m: OfflineMissing) => `${m.project}\u0000${m.version}\u0000${m.reason}`;

/** `ctx` with the offline setting forced (the rest of the settings as they are). */
function withOffline(ctx: EnvironmentContext, offline: boolean): EnvironmentContext {
  return {
    ...ctx,
    settings: {
      ...ctx.settings,
      offline: { value: offline, source: "flag", origin: "cache check-offline" },
    },
  };
}

/** The files a resolution chose, each looked up in the cache (or on disk, when local). */
async function lookUp(
  cache: PackageCache,
  target: PrefetchTarget,
  resolution: Resolution,
): Promise<{ files: OfflineReadyFile[]; missing: OfflineMissing[] }> {
  const files: OfflineReadyFile[] = [];
  const missing: OfflineMissing[] = [];
  for (const p of resolution.packages) {
    const { kind } = describeChoice(p.file, p.files, target.tags);
    const sha256 = p.file.sha256;
    const stored = sha256 === null ? undefined : await cache.find(sha256, { touch: false });
    if (stored !== undefined || await localFileExists(p.file)) {
      files.push({
        project: p.name,
        version: p.version,
        filename: p.file.filename,
        kind,
        sha256,
        size: stored?.size ?? p.file.size ?? 0,
        buildFor: null,
      });
    } else {
      missing.push({
        project: p.name,
        version: p.version,
        platform: target.platform,
        reason: "no cached artifact",
        detail: p.file.filename,
        buildFor: null,
      });
    }
  }
  return { files, missing };
}

/**
 * The verdict: the resolution `--offline` itself makes (`indexClientFor` with the offline
 * setting: each project's files are the cache's artifacts, described by its cached pages;
 * metadata from the cache or from the artifacts), or why it fails.
 */
async function offlineResolution(
  ctx: EnvironmentContext,
  target: PrefetchTarget,
  inputs: RequirementInputs,
  options: PrefetchTargetOptions,
): Promise<{ ok: true; resolution: Resolution } | { ok: false; error: GestvenvError }> {
  const index = indexClientFor(withOffline(ctx, true), { fromFile: inputs.fromFile });
  try {
    return await resolveForTarget(index, target, inputs, options);
  } catch (error) {
    // What a missing file or page makes an offline resolution throw.
    if (error instanceof NetworkError || error instanceof PackageNotFoundError) {
      return { ok: false, error };
    }
    throw error;
  }
}

/**
 * The diagnosis, when the offline resolution fails: the resolution a connected run would make,
 * on the cached pages (stale accepted) and metadata, with every request it would send recorded
 * instead of sent: missing pages, missing metadata, then the chosen files the cache lacks.
 */
async function diagnose(
  ctx: EnvironmentContext,
  cache: PackageCache,
  target: PrefetchTarget,
  inputs: RequirementInputs,
  options: PrefetchTargetOptions,
): Promise<OfflineMissing[]> {
  // A client per resolution: a refusal is remembered by the client, and must count each time.
  const http = new RecordingOfflineClient();
  const index = indexClientFor(withOffline(ctx, false), { http, fromFile: inputs.fromFile });
  const result = await resolveForTarget(index, target, inputs, options).catch((error) => {
    // A refused metadata request ends the resolution: what was refused says why.
    if (error instanceof NetworkError && http.refused.length > 0) return null;
    throw error;
  });
  const missing = [...new Set(http.refused)].map((url) => missingOf(url, target.platform));
  if (result !== null && result.ok) {
    missing.push(...(await lookUp(cache, target, result.resolution)).missing);
  }
  return missing;
}

/**
 * One set of requirements for one machine: the files `--offline` would take when its resolution
 * succeeds, else what is missing (the whole set diagnosed, then each requirement alone).
 */
async function checkRequirements(
  ctx: EnvironmentContext,
  cache: PackageCache,
  target: PrefetchTarget,
  inputs: RequirementInputs,
  options: PrefetchTargetOptions,
): Promise<{ files: OfflineReadyFile[]; missing: OfflineMissing[] }> {
  const verdict = await offlineResolution(ctx, target, inputs, options);
  if (verdict.ok) return await lookUp(cache, target, verdict.resolution);
  const missing = await diagnose(ctx, cache, target, inputs, options);
  const seen = new Set(missing.map(missingKey));
  // A resolution that stopped at the first gap hides the others: each requirement alone says
  // what it lacks (duplicates dropped).
  if (inputs.requirements.length > 1) {
    for (const requirement of inputs.requirements) {
      const alone = await diagnose(ctx, cache, target, {
        ...inputs,
        requirements: [requirement],
      }, options);
      for (const m of alone) {
        if (seen.has(missingKey(m))) continue;
        seen.add(missingKey(m));
        missing.push(m);
      }
    }
  }
  if (missing.length === 0) {
    missing.push({
      project: "",
      version: null,
      platform: target.platform,
      reason: "no resolution",
      detail: [verdict.error.message, verdict.error.details].filter((t) => t).join("\n"),
      buildFor: null,
    });
  }
  return { files: [], missing };
}

/**
 * Checks, for each machine of `options`, that the requirements resolve and install with no
 * network: the resolution `--offline` would make (from the cache's artifacts and its cached pages
 * and metadata) must succeed, and every file it chooses must be in the package cache of `ctx`.
 * When it fails, what is missing is found by resolving on the cached pages with every request
 * recorded instead of sent (the whole set, then each requirement alone, since a resolution stops at
 * its first gap). Sends no request (it works under `deno run --deny-net`) and changes nothing but
 * the artifacts' last-used times. A chosen sdist's static build requirements (PEP 518) are
 * checked the same way (`buildFor`); what its backend adds when run is not known.
 *
 * @throws {InvalidSyntaxError} for a malformed requirement.
 * @throws {UsageError} for platforms or versions that cannot be described.
 */
export async function checkOffline(
  ctx: EnvironmentContext,
  options: PrefetchTargetOptions,
): Promise<OfflineCheckReport> {
  const inputs = await readRequirementInputs(options);
  const { targets } = await prefetchTargets(ctx, options);
  const cache = await openCache(ctx.home.cacheDir);
  const reports: OfflineTargetReport[] = [];
  try {
    for (const target of targets) {
      ctx.reporter.step(`Checking ${target.platform} (Python ${target.python})`);
      try {
        const { files, missing } = await checkRequirements(ctx, cache, target, inputs, options);
        // An sdist is built where it is installed: its build requirements must be there too.
        for (const sdist of files.filter((f) => f.kind === "sdist" && f.buildFor === null)) {
          const label = `${sdist.project} ${sdist.version}`;
          const path = sdist.sha256 === null
            ? null
            : (await cache.find(sdist.sha256, { touch: false }))?.path;
          if (path === null || path === undefined) continue;
          let requires: string[];
          try {
            requires = await sdistBuildRequires(path, sdist.filename);
          } catch (error) {
            if (!(error instanceof GestvenvError)) throw error;
            missing.push({
              project: sdist.project,
              version: sdist.version,
              platform: target.platform,
              reason: "no resolution",
              detail: `its build requirements cannot be read: ${error.message}`,
              buildFor: null,
            });
            continue;
          }
          if (requires.length === 0) continue;
          const build = await checkRequirements(ctx, cache, target, {
            ...inputs,
            requirements: requires.map((r) =>
              parseRequirement(r, `${sdist.filename} pyproject.toml`)
            ),
            constraints: [],
            texts: requires,
          }, { ...options, noDeps: false });
          for (const f of build.files) {
            if (!files.some((g) => g.sha256 === f.sha256)) files.push({ ...f, buildFor: label });
          }
          missing.push(...build.missing.map((m) => ({ ...m, buildFor: label })));
        }
        reports.push({
          platform: target.platform,
          python: target.python,
          ready: missing.length === 0,
          files: missing.length === 0 ? files : [],
          missing,
        });
      } finally {
        ctx.reporter.done();
      }
    }
  } finally {
    cache.close();
  }
  return { ready: reports.every((r) => r.ready), targets: reports };
}
