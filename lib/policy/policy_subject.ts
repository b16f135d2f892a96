/**
 * The state policies judge: an environment as installed (its `*.dist-info` and its lock), or as
 * it will be after a planned change (installed, minus what is removed or replaced, plus what the
 * plan installs, licences read from the verified files: wheels' METADATA, sdists' PKG-INFO).
 *
 * @module
 */
import type {
  DistributionChange,
  EnvironmentContext,
  EnvironmentRecord,
  LifecycleEvent,
} from "../environments/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { readSdistPkgInfo } from "../index/mod.ts";
import { parsePylock, type Pylock } from "../lock/mod.ts";
import {
  type LicenseInfo,
  licenseOf,
  parseCoreMetadata,
  readWheelMetadata,
} from "../metadata/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { join } from "../paths/mod.ts";
import { queryInterpreter } from "../python/mod.ts";
import { inspectVirtualenv } from "../virtualenv/mod.ts";
import { fileSource } from "../zip/mod.ts";
import type { PolicyDistribution, PolicySubject } from "./evaluate_policy.ts";

/** The environment's `pylock.toml` at `root`, or null when it has none (or it does not parse). */
async function readEnvironmentLock(root: string): Promise<Pylock | null> {
  const path = join(root, "pylock.toml");
  const text = await Deno.readTextFile(path).catch(() => null);
  if (text === null) return null;
  try {
    return parsePylock(text, path);
  } catch {
    return null;
  }
}

/** The licence in a core-metadata text, or null when it cannot be read. */
function licenseFromText(text: string | null, source: string): LicenseInfo | null {
  if (text === null) return null;
  try {
    return licenseOf(parseCoreMetadata(text, source));
  } catch {
    return null;
  }
}

/** The licence of an installed distribution (its `METADATA`). */
async function installedLicense(distInfo: string): Promise<LicenseInfo | null> {
  const path = join(distInfo, "METADATA");
  return licenseFromText(await Deno.readTextFile(path).catch(() => null), path);
}

/** The licence of a verified artifact in the cache: a wheel's METADATA, an sdist's PKG-INFO. */
async function artifactLicense(path: string): Promise<LicenseInfo | null> {
  const name = path.split("/").pop() ?? path;
  try {
    if (name.endsWith(".whl")) {
      using file = await Deno.open(path);
      return licenseFromText(await readWheelMetadata(await fileSource(file, name), name), name);
    }
    return licenseFromText(await readSdistPkgInfo(name, await Deno.readFile(path)), name);
  } catch {
    return null;
  }
}

/** The URLs, hash status and directory of a distribution according to a lock. */
function fromLock(lock: Pylock | null, name: string): Pick<
  PolicyDistribution,
  "urls" | "directory" | "hashed"
> {
  const p = lock?.packages.find((p) => p.name === name);
  if (p === undefined) return { urls: [], directory: null, hashed: false };
  const files = [...p.wheels, ...(p.sdist === undefined ? [] : [p.sdist])];
  return {
    urls: files.map((f) => f.url),
    directory: p.directory?.path ?? null,
    hashed: p.directory === undefined && files.length > 0 &&
      files.every((f) => f.hashes.sha256 !== undefined),
  };
}

async function interpreterOf(ctx: EnvironmentContext, python: string) {
  return (await queryInterpreter(python, { cacheDir: ctx.home.cacheDir })).info;
}

/**
 * The installed state of `record`: its distributions with licences from their METADATA, sources
 * and hashes from its `pylock.toml`, its recorded requirements, its interpreter.
 * @throws {OperationError} when the environment's directory or interpreter is gone.
 */
export async function installedSubject(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
): Promise<PolicySubject> {
  const layout = await inspectVirtualenv(record.path);
  const installed = layout === undefined
    ? []
    : await readInstalledDistributions(layout.sitePackages);
  const lock = await readEnvironmentLock(record.path);
  const info = await interpreterOf(ctx, record.python.path);
  return {
    environment: record.name,
    python: info.version,
    markers: info.markers,
    requirements: [...record.requirements],
    distributions: await Promise.all(installed.map(async (d) => ({
      name: d.normalized_name,
      version: d.version,
      license: await installedLicense(d.dist_info),
      ...fromLock(lock, d.normalized_name),
    }))),
  };
}

/**
 * The state of the environment at `event.path` once `event.changes` are applied: what is
 * installed, minus what is removed or replaced, plus what the plan installs (its verified file).
 * Requirements: the event's, else the record's, else unknown.
 */
export async function plannedSubject(
  ctx: EnvironmentContext,
  event: LifecycleEvent,
  record: EnvironmentRecord | undefined,
): Promise<PolicySubject> {
  const changes: DistributionChange[] = event.changes ?? [];
  const changed = new Set(changes.map((c) => normalizeName(c.name)));
  const layout = await inspectVirtualenv(event.path);
  const installed = layout === undefined
    ? []
    : await readInstalledDistributions(layout.sitePackages);
  const lock = await readEnvironmentLock(event.path);
  const info = await interpreterOf(ctx, layout?.python ?? join(event.path, "bin", "python"));
  // A change already in place at `event.path` (a clone's copied directory: same version, no
  // file to verify) is judged from what is installed, with its source and hashes from the lock.
  const inPlace = new Set(
    changes.filter((c) =>
      c.after !== null && c.artifact === null && c.directory === null &&
      installed.some((d) => d.normalized_name === normalizeName(c.name) && d.version === c.after)
    ).map((c) => normalizeName(c.name)),
  );
  const kept = installed.filter((d) =>
    !changed.has(d.normalized_name) || inPlace.has(d.normalized_name)
  );
  const distributions: PolicyDistribution[] = [
    ...await Promise.all(kept.map(async (d) => ({
      name: d.normalized_name,
      version: d.version,
      license: await installedLicense(d.dist_info),
      ...fromLock(lock, d.normalized_name),
    }))),
    ...await Promise.all(
      changes.filter((c) =>
        (c.after !== null || c.directory !== null) && !inPlace.has(normalizeName(c.name))
      ).map(async (c) => ({
        name: normalizeName(c.name),
        version: c.after,
        license: c.artifact === null ? null : await artifactLicense(c.artifact),
        urls: c.url === null ? [] : [c.url],
        directory: c.directory,
        // A dry run fetches nothing: a locked file (the only kind the installer takes) carries a
        // sha256, which the real run checks before installing it.
        hashed: c.artifact !== null || (event.dryRun === true && c.url !== null),
      })),
    ),
  ];
  return {
    environment: event.environment,
    python: info.version,
    markers: info.markers,
    requirements: event.requirements ?? record?.requirements ?? null,
    distributions,
  };
}
