import { PackageNotFoundError } from "../errors/mod.ts";
import { normalizeName, requirementName } from "../names/mod.ts";
import { absolute } from "../paths/mod.ts";
import type { Backend, BackendTarget, OutdatedDistribution } from "../backends/mod.ts";
import {
  type EnvironmentContext,
  getEnvironment,
  openEnvironment,
  recordInstalled,
} from "./context.ts";
import { withEnvironmentLock } from "./recover_interrupted.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { refreshEnvironmentLock } from "./environment_lock.ts";
import { dropRequirements, mergeRequirements, requirementLines } from "./requirements_text.ts";

/** Options for {@linkcode installPackages}. */
export interface InstallPackagesOptions {
  /** PEP 508 requirements. @default [] */
  requirements?: string[];
  /** requirements.txt files. @default [] */
  requirementFiles?: string[];
  /** Local projects to install in editable mode. @default [] */
  editables?: string[];
  /** Upgrade to the newest allowed versions. @default false */
  upgrade?: boolean;
  /** Report what would change, change nothing. @default false */
  dryRun?: boolean;
  /**
   * How the request is remembered: `merge` adds the requirements to the recorded ones; `upgrade`
   * only loosens recorded requirements of the named projects to bare names (an upgrade must not
   * turn transitive dependencies into requirements). @default "merge"
   */
  record?: "merge" | "upgrade";
}

/** The outcome of a package operation. */
export interface PackageChange {
  /** The environment after the change. */
  record: EnvironmentRecord;
  /** Distributions added or changed: `name` → `[old version or null, new version or null]`. */
  changes: Array<{ name: string; before: string | null; after: string | null }>;
  /** For dry runs: the backend's own report. */
  report?: string;
}

function diff(
  before: EnvironmentRecord["packages"],
  after: EnvironmentRecord["packages"],
): PackageChange["changes"] {
  const old = new Map(before.map((p) => [normalizeName(p.name), p]));
  const fresh = new Map(after.map((p) => [normalizeName(p.name), p]));
  const changes: PackageChange["changes"] = [];
  for (const [key, p] of fresh) {
    const prev = old.get(key);
    if (prev?.version !== p.version) {
      changes.push({ name: p.name, before: prev?.version ?? null, after: p.version });
    }
  }
  for (const [key, p] of old) {
    if (!fresh.has(key)) changes.push({ name: p.name, before: p.version, after: null });
  }
  return changes.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Reads back what is installed and stores it, with the requirement changes, in the registry
 * (under the registry lock, re-reading the record so concurrent changes are kept).
 */
async function commit(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  backend: Backend,
  target: BackendTarget,
  editRequirements: (reqs: string[]) => string[],
): Promise<PackageChange> {
  await refreshEnvironmentLock(ctx, record, target);
  const updated = await recordInstalled(ctx, record, backend, target, editRequirements);
  return { record: updated, changes: diff(record.packages, updated.packages) };
}

/**
 * Installs packages into the named environment through its backend, then reads back the
 * installed distributions into the registry and remembers the requirements the user asked for.
 *
 * @throws {EnvironmentNotFoundError} When the environment does not exist.
 * @throws {BackendError | PackageNotFoundError | NetworkError} When the backend fails.
 */
export async function installPackages(
  ctx: EnvironmentContext,
  name: string,
  options: InstallPackagesOptions,
): Promise<PackageChange> {
  await getEnvironment(ctx, name);
  const requirements = options.requirements ?? [];
  const files = (options.requirementFiles ?? []).map((p) => absolute(p));
  const editables = (options.editables ?? []).map((p) => absolute(p));
  return await withEnvironmentLock(ctx, name, async () => {
    // Read under the lock: another process may have changed the environment while we waited.
    const record = await getEnvironment(ctx, name);
    const { backend, target } = await openEnvironment(ctx, record);
    const what = [
      ...requirements,
      ...files.map((f) => `-r ${f}`),
      ...editables.map((e) => `-e ${e}`),
    ].join(" ");
    ctx.reporter.step(
      `${options.upgrade ? "Upgrading" : "Installing"} ${what} in ${name} with ${backend.name}`,
    );
    try {
      const out = await backend.install(target, {
        requirements,
        requirementFiles: files,
        editables,
        upgrade: options.upgrade ?? false,
        dryRun: options.dryRun ?? false,
      }, { index: ctx.settings.index, onOutput: ctx.reporter.output });
      if (options.dryRun) return { record, changes: [], report: out.output };
    } finally {
      ctx.reporter.done();
    }
    if (options.record === "upgrade") {
      const upgraded = new Set(requirements.map(normalizeName));
      return await commit(ctx, record, backend, target, (reqs) =>
        reqs.map((req) => {
          const project = requirementName(req);
          return project !== undefined && upgraded.has(normalizeName(project)) ? project : req;
        }));
    }
    const asked = [...requirements, ...editables.map((e) => `-e ${e}`)];
    for (const file of files) asked.push(...requirementLines(await Deno.readTextFile(file)));
    return await commit(ctx, record, backend, target, (reqs) => mergeRequirements(reqs, asked));
  });
}

/**
 * Uninstalls distributions by name from the named environment and records the result.
 *
 * @throws {PackageNotFoundError} When none of the names is installed.
 */
export async function uninstallPackages(
  ctx: EnvironmentContext,
  name: string,
  names: string[],
  options: { dryRun?: boolean } = {},
): Promise<PackageChange> {
  await getEnvironment(ctx, name);
  return await withEnvironmentLock(ctx, name, async () => {
    const record = await getEnvironment(ctx, name);
    const { backend, target } = await openEnvironment(ctx, record);
    const installed = new Map(
      (await backend.listInstalled(target)).map((d) => [d.normalized_name, d]),
    );
    const present = names.filter((n) => installed.has(normalizeName(n)));
    const missing = names.filter((n) => !installed.has(normalizeName(n)));
    if (present.length === 0) {
      throw new PackageNotFoundError(
        `${names.map((n) => `\`${n}\``).join(", ")} not installed in \`${name}\``,
        {
          hint: `Run \`gestvenv packages --env ${name}\` to see what is installed`,
        },
      );
    }
    for (const n of missing) ctx.reporter.warn(`\`${n}\` is not installed in \`${name}\`; skipped`);
    if (options.dryRun) {
      const changes = present.map((n) => ({
        name: installed.get(normalizeName(n))!.name,
        before: installed.get(normalizeName(n))!.version,
        after: null,
      }));
      return { record, changes };
    }
    ctx.reporter.step(`Uninstalling ${present.join(" ")} from ${name}`);
    try {
      await backend.uninstall(target, present, {
        index: ctx.settings.index,
        onOutput: ctx.reporter.output,
      });
    } finally {
      ctx.reporter.done();
    }
    return await commit(ctx, record, backend, target, (reqs) => dropRequirements(reqs, present));
  });
}

/**
 * Upgrades named distributions, or with `all` every installed distribution that is not an
 * editable install, to the newest versions the index offers.
 *
 * @throws {PackageNotFoundError} When a named distribution is not installed.
 */
export async function updatePackages(
  ctx: EnvironmentContext,
  name: string,
  options: { names?: string[]; all?: boolean; dryRun?: boolean },
): Promise<PackageChange> {
  const record = await getEnvironment(ctx, name);
  const installed = new Map(record.packages.map((p) => [normalizeName(p.name), p]));
  let names = options.names ?? [];
  if (options.all) {
    const { backend, target } = await openEnvironment(ctx, record);
    const frozen = await backend.freeze(target);
    names = frozen.filter((l) => !l.startsWith("-e ")).map((l) => l.split(/[=@ ]/)[0]!);
  } else {
    const missing = names.filter((n) => !installed.has(normalizeName(n)));
    if (missing.length > 0) {
      throw new PackageNotFoundError(
        `${missing.map((n) => `\`${n}\``).join(", ")} not installed in \`${name}\``,
        {
          hint: `Install it with \`gestvenv install ${missing.join(" ")} --env ${name}\``,
        },
      );
    }
  }
  if (names.length === 0) return { record, changes: [] };
  return await installPackages(ctx, name, {
    requirements: names,
    upgrade: true,
    dryRun: options.dryRun ?? false,
  });
}

/** One row of {@linkcode checkPackages}. */
export interface PackageStatus {
  name: string;
  version: string;
  latest_version: string;
  outdated: boolean;
}

/**
 * Compares installed distributions with the newest versions on the index, and checks that their
 * dependencies are consistent (`pip check`).
 */
export async function checkPackages(
  ctx: EnvironmentContext,
  name: string,
): Promise<{ packages: PackageStatus[]; problems: string[] }> {
  const record = await getEnvironment(ctx, name);
  const { backend, target } = await openEnvironment(ctx, record);
  const call = { index: ctx.settings.index };
  ctx.reporter.step(`Checking ${name} against the index`);
  let outdated: OutdatedDistribution[];
  let problems: string[];
  try {
    [outdated, problems] = await Promise.all([
      backend.outdated(target, call),
      backend.checkConsistency(target, call),
    ]);
  } finally {
    ctx.reporter.done();
  }
  const newer = new Map(outdated.map((o) => [normalizeName(o.name), o.latest_version]));
  const packages = (await backend.listInstalled(target)).map((d) => {
    const latest = newer.get(d.normalized_name);
    return {
      name: d.name,
      version: d.version,
      latest_version: latest ?? d.version,
      outdated: latest !== undefined,
    };
  });
  return { packages, problems };
}
