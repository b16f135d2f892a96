/**
 * `migrate --adopt PATH`: an environment another tool made becomes a gestvenv environment.
 *
 * - `copy` (default): what is installed (PEP 376 `*.dist-info`) is locked (PEP 751, the exact
 *   files of each installed version on the configured indexes, with their sha256: the hashes in
 *   the environment's `RECORD` files are of installed files, not of artifacts, so they are not
 *   used), a new environment is made natively with the same base interpreter and filled from
 *   that lock (cache first), then checked to hold the same `name==version` set. The source is
 *   not touched.
 * - `move`: the same, then the source's own files (its PEP 405 layout and what its
 *   distributions' `RECORD`s list) are removed, only once the copy was verified; files the user
 *   added there stay and are reported.
 * - `in-place`: the environment is registered where it is (its record says so), nothing is
 *   written into it, and `delete` only unregisters it.
 *
 * @module
 */
import { readInstalledDistributions } from "../distribution/mod.ts";
import {
  assertMayChange,
  changeRegistry,
  checkFreeName,
  deleteEnvironment,
  type EnvironmentContext,
  type EnvironmentRecord,
  loadRegistry,
  now,
  type PackagePin,
  removeEnvironmentFiles,
  validateEnvironmentName,
} from "../environments/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { failpoint, pathExists } from "../fs/mod.ts";
import { createEnvironment, lockInstalled, type UnlockedDistribution } from "../packages/mod.ts";
import { absolute, basename } from "../paths/mod.ts";
import { baseExecutable, queryInterpreter } from "../python/mod.ts";
import { inspectVirtualenv, readPyvenvCfg } from "../virtualenv/mod.ts";
import { inspectCandidate, type MigrationSource } from "./candidate.ts";

/** How {@linkcode adoptEnvironment} takes the environment over. */
export type AdoptMode = "copy" | "move" | "in-place";

/** Options of {@linkcode adoptEnvironment}. */
export interface AdoptOptions {
  /** The name in gestvenv. @default the folder's name */
  name?: string | undefined;
  /** @default "copy" */
  mode?: AdoptMode;
  /** The tool that made it, recorded in the record's `adopted.from`. @default "path" */
  from?: MigrationSource | "path";
}

/** What {@linkcode adoptEnvironment} did (or would do, in a dry run). */
export interface AdoptResult {
  /** The gestvenv name. */
  name: string;
  /** The source environment's path. */
  source: string;
  /** How it was adopted. */
  mode: AdoptMode;
  /** The registry record (as it would be, in a dry run). */
  record: EnvironmentRecord;
  /** The distributions of the source, as `name==version` pins (normalized names, sorted). */
  packages: PackagePin[];
  /** Distributions the indexes do not have at the installed version (copy/move refuse them). */
  unlocked: UnlockedDistribution[];
  /** For `move`: whether the source's files were removed. */
  sourceRemoved: boolean;
  /** For `move`: the source's files it did not make, left where they were (relative paths). */
  keptSourceFiles: string[];
  /** True when nothing was changed. */
  dryRun: boolean;
}

const pinKey = (p: PackagePin) => `${p.name}==${p.version}`;

/** The installed set at `root`, as sorted normalized pins. */
async function installedPins(root: string): Promise<PackagePin[]> {
  const layout = await inspectVirtualenv(root);
  if (layout === undefined) return [];
  return (await readInstalledDistributions(layout.sitePackages))
    .map((d) => ({ name: d.normalized_name, version: d.version }))
    .sort((a, b) => pinKey(a) < pinKey(b) ? -1 : pinKey(a) > pinKey(b) ? 1 : 0);
}

/** What differs between two pin sets, as `name==version` texts. */
export function pinDifference(
  expected: readonly PackagePin[],
  actual: readonly PackagePin[],
): { missing: string[]; extra: string[] } {
  const a = new Set(actual.map(pinKey));
  const e = new Set(expected.map(pinKey));
  return {
    missing: [...e].filter((k) => !a.has(k)).sort(),
    extra: [...a].filter((k) => !e.has(k)).sort(),
  };
}

/**
 * The record (other than `except`) whose directory is `realSource` (both real paths), read from
 * `registry`. Synchronous: it runs inside `changeRegistry`'s callback, under the registry lock.
 */
function registeredAt(
  registry: { environments: Map<string, EnvironmentRecord> },
  realSource: string,
  except?: string,
): EnvironmentRecord | undefined {
  for (const record of registry.environments.values()) {
    if (record.name === except) continue;
    let real = record.path;
    try {
      real = Deno.realPathSync(record.path);
    } catch { /* gone: compared as recorded */ }
    if (real === realSource) return record;
  }
  return undefined;
}

function alreadyRegistered(source: string, record: EnvironmentRecord): OperationError {
  return new OperationError(
    `${source} is already the gestvenv environment \`${record.name}\``,
    "already_registered",
    { hint: `Use it as \`${record.name}\`` },
  );
}

/**
 * Adopts the environment at `path` (see the module documentation). The registry, the new
 * environment and the source are changed only outside a dry run; in a dry run the lock is still
 * computed (indexes are read) so the plan says what cannot be carried.
 *
 * @throws {OperationError} `not_adoptable` when `path` is not a complete PEP 405 environment (no
 *   `pyvenv.cfg`, interpreter gone), or (copy/move) when some installed versions are on no
 *   index; `already_registered` when gestvenv already manages it (checked again under the registry
 *   lock, so two adoptions of one directory at once register it once; a copy made meanwhile is
 *   removed); `environment_exists` when the
 *   name is taken; `adopt_verify_failed` when the copy does not hold the same set (the copy is
 *   removed and the source left as it was).
 * @throws {NetworkError} When the indexes cannot be reached (copy/move).
 */
export async function adoptEnvironment(
  ctx: EnvironmentContext,
  path: string,
  options: AdoptOptions = {},
): Promise<AdoptResult> {
  const mode = options.mode ?? "copy";
  const from = options.from ?? "path";
  const source = absolute(path);
  const name = options.name ?? basename(source);
  validateEnvironmentName(name);
  const candidate = await inspectCandidate(from, name, source);
  if (candidate === undefined || candidate.problem !== null) {
    throw new OperationError(
      `${source} cannot be adopted: ${
        candidate?.problem ?? "it has no pyvenv.cfg (not a PEP 405 virtual environment)"
      }`,
      "not_adoptable",
      {
        hint: candidate === undefined
          ? "Give the folder that holds pyvenv.cfg (conda environments are not supported)"
          : "Recreate it with an installed Python, or create a new environment from its requirements",
      },
    );
  }
  const cfg = await readPyvenvCfg(source);
  if (mode !== "in-place" && cfg?.get("include-system-site-packages")?.toLowerCase() === "true") {
    throw new OperationError(
      `${source} sees the interpreter's own site-packages (include-system-site-packages = true); ` +
        "a copy would not",
      "not_adoptable",
      { hint: "Adopt it where it is with `--in-place`" },
    );
  }
  const realSource = await Deno.realPath(source);
  // Checked here to fail early, and again under the registry lock where the record is written.
  const known = registeredAt(await loadRegistry(ctx), realSource);
  if (known !== undefined) throw alreadyRegistered(source, known);
  await checkFreeName(ctx, name);
  const layout = (await inspectVirtualenv(source))!;
  const { realPath, info } = await queryInterpreter(layout.python, { cacheDir: ctx.home.cacheDir });
  const target = {
    layout,
    interpreter: { path: layout.python, realPath, source: "request", info },
  };
  const installed = await readInstalledDistributions(layout.sitePackages);
  const requested = installed.filter((d) => d.requested).map((d) => d.normalized_name).sort();
  const packages = await installedPins(source);
  const adopted = { from, path: source, in_place: mode === "in-place", at: now() };
  const base = baseExecutable(info);
  const backendChoice = ctx.settings.backend.value;
  const record: EnvironmentRecord = {
    name,
    path: source,
    id: null,
    python: {
      path: await Deno.realPath(base).catch(() => base),
      version: info.version,
      implementation: info.implementation,
    },
    backend: backendChoice === "pip" || backendChoice === "uv" ? backendChoice : "native",
    description: `adopted from ${from === "path" ? source : `${from} (${source})`}`,
    created_at: now(),
    last_used_at: now(),
    requirements: requested,
    packages,
    adopted,
  };
  const result: AdoptResult = {
    name,
    source,
    mode,
    record,
    packages,
    unlocked: [],
    sourceRemoved: false,
    keptSourceFiles: [],
    dryRun: ctx.dryRun ?? false,
  };
  if (mode === "in-place") {
    if (ctx.dryRun) return result;
    assertMayChange(ctx, "register the environment");
    await failpoint("migrate.adopt.before-register");
    await changeRegistry(ctx, (registry) => {
      const known = registeredAt(registry, realSource);
      if (known !== undefined) throw alreadyRegistered(source, known);
      if (registry.environments.has(name)) {
        throw new OperationError(`Environment \`${name}\` already exists`, "environment_exists", {
          hint: "Choose another name with `--name`",
        });
      }
      registry.environments.set(name, record);
    });
    return result;
  }
  const { lock, unlocked } = await lockInstalled(ctx, record, target);
  result.unlocked = unlocked;
  if (unlocked.length > 0) {
    const list = unlocked.map((u) => `${u.name} ${u.version} (${u.reason})`).join(", ");
    if (ctx.dryRun) return result;
    throw new OperationError(
      `${source} cannot be copied: ${list}`,
      "not_adoptable",
      {
        hint:
          "Adopt it where it is with `--in-place`, or add an index that has them (`--index-url`)",
      },
    );
  }
  const created = await createEnvironment(ctx, name, {
    python: base,
    lock,
    recordRequirements: requested,
    description: record.description ?? undefined,
    dryRun: ctx.dryRun ?? false,
  });
  if (ctx.dryRun) {
    result.record = { ...created.record, adopted };
    return result;
  }
  // Verified: the copy holds exactly the source's name==version set.
  let difference: { missing: string[]; extra: string[] };
  try {
    await failpoint("migrate.adopt.verify");
    difference = pinDifference(packages, await installedPins(created.record.path));
  } catch (error) {
    await deleteEnvironment(ctx, name).catch(() => {});
    throw error;
  }
  if (difference.missing.length > 0 || difference.extra.length > 0) {
    await deleteEnvironment(ctx, name).catch(() => {});
    throw new OperationError(
      `The copy of ${source} does not hold the same distributions (missing: ${
        difference.missing.join(", ") || "none"
      }; extra: ${
        difference.extra.join(", ") || "none"
      }); it was removed and ${source} left as it was`,
      "adopt_verify_failed",
      { hint: "Adopt it where it is with `--in-place`" },
    );
  }
  await failpoint("migrate.adopt.before-register");
  try {
    result.record = await changeRegistry(ctx, (registry) => {
      // Adopted in place meanwhile by another command: a move would gut a registered environment.
      const known = registeredAt(registry, realSource, name);
      if (known !== undefined) throw alreadyRegistered(source, known);
      const current = registry.environments.get(name) ?? created.record;
      current.adopted = adopted;
      registry.environments.set(name, current);
      return current;
    });
  } catch (error) {
    if (error instanceof OperationError && error.code === "already_registered") {
      await deleteEnvironment(ctx, name).catch(() => {});
    }
    throw error;
  }
  if (mode === "move") {
    await failpoint("migrate.adopt.before-remove-source");
    if (await pathExists(source)) {
      const removed = await removeEnvironmentFiles(source, { foreign: true });
      result.sourceRemoved = true;
      result.keptSourceFiles = removed.kept;
    }
  }
  return result;
}
