/**
 * What `audit security` audits: the distributions installed in environments (their
 * `*.dist-info`), the pins of a requirements file (unpinned lines resolved first), or the
 * packages of a PEP 751 lock.
 *
 * @module
 */
import { readBrokenDistributions, readInstalledDistributions } from "../../lib/distribution/mod.ts";
import {
  type EnvironmentContext,
  type EnvironmentRecord,
  getEnvironment,
  loadRegistry,
  requireLayout,
} from "../../lib/environments/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import { parsePylock } from "../../lib/lock/mod.ts";
import { absolute } from "../../lib/paths/mod.ts";
import { readRequirementsFile } from "../../lib/requirements_file/mod.ts";
import { resolveTarget } from "../_target.ts";

/** One thing audited. */
export interface AuditInput {
  /** `environment`, `requirements` or `lock`. */
  kind: "environment" | "requirements" | "lock";
  /** The environment's name, or the file's path. */
  name: string;
  /** The distributions. */
  dists: Array<{ name: string; version: string }>;
  /** What the reader should know about how they were read. */
  notes: string[];
  /** For environments: the record (for `--fix`). */
  record?: EnvironmentRecord;
  /** Why this target could not be audited (the audit then fails, exit 1), else absent. */
  error?: string;
}

/**
 * The distributions installed in an environment, read from its site-packages. A `.dist-info`
 * without RECORD or METADATA (an interrupted install) is audited too, by the name and version
 * METADATA or its directory name gives, with a note; one whose version cannot be read makes the
 * target not audited.
 */
export async function environmentInput(
  ctx: EnvironmentContext,
  name: string,
): Promise<AuditInput> {
  const record = await getEnvironment(ctx, name);
  const layout = await requireLayout(record);
  const installed = await readInstalledDistributions(layout.sitePackages);
  const broken = await readBrokenDistributions(layout.sitePackages);
  const dists = installed.map((d) => ({ name: d.name, version: d.version }));
  const notes: string[] = [];
  const unreadable: string[] = [];
  for (const b of broken) {
    if (b.version === "") {
      unreadable.push(`${b.dist_info} (${b.reason})`);
      continue;
    }
    dists.push({ name: b.name, version: b.version });
    notes.push(
      `${b.name} ${b.version} in ${name} is an unfinished installation (${b.reason}): audited ` +
        "by the name and version of its .dist-info; `gestvenv repair` reinstalls it",
    );
  }
  return {
    kind: "environment",
    name,
    dists,
    notes,
    record,
    ...(unreadable.length === 0 ? {} : {
      error: `no version can be read for ${unreadable.join(", ")}`,
    }),
  };
}

/**
 * A requirements file: `name==version` lines as they are; when any line is not such a pin, the
 * whole file is resolved with gestvenv's resolver (for the default interpreter) and the resolved
 * versions audited, which the notes say.
 */
async function requirementsInput(ctx: EnvironmentContext, file: string): Promise<AuditInput> {
  const path = absolute(file);
  const parsed = await readRequirementsFile(path);
  const pins: Array<{ name: string; version: string }> = [];
  let unpinned = 0;
  for (const line of parsed.requirements) {
    const req = line.requirement;
    const only = req.specifier.specifiers.length === 1 ? req.specifier.specifiers[0] : undefined;
    if (
      !line.editable && req.url === null && only !== undefined &&
      (only.operator === "==" || only.operator === "===") && !only.wildcard
    ) {
      pins.push({ name: req.name, version: only.versionText });
    } else unpinned++;
  }
  if (unpinned === 0) return { kind: "requirements", name: file, dists: pins, notes: [] };
  // Loaded only here: the resolver is not needed to audit installed distributions.
  const { resolveRequirements } = await import("../../lib/packages/mod.ts");
  const resolved = await resolveRequirements(ctx, { requirementFiles: [path] });
  return {
    kind: "requirements",
    name: file,
    dists: resolved.resolution.packages.map((p) => ({ name: p.name, version: p.version })),
    notes: [
      `${unpinned} requirement(s) of ${file} are not pinned with \`==\`: the file was resolved ` +
      `with gestvenv's resolver for Python ${resolved.resolution.python} and the resolved ` +
      `versions audited`,
    ],
  };
}

/** A PEP 751 lock's packages (every package, whatever its marker). */
async function lockInput(file: string): Promise<AuditInput> {
  const path = absolute(file);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read the lock ${file}: ${(error as Error).message}`, {
      hint: "Name a PEP 751 lock file (pylock.toml)",
    });
  }
  const lock = parsePylock(text, path);
  const dists: Array<{ name: string; version: string }> = [];
  const skipped: string[] = [];
  for (const p of lock.packages) {
    if (p.version === undefined) skipped.push(p.name);
    else dists.push({ name: p.name, version: p.version });
  }
  return {
    kind: "lock",
    name: file,
    dists,
    notes: skipped.length === 0 ? [] : [
      `${skipped.join(", ")} in ${file} have no version (local directories) and were not audited`,
    ],
  };
}

/** The flags that choose what is audited. */
export interface InputFlags {
  readonly env?: string;
  readonly all?: boolean;
  readonly requirement?: string;
  readonly lock?: string;
}

/**
 * The inputs the flags and arguments name: one environment (`ENV`, `--env`, else the active
 * one), every environment (`--all`), a requirements file (`-r`) or a lock (`--lock`).
 *
 * @throws {UsageError} When more than one kind is given, or nothing names a target.
 * @throws {EnvironmentNotFoundError} When the named environment does not exist.
 */
export async function auditInputs(
  ctx: EnvironmentContext,
  flags: InputFlags,
  args: string[],
): Promise<AuditInput[]> {
  const given = [
    args.length > 0 || flags.env !== undefined ? "ENV" : undefined,
    flags.all ? "--all" : undefined,
    flags.requirement !== undefined ? "-r" : undefined,
    flags.lock !== undefined ? "--lock" : undefined,
  ].filter((x) => x !== undefined);
  if (given.length > 1 || args.length > 1 || (args.length > 0 && flags.env !== undefined)) {
    throw new UsageError(`Audit one thing at a time (got ${given.join(", ")})`, {
      hint: "Name an environment, or pass --all, -r FILE or --lock FILE",
    });
  }
  if (flags.requirement !== undefined) return [await requirementsInput(ctx, flags.requirement)];
  if (flags.lock !== undefined) return [await lockInput(flags.lock)];
  if (flags.all) {
    const names = [...(await loadRegistry(ctx)).environments.keys()].sort();
    const out: AuditInput[] = [];
    for (const name of names) {
      try {
        out.push(await environmentInput(ctx, name));
      } catch (error) {
        // A broken environment does not stop the others; the report names it as not audited.
        const why = error instanceof Error ? error.message : String(error);
        out.push({ kind: "environment", name, dists: [], notes: [], error: why });
      }
    }
    return out;
  }
  // `audit ENV`: an environment, never a package (a close name gets a did-you-mean from the CLI).
  if (args.length === 1) return [await environmentInput(ctx, args[0]!)];
  let target;
  try {
    target = await resolveTarget(ctx, flags.env, [], { legacyNeedsMore: false, command: "audit" });
  } catch (error) {
    if (error instanceof UsageError) {
      throw new UsageError("No environment to audit", {
        hint: "Name one (`gestvenv audit ENV`), activate one, or audit every environment with " +
          "`--all` (or a file: `-r requirements.txt`, `--lock pylock.toml`)",
      });
    }
    throw error;
  }
  return [await environmentInput(ctx, target.env)];
}
