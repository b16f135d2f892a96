/**
 * `import FILE NAME --merge [--resolve-conflicts]`: an export brought into an environment that
 * already exists, either adding only what it lacks (its own versions kept), or resolving the
 * union of both sets of requirements again and applying the result.
 *
 * @module
 */
import type { InstalledDistribution } from "../distribution/mod.ts";
import {
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  openEnvironment,
  recordInstalled,
  withEnvironmentLock,
} from "../environments/mod.ts";
import { ResolutionError, throwIfInterrupted } from "../errors/mod.ts";
import { compareVersions, satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import { evaluateMarker, parseRequirement, type Requirement } from "../pep508/mod.ts";
import { type ExportFormat, readImportFile } from "./export_environment.ts";
import { explainInstallFailure } from "./index_failure.ts";
import { lockForRequirements, resolvableRequirements } from "./lock_requirements.ts";
import { mergeRequirements, requirementProject } from "./requirements_text.ts";
import {
  directoryMetadataReader,
  installFromLock,
  type LockPlan,
  planLockInstall,
} from "./sync_lock.ts";

/** Options for {@linkcode mergeImport}. */
export interface MergeImportOptions {
  /** The file's format. @default detected */
  format?: ExportFormat | undefined;
  /**
   * Resolve the union of the environment's recorded requirements and the file's again (the
   * file's exact versions preferred for its projects, installed versions for the others) and make
   * the environment that resolution. @default false
   */
  resolveConflicts?: boolean;
  /** Compute and report, change nothing. @default false */
  dryRun?: boolean;
}

/** One distribution a merge changes. */
export interface MergeChange {
  /** PEP 503 name. */
  name: string;
  /** Installed version before, or null. */
  before: string | null;
  /** Version after, or null when removed. */
  after: string | null;
  /** `added`, `upgraded`, `downgraded`, `removed` (or `reinstalled`: a directory built again). */
  kind: "added" | "upgraded" | "downgraded" | "removed" | "reinstalled";
}

/** A project the file and the environment disagree on, that a plain merge left as it was. */
export interface MergeConflict {
  /** PEP 503 name. */
  name: string;
  /** The environment's version (kept). */
  installed: string;
  /** What the file asks for (`name==version` or its requirement line). */
  wanted: string;
}

/** The outcome of {@linkcode mergeImport}. */
export interface MergeImportResult {
  /** The environment after the merge (before it, in a dry run). */
  record: EnvironmentRecord;
  /** What changed (or would change), sorted by name. */
  changes: MergeChange[];
  /** Without `resolveConflicts`: the file's projects whose installed version was kept. */
  kept: MergeConflict[];
  /** The file's projects the environment already satisfied (PEP 503 names, sorted). */
  present: string[];
  /** Whether this was a dry run. */
  dryRun: boolean;
}

/** The kind of change from `before` to `after`. */
function changeKind(before: string | null, after: string | null): MergeChange["kind"] {
  if (before === null) return "added";
  if (after === null) return "removed";
  const a = tryParseVersion(before);
  const b = tryParseVersion(after);
  if (a === null || b === null) return "reinstalled";
  const c = compareVersions(b, a);
  return c > 0 ? "upgraded" : c < 0 ? "downgraded" : "reinstalled";
}

/** A lock plan as merge changes. */
function planChanges(plan: LockPlan): MergeChange[] {
  return [
    ...plan.install.map((p) => ({
      name: p.name,
      before: p.replaces,
      after: p.version,
      kind: changeKind(p.replaces, p.version),
    })),
    ...plan.remove.map((p) => ({
      name: p.name,
      before: p.version,
      after: null,
      kind: "removed" as const,
    })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Brings an export file (JSON export, requirements file or PEP 751 lock, as `import` reads them)
 * into the existing environment `name`, under its lock.
 *
 * Without `resolveConflicts` (`--merge`): the file's projects the environment lacks are installed
 * (the file's pins or requirement lines, resolved with the environment's recorded requirements,
 * installed versions preferred) and their requirements recorded; what the environment has is
 * kept, also when the file wants another version (listed in `kept`). When adding them would have
 * to change an installed version, nothing is done and the error says to use
 * `--resolve-conflicts`.
 *
 * With `resolveConflicts`: the environment's recorded requirements (editables included) and the
 * file's are resolved together by our resolver (versions preferred: the file's pins for its
 * projects, installed versions for the others), and the environment is made exactly that
 * resolution through the installer (`pip` is kept; distributions neither side needs are
 * removed); each change is reported as added/upgraded/downgraded/removed. The recorded
 * requirements become the union (the file's requirement replaces the environment's for the same
 * project).
 *
 * @throws {EnvironmentNotFoundError} When `name` does not exist.
 * @throws {InvalidSyntaxError | OperationError} As `import` for an unreadable file.
 * @throws {ResolutionError} When the union cannot be satisfied (with the explanation), or, for a
 *   plain merge, when adding the file's projects would change installed versions.
 * @throws {PackageNotFoundError | NetworkError | BackendError} When an install step fails.
 */
export async function mergeImport(
  ctx: EnvironmentContext,
  file: string,
  name: string,
  options: MergeImportOptions = {},
): Promise<MergeImportResult> {
  const content = await readImportFile(file, options.format);
  await getEnvironment(ctx, name);
  const dryRun = (options.dryRun ?? false) || (ctx.dryRun ?? false);
  const run = async (): Promise<MergeImportResult> => {
    const record = await getEnvironment(ctx, name);
    const { backend, target } = await openEnvironment(ctx, record);
    const markers = target.interpreter.info.markers;
    const installed = await backend.listInstalled(target);
    const byName = new Map<string, InstalledDistribution>(
      installed.map((d) => [d.normalized_name, d]),
    );
    const missing: Requirement[] = [];
    const kept: MergeConflict[] = [];
    const present: string[] = [];
    const fileVersions = new Map<string, string>();
    for (const text of content.install) {
      const req = parseRequirement(text, content.path);
      if (req.marker !== null && !evaluateMarker(req.marker, { ...markers, extra: "" })) continue;
      const only = req.specifier.specifiers.length === 1 ? req.specifier.specifiers[0]! : undefined;
      const pinned = only?.operator === "==" && !only.wildcard ? only.versionText : undefined;
      if (pinned !== undefined) fileVersions.set(req.normalizedName, pinned);
      const have = byName.get(req.normalizedName);
      const version = have === undefined ? null : tryParseVersion(have.version);
      if (have === undefined) missing.push(req);
      else if (
        version !== null && req.url === null &&
        (req.specifier.specifiers.length === 0 ||
          satisfiesSpecifierSet(version, req.specifier, true))
      ) present.push(req.normalizedName);
      else if (!options.resolveConflicts) {
        kept.push({ name: req.normalizedName, installed: have.version, wanted: text });
      }
    }
    const missingNames = new Set(missing.map((r) => r.normalizedName));
    const recordedPlain = record.requirements.filter((r) => !r.startsWith("-e "));
    const recordedEditables = record.requirements
      .filter((r) => r.startsWith("-e "))
      .map((r) => r.slice(3).trim());
    let requirementsIn: string[];
    let recorded: string[];
    const preferences = new Map<string, string>();
    for (const d of installed) preferences.set(d.normalized_name, d.version);
    if (options.resolveConflicts) {
      // The union: both sides' requirements (the resolver intersects what names one project).
      requirementsIn = [...recordedPlain, ...content.requested];
      recorded = mergeRequirements(record.requirements, content.requested);
      for (const [n, v] of fileVersions) preferences.set(n, v);
    } else {
      const added = content.requested.filter((r) => {
        const project = requirementProject(r);
        return project !== undefined && missingNames.has(project);
      });
      // The file's exact lines for the missing projects (its pins), its requests recorded.
      requirementsIn = [...recordedPlain, ...missing.map((r) => textOf(r, content.install))];
      recorded = mergeRequirements(record.requirements, added);
      if (missing.length === 0) {
        return {
          record,
          changes: [],
          kept,
          present: [...new Set(present)].sort(),
          dryRun,
        };
      }
    }
    ctx.reporter.step(`Resolving ${name} with ${content.path}`);
    let lock;
    try {
      const wanted = await resolvableRequirements(requirementsIn);
      lock = await lockForRequirements(ctx, target, {
        requirements: wanted.requirements,
        editables: [
          ...wanted.directories.map((path) => ({ path, editable: false })),
          ...(options.resolveConflicts
            ? recordedEditables.map((path) => ({ path, editable: true }))
            : []),
        ],
        directoryMetadata: directoryMetadataReader(ctx, target),
        preferences,
        record: recorded,
        environment: record.name,
      });
    } catch (error) {
      if (error instanceof ResolutionError && !options.resolveConflicts) {
        throw new ResolutionError(
          `${content.path} cannot be merged into \`${name}\` with its versions kept`,
          {
            cause: error,
            details: [error.message, error.details].filter((t) => t !== undefined).join("\n"),
            hint: "Add `--resolve-conflicts` to resolve both sets of requirements together",
          },
        );
      }
      return await explainInstallFailure(
        ctx,
        error,
        [...missingNames, ...content.requested.map(requirementProject)].filter((n) =>
          n !== undefined
        ),
      );
    } finally {
      ctx.reporter.done();
    }
    throwIfInterrupted(ctx.signal);
    const exact = options.resolveConflicts ?? false;
    const plan = await planLockInstall(lock, target, exact);
    const changes = planChanges(plan);
    if (!options.resolveConflicts) {
      const moved = changes.filter((c) => c.before !== null && c.kind !== "reinstalled");
      if (moved.length > 0) {
        throw new ResolutionError(
          `Merging ${content.path} into \`${name}\` would change ${
            moved.map((c) => `${c.name} ${c.before} → ${c.after ?? "removed"}`).join(", ")
          }`,
          {
            hint: "A plain --merge keeps the environment's versions; add `--resolve-conflicts` " +
              "to let them change",
          },
        );
      }
    }
    if (dryRun) {
      return { record, changes, kept, present: [...new Set(present)].sort(), dryRun };
    }
    try {
      await installFromLock(ctx, record, backend, target, lock, exact);
    } catch (error) {
      // What is installed by now is recorded, so the registry stays equal to the disk.
      await recordInstalled(ctx, record, backend, target, (reqs) => reqs).catch(() => {});
      throw error;
    }
    const updated = await recordInstalled(ctx, record, backend, target, () => recorded);
    return { record: updated, changes, kept, present: [...new Set(present)].sort(), dryRun };
  };
  if (dryRun) return await run();
  return await withEnvironmentLock(ctx, name, run);
}

/** The file's line for a parsed requirement (its text as written). */
function textOf(req: Requirement, lines: string[]): string {
  return lines.find((l) => requirementProject(l) === req.normalizedName) ?? req.name;
}
