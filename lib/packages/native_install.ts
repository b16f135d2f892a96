/**
 * Applying a lock with gestvenv's own installer: every file comes from the content-addressed
 * cache (downloaded once, verified by sha256 while it streams in), sdists and local directories
 * are built into wheels (PEP 517/660, `lib/build`) whose build environments are filled by this
 * same resolver and installer, and the wheels are linked into the environment (`lib/installer`).
 *
 * @module
 */
import type { BackendTarget } from "../backends/mod.ts";
import { type BuildSource, buildWheel } from "../build/mod.ts";
import {
  openCache,
  type PackageCache,
  type StoredArtifact,
  type UnpackedWheel,
} from "../cache/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import type { InstalledDistribution } from "../distribution/mod.ts";
import { httpTimeouts } from "../config/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { startSpan, withSpan } from "../events/mod.ts";
import { HttpClient, redactUrl } from "../index/mod.ts";
import {
  applyPlan,
  type ApplyResult,
  type DesiredDistribution,
  type InstallPlan,
  type InstallTarget,
  type LinkMode,
} from "../installer/mod.ts";
import type { LockedInstall, PylockFile } from "../lock/mod.ts";
import { toFileUrl } from "../paths/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { VirtualenvLayout } from "../virtualenv/mod.ts";

/** What one command's native installs share: the opened cache and the HTTP client. */
export interface NativeSession {
  /** The package cache (opened once, closed at the end of the command). */
  cache: PackageCache;
  /** Downloads files (index timeouts from the settings). */
  http: HttpClient;
  /** Configured index URLs whose credentials are reused for files on the same origin. */
  indexes: string[];
}

/**
 * Runs `fn` with a {@linkcode NativeSession}: the cache of `ctx` opened and held with its shared
 * lock (a cleaning command waits), closed afterwards.
 */
export async function withNativeSession<T>(
  ctx: EnvironmentContext,
  indexes: string[],
  fn: (session: NativeSession) => Promise<T>,
): Promise<T> {
  const cache = await openCache(ctx.home.cacheDir);
  try {
    const http = new HttpClient({
      ...httpTimeouts(ctx.settings),
      // `performance.parallel_downloads`: this client downloads the plan's files.
      concurrency: ctx.settings.parallelDownloads?.value,
      offline: ctx.settings.offline.value,
      events: ctx.reporter,
      allowedSources: ctx.settings.allowedSources?.value,
    });
    return await cache.withSharedLock(() => fn({ cache, http, indexes }));
  } finally {
    cache.close();
  }
}

/**
 * Adds the credentials of a configured index to a file URL on the same origin (as pip reuses its
 * index credentials for files), since locks never keep credentials. Never printed.
 */
export function withIndexCredentials(url: string, indexes: readonly string[]): string {
  if (!/^https?:/i.test(url)) return url;
  const target = new URL(url);
  if (target.username !== "" || target.password !== "") return url;
  for (const index of indexes) {
    let u: URL;
    try {
      u = new URL(index);
    } catch {
      continue;
    }
    if (u.origin === target.origin && (u.username !== "" || u.password !== "")) {
      target.username = u.username;
      target.password = u.password;
      return target.href;
    }
  }
  return url;
}

/**
 * A lock's file, from the cache or downloaded into it (verified by its sha256 and size while it
 * streams in; the index's credentials are added for its origin).
 * @throws {ArtifactMismatchError} (exit 5) when the bytes are not the ones the lock promises.
 */
export async function fetchLockedFile(
  ctx: EnvironmentContext,
  session: NativeSession,
  project: string,
  version: string,
  file: PylockFile,
): Promise<StoredArtifact> {
  return await session.cache.fetchArtifact(
    {
      url: withIndexCredentials(file.url, session.indexes),
      filename: file.name,
      sha256: file.hashes.sha256!,
      size: file.size,
      project,
      version,
    },
    session.http,
    ctx.signal === undefined
      ? { events: ctx.reporter }
      : { signal: ctx.signal, events: ctx.reporter },
  );
}

/** The installer's view of a backend target. */
export function installTargetOf(target: BackendTarget): InstallTarget {
  const [major, minor] = target.interpreter.info.version.split(".");
  return { layout: target.layout, pythonVersion: `${major}.${minor}` };
}

/**
 * A callback that resolves and installs requirements into another environment (a build
 * environment): set by the caller, since resolution lives above this module.
 */
export type InstallRequirements = (
  layout: VirtualenvLayout,
  interpreter: Interpreter,
  requirements: string[],
  session: NativeSession,
) => Promise<void>;

/** Options for {@linkcode wheelForLocked}. */
export interface WheelForLockedOptions {
  /** The base interpreter of the environment (builds run with it). */
  interpreter: Interpreter;
  /** Fills build environments (resolve + install, natively). */
  installRequirements: InstallRequirements;
}

/**
 * The unpacked wheel that installs `locked`: a wheel file fetched into the cache and unpacked; an
 * sdist fetched, built (cached by its sha256) and unpacked; a directory built (editable when the
 * lock says so). Returns the PEP 610 `direct_url.json` content for directories.
 *
 * @throws {ArtifactMismatchError} (exit 5) when a download does not match the lock's sha256/size.
 * @throws {BuildError} When a build backend fails (exit code of the backend).
 * @throws {DistributionError} When a wheel is unsafe or its RECORD lies.
 */
export async function wheelForLocked(
  ctx: EnvironmentContext,
  session: NativeSession,
  locked: LockedInstall,
  options: WheelForLockedOptions,
): Promise<{ wheel: UnpackedWheel; directUrl: Record<string, unknown> | null }> {
  const unpack = (artifact: StoredArtifact) =>
    withSpan(ctx.reporter, "unpack", artifact.filename, () => session.cache.unpackWheel(artifact));
  // Nesting (a build requirement built from source, ...) is bounded where build environments are
  // filled (`installRequirements`, one level deeper each time).
  const build = async (source: BuildSource, editable: boolean, origin: string) => {
    ctx.reporter.step(`Building ${locked.name}${locked.version ? ` ${locked.version}` : ""}`);
    const endBuild = startSpan(ctx.reporter, "build", locked.name);
    try {
      const built = await buildWheel(source, {
        interpreter: options.interpreter,
        cacheRoot: session.cache.root,
        editable,
        signal: ctx.signal,
        onOutput: ctx.reporter.output,
        creatorVersion: ctx.creatorVersion,
        installInto: (layout, requirements) =>
          options.installRequirements(layout, options.interpreter, requirements, session),
      });
      const parsed = tryParseWheelFilename(built.filename);
      const stored = await session.cache.addArtifact(built.path, {
        filename: built.filename,
        project: locked.name,
        version: parsed?.version.text ?? locked.version ?? "0",
        origin,
      });
      endBuild();
      return await unpack(stored);
    } finally {
      endBuild();
      ctx.reporter.done();
    }
  };
  if (locked.directory !== null) {
    const { path, editable } = locked.directory;
    const wheel = await build({ kind: "tree", path }, editable, toFileUrl(path));
    return {
      wheel,
      directUrl: { url: toFileUrl(path), dir_info: editable ? { editable: true } : {} },
    };
  }
  const file = locked.file!;
  const artifact = await fetchLockedFile(ctx, session, locked.name, locked.version ?? "", file);
  if (tryParseWheelFilename(file.name) !== null) {
    return { wheel: await unpack(artifact), directUrl: null };
  }
  const wheel = await build(
    { kind: "sdist", path: artifact.path, sha256: artifact.sha256 },
    false,
    file.url,
  );
  return { wheel, directUrl: null };
}

/** Options for {@linkcode applyNativePlan}. */
export interface ApplyNativeOptions extends WheelForLockedOptions {
  /** Link mode to try first. @default the installer's default */
  linkMode?: LinkMode | undefined;
  /** Byte-compile what is installed. @default false */
  compile?: boolean;
}

/**
 * Applies an install plan whose sources are locked installs, with the wheels from the cache.
 * Reports fetch/install progress and link-mode warnings through `ctx.reporter`.
 */
export async function applyNativePlan(
  ctx: EnvironmentContext,
  session: NativeSession,
  target: InstallTarget,
  plan: InstallPlan<LockedInstall>,
  options: ApplyNativeOptions,
): Promise<ApplyResult> {
  const fetch = async (d: DesiredDistribution<LockedInstall>) => {
    const { wheel, directUrl } = await wheelForLocked(ctx, session, d.source, options);
    // Read by the installer when it writes the distribution's metadata, after every fetch.
    if (directUrl !== null) d.directUrl = directUrl;
    return wheel;
  };
  return await applyPlan(target, plan, fetch, {
    linkMode: options.linkMode,
    compile: options.compile ?? false,
    signal: ctx.signal,
    events: ctx.reporter,
    onEvent: (event) => {
      if (event.kind === "link-mode" && event.warning !== undefined) {
        ctx.reporter.warn(event.warning);
      }
    },
  });
}

/** The desired distribution for one locked install (`requested` when the user named it). */
export function desiredFromLocked(
  locked: LockedInstall,
  requested: ReadonlySet<string>,
  directUrls: ReadonlyMap<string, string> = new Map(),
): DesiredDistribution<LockedInstall> {
  const url = directUrls.get(locked.name);
  const sha256 = locked.file?.hashes.sha256;
  return {
    name: locked.name,
    // A directory without a locked version is always rebuilt (see `planLockInstall`).
    version: locked.version ?? "0+directory",
    requested: requested.has(locked.name),
    // PEP 610: a file the user named by URL or path (directories get theirs when built).
    ...(url !== undefined && locked.file !== null
      ? {
        directUrl: {
          url: redactUrl(url.split("#")[0]!),
          archive_info: sha256 === undefined
            ? {}
            : { hash: `sha256=${sha256}`, hashes: { sha256 } },
        },
      }
      : {}),
    source: locked,
  };
}

/** Installed distributions by PEP 503 name. */
export function byName(installed: InstalledDistribution[]): Map<string, InstalledDistribution> {
  return new Map(installed.map((d) => [d.normalized_name, d]));
}
