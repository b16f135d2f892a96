/**
 * Requirements in, a PEP 751 lock out: our resolver decides what an environment gets, and the lock
 * it writes is what every backend then installs (resolve → lock → install).
 *
 * @module
 */
import type { BackendTarget } from "../backends/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { InvalidSyntaxError, OperationError, PackageNotFoundError } from "../errors/mod.ts";
import { absolute } from "../paths/mod.ts";
import {
  COMMAND_LINE_SOURCE,
  looksLikePathOrUrl,
  pathOrUrlReference,
} from "./requirements_text.ts";
import { buildPylock, type Pylock, type PylockPackage } from "../lock/mod.ts";
import { dependenciesFor, parseCoreMetadata } from "../metadata/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { formatRequirement } from "../pep508/mod.ts";
import { resolveRequirements } from "./resolve_requirements.ts";

/** sha256 (hex) of a local file. */
async function sha256OfFile(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Options for {@linkcode lockForRequirements}. */
export interface LockRequirementsOptions {
  /** PEP 508 requirement strings. */
  requirements: string[];
  /** requirements.txt files (their index options apply). @default [] */
  requirementFiles?: string[];
  /** Local project directories to install (built, PEP 517/660), editable or not. @default [] */
  editables?: Array<{ path: string; editable: boolean }>;
  /**
   * Reads a directory's core metadata (PEP 517 `prepare_metadata_for_build_wheel`); needed when
   * `editables` is not empty.
   */
  directoryMetadata?: (path: string, editable: boolean) => Promise<string>;
  /** Preferred versions by PEP 503 name (what is installed, or an earlier lock). */
  preferences?: Map<string, string>;
  /** What the lock records as the requirements asked for (`[tool.gestvenv]`). */
  record: string[];
  /** The environment's name, recorded in the lock. */
  environment: string;
}

/**
 * Resolves the requirements for `target`'s interpreter (markers and tags of that interpreter)
 * against the configured indexes and returns the lock of the resolution: every package with all
 * its files (wheels and sdist, sha256 and sizes), so the lock installs on the platforms its files
 * support. Nothing is written.
 *
 * @throws {InvalidSyntaxError} For a malformed requirement (naming file and line).
 * @throws {ResolutionError} With the explanation when no set of versions works.
 * @throws {NetworkError} When an index cannot be reached.
 */
export async function lockForRequirements(
  ctx: EnvironmentContext,
  target: BackendTarget,
  options: LockRequirementsOptions,
): Promise<Pylock> {
  // `security.require_hashes` (issue 12 §3): a directory has no hash; refused before any build.
  const hashes = ctx.settings.requireHashes;
  const directories = options.editables ?? [];
  if (hashes?.value && directories.length > 0) {
    throw new OperationError(
      `Hashes are required (${hashes.origin}), and ${
        directories.map((d) => `${d.editable ? "the editable " : ""}directory ${d.path}`).join(", ")
      } cannot be verified by a hash`,
      "hashes_required",
      {
        hint: "Build a wheel (`python -m build`) and install the wheel file, or turn the rule " +
          "off with `gestvenv config set security.require_hashes false`",
      },
    );
  }
  // A directory is its own package: its metadata's requirements join the resolution.
  const local: PylockPackage[] = [];
  const requirements = [...options.requirements];
  for (const dir of options.editables ?? []) {
    if (options.directoryMetadata === undefined) {
      throw new Error("lockForRequirements: directories need `directoryMetadata`");
    }
    const metadata = parseCoreMetadata(
      await options.directoryMetadata(dir.path, dir.editable),
      `${dir.path} (metadata)`,
    );
    const deps = dependenciesFor(metadata, [], target.interpreter.info.markers);
    requirements.push(...deps.map((d) => formatRequirement(d.requirement)));
    local.push({
      name: normalizeName(metadata.name),
      version: metadata.version,
      dependencies: [...new Set(deps.map((d) => d.requirement.normalizedName))].sort(),
      wheels: [],
      directory: dir,
    });
  }
  const { resolution, interpreter } = await resolveRequirements(ctx, {
    requirements,
    requirementFiles: options.requirementFiles ?? [],
    interpreter: target.interpreter,
    ...(options.preferences !== undefined ? { preferences: options.preferences } : {}),
  });
  const lock = buildPylock(resolution.packages, {
    createdBy: `gestvenv ${ctx.creatorVersion}`,
    requirements: options.record,
    python: interpreter.info.version,
    environment: options.environment,
  });
  // An offline resolution saw only the cache: the lock says so.
  if (ctx.settings.offline.value) lock.gestvenv!.resolvedFrom = "cache";
  const names = new Set(local.map((p) => p.name));
  lock.packages = [...lock.packages.filter((p) => !names.has(p.name)), ...local]
    .sort((a, b) => a.name.localeCompare(b.name));
  return lock;
}

/**
 * Turns what the user gave on a command line into PEP 508 requirements our resolver reads: a
 * wheel path or URL becomes `name @ URL` (its name from the file name, PEP 427); a local
 * directory or sdist path is built, so it is returned in `directories`.
 *
 * @throws {InvalidSyntaxError} For a path or URL that is neither a wheel nor a directory.
 * @throws {PackageNotFoundError} For a local path that does not exist.
 */
export async function resolvableRequirements(
  texts: string[],
): Promise<{ requirements: string[]; directories: string[] }> {
  const requirements: string[] = [];
  const directories: string[] = [];
  for (const text of texts) {
    if (!looksLikePathOrUrl(text)) {
      requirements.push(text);
      continue;
    }
    const { location, isUrl, url, wheel } = pathOrUrlReference(text);
    const info = isUrl ? null : await Deno.stat(absolute(location)).catch(() => null);
    if (!isUrl && info === null) {
      throw new PackageNotFoundError(`${absolute(location)} does not exist`, {
        hint: "Check the path of the wheel or project directory",
      });
    }
    if (wheel !== null) {
      // A local wheel is hashed here, so the lock can name its sha256 (nothing is installed
      // unverified); a remote URL must carry `#sha256=` itself.
      const hash = isUrl ? "" : `#sha256=${await sha256OfFile(absolute(location))}`;
      requirements.push(`${wheel.name} @ ${url}${hash}`);
      continue;
    }
    if (info?.isDirectory) {
      directories.push(absolute(location));
      continue;
    }
    throw new InvalidSyntaxError(
      `\`${text}\` is not a wheel, a directory or a requirement`,
      COMMAND_LINE_SOURCE,
      {
        hint:
          "Give a PEP 508 requirement (`name>=1`), `name @ URL`, a wheel file or a project directory",
      },
    );
  }
  return { requirements, directories };
}
