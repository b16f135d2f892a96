/**
 * `cache add`: resolve requirements for one or more machines and download every artifact the
 * resolutions need into the package cache, verified by sha256, without installing anything. The
 * index pages and metadata the resolutions read stay in the index cache, so a later `--offline`
 * resolution for the same machines works.
 *
 * @module
 */
import { openCache, type PackageCache } from "../cache/mod.ts";
import { httpTimeouts } from "../config/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { decideIndexes, HttpClient, type IndexFile } from "../index/mod.ts";
import { indexClientFor } from "./index_client_for.ts";
import { withIndexCredentials } from "./native_install.ts";
import { GestvenvError } from "../errors/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";
import type { Resolution } from "../resolver/mod.ts";
import {
  describeChoice,
  type PrefetchTarget,
  type PrefetchTargetOptions,
  prefetchTargets,
  resolveForTarget,
  sdistBuildRequires,
} from "./prefetch_targets.ts";
import { readRequirementInputs } from "./resolve_requirements.ts";

/** Options for {@linkcode prefetchArtifacts}. */
export interface PrefetchOptions extends PrefetchTargetOptions {
  /** Downloads at a time. @default 8 */
  concurrency?: number;
  /** Refetch index pages unconditionally (`--refresh`). @default false */
  refresh?: boolean;
  /**
   * Resolve and say what would be downloaded, download nothing (`--dry-run`; the index pages
   * read are still cached, as for any resolution). @default false
   */
  dryRun?: boolean;
}

/** One artifact a machine needs, and what `cache add` did with it. */
export interface PrefetchedFile {
  /** PEP 503 project name. */
  project: string;
  /** Version. */
  version: string;
  /** The file name. */
  filename: string;
  /** `wheel`, or `sdist` when no wheel fits the machine (or `--no-binary` asks for it). */
  kind: "wheel" | "sdist";
  /** sha256 (hex) of its bytes. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /**
   * `added`: downloaded by this run; `present`: the cache already had it; `planned`: a dry run
   * would download it.
   */
  state: "added" | "present" | "planned";
  /** Why an sdist was taken (`no wheel for win_amd64`, `--no-binary`), else null. */
  note: string | null;
  /**
   * The sdist (`name version`) whose build needs it (PEP 518 `build-system.requires`, resolved for
   * the same machine), or null for what the requirements themselves need.
   */
  buildFor: string | null;
}

/** What `cache add` did for one machine. */
export interface PrefetchTargetReport {
  /** The platform tag (or the interpreter's platform). */
  platform: string;
  /** The Python version it was resolved for. */
  python: string;
  /** Every artifact the resolution needs, by project name. */
  files: PrefetchedFile[];
  /**
   * Why this machine has no resolution (e.g. a project with no wheel and no sdist for it): the
   * resolver's message and explanation; nothing was fetched for it. Null when it resolved.
   */
  failure: { message: string; details: string | null; hint: string | null } | null;
  /** Projects whose chosen file the index gives without a sha256 (not downloaded). */
  unverifiable: { project: string; version: string; filename: string }[];
  /** sdists whose build requirements could not be resolved for this machine, and why. */
  buildFailures: {
    sdist: string;
    requires: string[];
    message: string;
    details: string | null;
    hint: string | null;
  }[];
}

/** What `cache add` did. */
export interface PrefetchReport {
  /** One report per machine, in the order given. */
  targets: PrefetchTargetReport[];
  /** Distinct artifacts downloaded by this run (a dry run: that it would download). */
  added: number;
  /** Bytes downloaded by this run (a dry run: as far as the index gives sizes). */
  addedBytes: number;
  /** Distinct artifacts the cache already held. */
  present: number;
  /** The cache root. */
  cacheDir: string;
}

/**
 * Resolves the requirements for each machine of `options` (ours; one index client, so each page
 * is read once) and fetches every chosen artifact into the cache of `ctx` (`fetchArtifact`:
 * streamed, sha256 and size checked, then renamed into place), at most `concurrency` at a time,
 * with a progress bar through `ctx.reporter`. Nothing is installed and no environment changes.
 * A machine whose requirements have no resolution is reported (`failure`) and the others go on.
 *
 * @throws {InvalidSyntaxError} for a malformed requirement.
 * @throws {UsageError} for platforms or versions that cannot be described.
 * @throws {NetworkError} when an index or a file cannot be reached.
 * @throws {ArtifactMismatchError} (exit 5) when a download is not the file the index promised.
 */
export async function prefetchArtifacts(
  ctx: EnvironmentContext,
  options: PrefetchOptions,
): Promise<PrefetchReport> {
  const inputs = await readRequirementInputs(options);
  const { targets, interpreter } = await prefetchTargets(ctx, options);
  const index = indexClientFor(ctx, {
    refresh: options.refresh ?? false,
    buildInterpreter: interpreter,
    fromFile: inputs.fromFile,
  });
  const credentials = decideIndexes(ctx.settings, inputs.fromFile).indexUrls;
  const reports: PrefetchTargetReport[] = [];
  // Distinct artifacts to fetch, by sha256 (a pure wheel serves every machine).
  let wanted = new Map<string, { file: IndexFile; project: string; version: string }>();
  const chosen: PrefetchedFile[] = [];
  const take = (
    report: PrefetchTargetReport,
    target: PrefetchTarget,
    resolution: Resolution,
    buildFor: string | null,
  ) => {
    for (const p of resolution.packages) {
      const { kind, wheelFits } = describeChoice(p.file, p.files, target.tags);
      if (p.file.sha256 === null) {
        report.unverifiable.push({
          project: p.name,
          version: p.version,
          filename: p.file.filename,
        });
        continue;
      }
      if (report.files.some((f) => f.sha256 === p.file.sha256)) continue;
      const entry: PrefetchedFile = {
        project: p.name,
        version: p.version,
        filename: p.file.filename,
        kind,
        sha256: p.file.sha256,
        size: p.file.size ?? 0,
        state: "present",
        note: kind === "sdist"
          ? (wheelFits ? "--no-binary" : `no wheel for ${target.platform}`)
          : null,
        buildFor,
      };
      report.files.push(entry);
      chosen.push(entry);
      wanted.set(p.file.sha256, { file: p.file, project: p.name, version: p.version });
    }
  };
  for (const target of targets) {
    ctx.reporter.step(`Resolving for ${target.platform} (Python ${target.python})`);
    let result;
    try {
      result = await resolveForTarget(index, target, inputs, options);
    } finally {
      ctx.reporter.done();
    }
    const report: PrefetchTargetReport = {
      platform: target.platform,
      python: target.python,
      files: [],
      failure: null,
      unverifiable: [],
      buildFailures: [],
    };
    reports.push(report);
    if (!result.ok) report.failure = describeFailure(result.error);
    else take(report, target, result.resolution, null);
  }
  const cache = await openCache(ctx.home.cacheDir);
  try {
    const outcome: Outcome = new Map();
    const fetchRound = async () => {
      const items = [...wanted.values()].filter((w) => !outcome.has(w.file.sha256!));
      wanted = new Map();
      const got = options.dryRun === true
        ? await planned(cache, items)
        : await cache.withSharedLock(() =>
          fetchAll(
            ctx,
            cache,
            items,
            credentials,
            options.concurrency ?? ctx.settings.parallelDownloads?.value ?? 8,
          )
        );
      for (const [sha, o] of got) outcome.set(sha, o);
    };
    await fetchRound();
    // An sdist is built where it is installed: its build requirements (PEP 518) are fetched too,
    // resolved for the same machine, so an offline install can build it.
    const requiresOf = new Map<string, Promise<string[] | null>>();
    for (const [i, target] of targets.entries()) {
      const report = reports[i]!;
      for (const sdist of report.files.filter((f) => f.kind === "sdist" && f.buildFor === null)) {
        let pending = requiresOf.get(sdist.sha256);
        if (pending === undefined) {
          requiresOf.set(sdist.sha256, pending = buildRequires(cache, sdist));
        }
        const label = `${sdist.project} ${sdist.version}`;
        let requires: string[] | null;
        try {
          requires = await pending;
        } catch (error) {
          if (!(error instanceof GestvenvError)) throw error;
          report.buildFailures.push({ sdist: label, requires: [], ...describeFailure(error) });
          continue;
        }
        if (requires === null) {
          report.buildFailures.push({
            sdist: label,
            requires: [],
            message: "not downloaded (dry run): its build requirements are not known yet",
            details: null,
            hint: null,
          });
          continue;
        }
        if (requires.length === 0) continue;
        ctx.reporter.step(`Resolving the build requirements of ${label} for ${target.platform}`);
        let result;
        try {
          result = await resolveForTarget(index, target, {
            ...inputs,
            requirements: requires.map((r) =>
              parseRequirement(r, `${sdist.filename} pyproject.toml`)
            ),
            constraints: [],
            texts: requires,
          }, { ...options, noDeps: false });
        } finally {
          ctx.reporter.done();
        }
        if (result.ok) take(report, target, result.resolution, label);
        else {
          report.buildFailures.push({ sdist: label, requires, ...describeFailure(result.error) });
        }
      }
    }
    await fetchRound();
    for (const entry of chosen) {
      const got = outcome.get(entry.sha256)!;
      entry.state = got.state;
      entry.size = got.size;
    }
    let added = 0, addedBytes = 0, present = 0;
    for (const got of outcome.values()) {
      if (got.state !== "present") {
        added++;
        addedBytes += got.size;
      } else present++;
    }
    return { targets: reports, added, addedBytes, present, cacheDir: cache.root };
  } finally {
    cache.close();
  }
}

function describeFailure(
  error: GestvenvError,
): { message: string; details: string | null; hint: string | null } {
  return { message: error.message, details: error.details ?? null, hint: error.hint ?? null };
}

/** The build requirements of a cached sdist, or null when it is not in the cache (a dry run). */
async function buildRequires(cache: PackageCache, sdist: PrefetchedFile): Promise<string[] | null> {
  if (!(await cache.list()).some((r) => r.sha256 === sdist.sha256)) return null;
  const stored = await cache.find(sdist.sha256);
  return stored === undefined ? null : await sdistBuildRequires(stored.path, sdist.filename);
}

type Outcome = Map<string, { state: PrefetchedFile["state"]; size: number }>;

/** What a dry run would do: the cache's index says what it holds (nothing is marked used). */
async function planned(
  cache: PackageCache,
  items: { file: IndexFile }[],
): Promise<Outcome> {
  const held = new Map((await cache.list()).map((r) => [r.sha256, r.size]));
  return new Map(items.map(({ file }) => {
    const size = held.get(file.sha256!);
    return [
      file.sha256!,
      size === undefined
        ? { state: "planned" as const, size: file.size ?? 0 }
        : { state: "present" as const, size },
    ];
  }));
}

/** Fetches each artifact once, `limit` at a time; stops starting new ones after a failure. */
async function fetchAll(
  ctx: EnvironmentContext,
  cache: PackageCache,
  items: { file: IndexFile; project: string; version: string }[],
  indexes: string[],
  limit: number,
): Promise<Outcome> {
  const out: Outcome = new Map();
  const http = new HttpClient({
    ...httpTimeouts(ctx.settings),
    offline: ctx.settings.offline.value,
    events: ctx.reporter,
    allowedSources: ctx.settings.allowedSources?.value,
  });
  const totalBytes = items.reduce((n, i) => n + (i.file.size ?? 0), 0);
  let done = 0, doneBytes = 0;
  const inFlight = new Map<string, number>();
  const show = () => {
    const bytes = doneBytes + [...inFlight.values()].reduce((a, b) => a + b, 0);
    ctx.reporter.progress?.({
      label: "Downloading",
      done: totalBytes > 0 ? bytes : done,
      total: totalBytes > 0 ? totalBytes : items.length,
      unit: totalBytes > 0 ? "bytes" : "items",
      note: `${done}/${items.length} files`,
    });
  };
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const { file, project, version } = items[next++]!;
      const sha256 = file.sha256!;
      try {
        const before = await cache.find(sha256);
        if (before !== undefined) {
          out.set(sha256, { state: "present", size: before.size });
        } else {
          inFlight.set(sha256, 0);
          const stored = await cache.fetchArtifact(
            {
              url: withIndexCredentials(file.url, indexes),
              filename: file.filename,
              sha256,
              size: file.size ?? undefined,
              project,
              version,
            },
            http,
            {
              ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
              events: ctx.reporter,
              onProgress: (bytes) => {
                inFlight.set(sha256, bytes);
                show();
              },
            },
          );
          out.set(sha256, { state: "added", size: stored.size });
        }
        doneBytes += out.get(sha256)!.size;
      } catch (error) {
        failure ??= { error };
      } finally {
        inFlight.delete(sha256);
      }
      done++;
      show();
    }
  };
  try {
    show();
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker),
    );
  } finally {
    ctx.reporter.done();
  }
  if (failure !== null) throw (failure as { error: unknown }).error;
  return out;
}
