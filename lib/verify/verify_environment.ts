/**
 * `gestvenv verify`: what is installed in an environment, checked against what it should be:
 * (a) every installed file against its distribution's RECORD sha256 (`checkRecord`, the doctor's
 * implementation); (b) every cached artifact those distributions came from against the sha256 the
 * environment's lock recorded from the index (`verifyCache` restricted to those artifacts, with
 * the unpacked files their manifests name); (c) with a {@linkcode SourceRule}, that each came
 * from an allowed place. Nothing is changed.
 *
 * @module
 */
import type { BackendTarget } from "../backends/mod.ts";
import {
  artifactDir,
  openCache,
  verifyCache,
  type WheelManifest,
  WHEELS_BUCKET,
} from "../cache/mod.ts";
import { join } from "../paths/mod.ts";
import {
  type BrokenDistribution,
  type InstalledDistribution,
  readBrokenDistributions,
  readInstalledDistributions,
} from "../distribution/mod.ts";
import { checkRecord } from "../doctor/mod.ts";
import type { EnvironmentContext, EnvironmentRecord } from "../environments/mod.ts";
import { PackageNotFoundError } from "../errors/mod.ts";
import { type LockedInstall, selectLockedFiles } from "../lock/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { readEnvironmentLock } from "../packages/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { compareVersions, tryParseVersion } from "../pep440/mod.ts";
import { tagInput } from "../python/mod.ts";
import type { HttpClient } from "../index/mod.ts";
import { type AttestationCheck, checkAttestations } from "./provenance.ts";
import {
  type DistributionSource,
  readDirectUrl,
  sourceProblem,
  type SourceRule,
} from "./sources.ts";

/** An installed file that is missing or differs from RECORD. */
export interface FileMismatch {
  /** Normalized distribution name and its version. */
  package: string;
  version: string;
  /** Absolute path of the installed file. */
  file: string;
  /** RECORD's hash (`sha256=<urlsafe base64>`). */
  expected: string;
  /** The file's hash now, or `missing`. */
  actual: string;
}

/** A cached artifact (or an unpacked file of it) that differs from what was recorded. */
export interface ArtifactMismatch {
  package: string;
  version: string;
  /** `artifact` (the downloaded wheel/sdist) or `stored-file` (an unpacked file in the cache). */
  kind: "artifact" | "stored-file" | "manifest";
  /** Absolute path in the cache. */
  file: string;
  /** The sha256 the lock (index) recorded, or the stored file's name. */
  expected: string;
  /** What was found, in words (`sha256 <hex>`, `missing`). */
  actual: string;
}

/** A distribution whose origin is not allowed. */
export interface SourceMismatch {
  package: string;
  version: string;
  /** The index or URL it came from, or null when unknown. */
  source: string | null;
  /** Why it is not allowed. */
  why: string;
}

/** One verified distribution. */
export interface VerifiedDistribution {
  package: string;
  version: string;
  /** Files hashed against RECORD (console scripts are only checked to exist). */
  files_checked: number;
  /** Where it came from. */
  source: DistributionSource;
  /** The artifact's file name and sha256 from the lock, or null. */
  artifact: { file: string; sha256: string; url: string } | null;
  /** Whether the artifact is in the cache (null when there is no artifact). */
  artifact_cached: boolean | null;
}

/** What {@linkcode verifyEnvironment} checked and found. */
export interface VerifyEnvironmentReport {
  environment: string;
  /** Distributions checked. */
  distributions: VerifiedDistribution[];
  /** (a) Installed files that differ from RECORD (empty with `sourceOnly`). */
  files: FileMismatch[];
  /** (b) Cached artifacts and their unpacked files that differ (empty with `sourceOnly`). */
  artifacts: ArtifactMismatch[];
  /** (c) Distributions from a place the rule does not allow (empty without a rule). */
  sources: SourceMismatch[];
  /** The source rule applied, or null. */
  source_rule: { rule: string; allowed: string[] } | null;
  /** Distributions without RECORD: their files could not be checked. */
  unrecorded: string[];
  /**
   * `.dist-info` directories without RECORD or METADATA (an interrupted install, or a RECORD
   * deleted): their files cannot be verified, so each one is a failure. Name and version come from
   * METADATA when readable, else from the directory name.
   */
  broken: { package: string; version: string; dist_info: string; reason: string }[];
  /** PEP 740 attestation checks (with `signatures`), else null. */
  signatures: AttestationCheck[] | null;
}

/** Options of {@linkcode verifyEnvironment}. */
export interface VerifyEnvironmentOptions {
  /** Only these distributions (any spelling); all when empty or absent. */
  packages?: readonly string[];
  /** Only (c): skip the RECORD and cache checks. @default false */
  sourceOnly?: boolean;
  /** (c)'s rule; without one, sources are reported but not judged. */
  sourceRule?: SourceRule | undefined;
  /** Also check PEP 740 attestations (online; see `checkAttestations`). @default false */
  signatures?: boolean;
  /** The HTTP client for `signatures`. @default one with the settings' timeouts */
  http?: HttpClient | undefined;
}

/** Whether two version texts name the same PEP 440 version (`1.0` and `1.0.0` do). */
function sameVersion(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  const pa = tryParseVersion(a), pb = tryParseVersion(b);
  return pa !== null && pb !== null && compareVersions(pa, pb) === 0;
}

/** An installed distribution to verify, with what the lock records for it. */
export interface VerificationTarget {
  dist: InstalledDistribution;
  /** The lock's entry chosen for this interpreter, when it names the installed version. */
  locked: LockedInstall | undefined;
  /** The lock's `index` for it (the index page that listed its files), or null. */
  index: string | null;
}

/** The installed distributions to check, with the lock's chosen file for each (when any). */
export async function verificationTargets(
  target: BackendTarget,
  record: EnvironmentRecord,
  packages: readonly string[] = [],
  broken: readonly BrokenDistribution[] = [],
): Promise<VerificationTarget[]> {
  const installed = await readInstalledDistributions(target.layout.sitePackages);
  const wanted = new Set(packages.map(normalizeName));
  const unknown = [...wanted].filter((n) =>
    !installed.some((d) => d.normalized_name === n) &&
    !broken.some((d) => d.normalized_name === n)
  );
  if (unknown.length > 0) {
    throw new PackageNotFoundError(
      `${unknown.map((n) => `\`${n}\``).join(", ")} ${unknown.length === 1 ? "is" : "are"} ` +
        `not installed in \`${record.name}\``,
      { hint: `See what is with \`gestvenv packages --env ${record.name}\`` },
    );
  }
  const lock = await readEnvironmentLock(record);
  const locked = new Map<string, LockedInstall>();
  if (lock !== undefined) {
    const info = target.interpreter.info;
    try {
      for (const l of selectLockedFiles(lock, info.markers, supportedTags(tagInput(info)))) {
        locked.set(l.name, l);
      }
    } catch {
      // A lock for another interpreter: nothing recorded for what is installed here.
    }
  }
  return installed
    .filter((d) => wanted.size === 0 || wanted.has(d.normalized_name))
    .map((dist) => {
      const l = locked.get(dist.normalized_name);
      const same = l !== undefined && sameVersion(dist.version, l.version);
      const index = same
        ? lock?.packages.find((p) => normalizeName(p.name) === dist.normalized_name)?.index
        : undefined;
      return { dist, locked: same ? l : undefined, index: index ?? null };
    });
}

/** The distribution each unpacked file (by sha256) of the given wheels belongs to. */
async function storedFileOwners(
  root: string,
  wheels: ReadonlyMap<string, { package: string; version: string }>,
): Promise<Map<string, { package: string; version: string }>> {
  const owners = new Map<string, { package: string; version: string }>();
  for (const [sha, who] of wheels) {
    try {
      const text = await Deno.readTextFile(join(root, WHEELS_BUCKET, `${sha}.json`));
      const manifest = JSON.parse(text) as WheelManifest;
      for (const f of manifest.files ?? []) owners.set(f.sha256, who);
    } catch {
      // An sdist, or a wheel not unpacked: no stored files.
    }
  }
  return owners;
}

/**
 * Verifies the environment (see the module documentation). Requires `--allow-read`.
 * @throws {PackageNotFoundError} when a named distribution is not installed.
 */
export async function verifyEnvironment(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  target: BackendTarget,
  options: VerifyEnvironmentOptions = {},
): Promise<VerifyEnvironmentReport> {
  const wanted = new Set((options.packages ?? []).map(normalizeName));
  const broken = (await readBrokenDistributions(target.layout.sitePackages))
    .filter((d) => wanted.size === 0 || wanted.has(d.normalized_name));
  const targets = await verificationTargets(target, record, options.packages, broken);
  const report: VerifyEnvironmentReport = {
    environment: record.name,
    distributions: [],
    files: [],
    artifacts: [],
    sources: [],
    source_rule: options.sourceRule === undefined
      ? null
      : { rule: options.sourceRule.rule, allowed: options.sourceRule.allowed },
    unrecorded: [],
    broken: broken.map((d) => ({
      package: d.normalized_name,
      version: d.version,
      dist_info: d.dist_info,
      reason: d.reason,
    })),
    signatures: null,
  };
  const bySha = new Map<string, { package: string; version: string }>();
  for (const { dist, locked, index } of targets) {
    const who = { package: dist.normalized_name, version: dist.version };
    const direct = await readDirectUrl(dist.dist_info);
    const file = locked?.file ?? null;
    const sha = file?.hashes.sha256?.toLowerCase();
    const source: DistributionSource = direct !== undefined
      ? { kind: "direct_url", index: null, url: direct.url }
      : locked !== undefined && (file !== null || locked.directory !== null)
      ? { kind: "lock", index, url: file?.url ?? `file://${locked.directory!.path}` }
      : { kind: "unknown", index: null, url: null };
    const entry: VerifiedDistribution = {
      ...who,
      files_checked: 0,
      source,
      artifact: file !== null && sha !== undefined
        ? { file: file.name, sha256: sha, url: file.url }
        : null,
      artifact_cached: null,
    };
    if (entry.artifact !== null) bySha.set(entry.artifact.sha256, who);
    if (!options.sourceOnly) {
      const check = await checkRecord(dist.dist_info, target.layout.binDir);
      if (!check.hasRecord) report.unrecorded.push(dist.normalized_name);
      entry.files_checked = check.hashed;
      for (const m of check.mismatches) {
        report.files.push({
          ...who,
          file: m.absolute,
          expected: m.expected,
          actual: m.actual ?? "missing",
        });
      }
    }
    if (options.sourceRule !== undefined) {
      const why = sourceProblem(source, options.sourceRule);
      if (why !== null) report.sources.push({ ...who, source: source.index ?? source.url, why });
    }
    report.distributions.push(entry);
  }
  if (!options.sourceOnly && bySha.size > 0) {
    const cache = await openCache(ctx.home.cacheDir);
    try {
      const checked = await cache.withSharedLock(async () => {
        const present = new Set<string>();
        for (const sha of bySha.keys()) {
          const dir = artifactDir(cache.root, sha);
          const has = await Array.fromAsync(Deno.readDir(dir)).then(
            (entries) => entries.some((e) => e.isFile && !e.name.includes(".tmp-")),
            () => false,
          );
          if (has) present.add(sha);
        }
        return present;
      });
      for (const d of report.distributions) {
        if (d.artifact !== null) d.artifact_cached = checked.has(d.artifact.sha256);
      }
      const result = await verifyCache(cache, { only: new Set(bySha.keys()), signal: ctx.signal });
      const owners = await storedFileOwners(cache.root, bySha);
      for (const problem of result.problems) {
        const who = bySha.get(problem.sha256) ?? owners.get(problem.sha256) ??
          { package: problem.project ?? "unknown", version: problem.version ?? "" };
        report.artifacts.push({
          ...who,
          kind: problem.kind,
          file: problem.path,
          expected: problem.sha256,
          actual: problem.problem,
        });
      }
    } finally {
      cache.close();
    }
  }
  if (options.signatures) {
    report.signatures = await checkAttestations(ctx, targets, { http: options.http });
  }
  return report;
}

/**
 * The problems that make `verify` fail: every file, artifact and source mismatch, every
 * distribution whose RECORD or METADATA is missing (its files cannot be checked), and every
 * attestation that names another file or digest or cannot be read. (`--require-signatures`
 * always fails in this build: no Sigstore verifier; the command says so.)
 */
export function verifyFailures(report: VerifyEnvironmentReport): number {
  const signatures = (report.signatures ?? []).filter((s) =>
    s.status === "mismatch" || s.status === "invalid"
  );
  return report.files.length + report.artifacts.length + report.sources.length +
    report.broken.length + signatures.length;
}
