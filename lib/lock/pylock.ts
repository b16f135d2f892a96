/**
 * PEP 751 lock files (`pylock.toml`, lock-version 1.0): reading, writing, and choosing the file
 * of each package to install in a given environment. gestvenv records its inputs under
 * `[tool.gestvenv]` (the requirements and the Python version the lock was made for).
 *
 * @module
 */
import { parse } from "smol-toml";
import { InvalidSyntaxError } from "../errors/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { evaluateMarker, type MarkerContext, parseMarker } from "../pep508/mod.ts";
import { bestTagRank, type TagSet } from "../pep425/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";

/** A file entry of a package (`[packages.sdist]` or an element of `[[packages.wheels]]`). */
export interface PylockFile {
  /** File name. */
  name: string;
  /** Where to get it (credentials never written). */
  url: string;
  /** Size in bytes, when known. */
  size?: number;
  /** Upload time (ISO 8601), when known. */
  uploadTime?: string;
  /** Hashes by algorithm; gestvenv writes `sha256`. */
  hashes: Record<string, string>;
}

/** One `[[packages]]` entry. */
export interface PylockPackage {
  name: string;
  version?: string;
  /** PEP 508 marker saying when to install it. */
  marker?: string;
  requiresPython?: string;
  /** The index URL the files came from. */
  index?: string;
  /** Names of the packages it depends on (PEP 751 `dependencies`, by name). */
  dependencies: string[];
  wheels: PylockFile[];
  sdist?: PylockFile;
  /** A local directory (editable or not). */
  directory?: { path: string; editable: boolean };
}

/** A whole lock file. */
export interface Pylock {
  lockVersion: "1.0";
  createdBy: string;
  requiresPython?: string;
  /** Markers of the environments the lock is meant for. */
  environments?: string[];
  packages: PylockPackage[];
  /** `[tool.gestvenv]`: what the lock was made from. */
  gestvenv?: { requirements: string[]; python?: string; environment?: string };
}

function q(s: string): string {
  return JSON.stringify(s);
}

function fileTable(f: PylockFile): string {
  const parts = [`name = ${q(f.name)}`, `url = ${q(f.url)}`];
  if (f.size !== undefined) parts.push(`size = ${f.size}`);
  if (f.uploadTime !== undefined) parts.push(`upload-time = ${f.uploadTime}`);
  const hashes = Object.entries(f.hashes).map(([k, v]) => `${k} = ${q(v)}`).join(", ");
  parts.push(`hashes = { ${hashes} }`);
  return parts.join(", ");
}

/**
 * Writes a lock as TOML in PEP 751's layout: top-level keys, then one `[[packages]]` table per
 * package (sorted by name), wheels as an array of inline tables. Deterministic output.
 */
export function formatPylock(lock: Pylock): string {
  const out: string[] = [`lock-version = ${q(lock.lockVersion)}`];
  if (lock.environments !== undefined) {
    out.push(`environments = [${lock.environments.map(q).join(", ")}]`);
  }
  if (lock.requiresPython !== undefined) out.push(`requires-python = ${q(lock.requiresPython)}`);
  out.push(`created-by = ${q(lock.createdBy)}`);
  const packages = [...lock.packages].sort((a, b) => a.name.localeCompare(b.name));
  for (const p of packages) {
    out.push("", "[[packages]]", `name = ${q(p.name)}`);
    if (p.version !== undefined) out.push(`version = ${q(p.version)}`);
    if (p.marker !== undefined) out.push(`marker = ${q(p.marker)}`);
    if (p.requiresPython !== undefined) out.push(`requires-python = ${q(p.requiresPython)}`);
    if (p.index !== undefined) out.push(`index = ${q(p.index)}`);
    if (p.dependencies.length > 0) {
      out.push(`dependencies = [${p.dependencies.map((d) => `{ name = ${q(d)} }`).join(", ")}]`);
    }
    if (p.directory !== undefined) {
      out.push(`directory = { path = ${q(p.directory.path)}, editable = ${p.directory.editable} }`);
    }
    if (p.sdist !== undefined) out.push(`sdist = { ${fileTable(p.sdist)} }`);
    if (p.wheels.length > 0) {
      out.push("wheels = [");
      for (const w of p.wheels) out.push(`  { ${fileTable(w)} },`);
      out.push("]");
    }
  }
  if (lock.gestvenv !== undefined) {
    out.push("", "[tool.gestvenv]");
    out.push(`requirements = [${lock.gestvenv.requirements.map(q).join(", ")}]`);
    if (lock.gestvenv.python !== undefined) out.push(`python = ${q(lock.gestvenv.python)}`);
    if (lock.gestvenv.environment !== undefined) {
      out.push(`environment = ${q(lock.gestvenv.environment)}`);
    }
  }
  return out.join("\n") + "\n";
}

function str(v: unknown, what: string, source: string): string {
  if (typeof v !== "string") throw new InvalidSyntaxError(`${what} must be a string`, source);
  return v;
}

function readFile(v: unknown, source: string): PylockFile {
  const t = v as Record<string, unknown>;
  const url = t.url ?? t.path;
  const name = t.name ??
    (typeof url === "string" ? decodeURIComponent(url.split("/").pop()!) : undefined);
  const hashes = (t.hashes ?? {}) as Record<string, string>;
  return {
    name: str(name, "a file's name", source),
    url: str(url, "a file's url", source),
    ...(typeof t.size === "number" ? { size: t.size } : {}),
    ...(t["upload-time"] !== undefined ? { uploadTime: String(t["upload-time"]) } : {}),
    hashes,
  };
}

/**
 * Parses a `pylock.toml`.
 * @param source The file name, for errors.
 * @throws {InvalidSyntaxError} on invalid TOML, an unsupported `lock-version` or a malformed entry.
 */
export function parsePylock(text: string, source = "pylock.toml"): Pylock {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidSyntaxError(`invalid TOML: ${(error as Error).message}`, source);
  }
  const version = String(doc["lock-version"] ?? "");
  if (!/^1(\.\d+)?$/.test(version)) {
    throw new InvalidSyntaxError(
      `unsupported lock-version \`${version}\` (gestvenv reads 1.x)`,
      source,
    );
  }
  const packages = ((doc.packages ?? []) as Record<string, unknown>[]).map((p) => {
    const deps = (p.dependencies ?? []) as Record<string, unknown>[];
    const dir = p.directory as Record<string, unknown> | undefined;
    return {
      name: str(p.name, "a package's name", source),
      ...(p.version !== undefined ? { version: String(p.version) } : {}),
      ...(p.marker !== undefined ? { marker: String(p.marker) } : {}),
      ...(p["requires-python"] !== undefined
        ? { requiresPython: String(p["requires-python"]) }
        : {}),
      ...(p.index !== undefined ? { index: String(p.index) } : {}),
      dependencies: deps.map((d) => String(d.name)),
      wheels: ((p.wheels ?? []) as unknown[]).map((w) => readFile(w, source)),
      ...(p.sdist !== undefined ? { sdist: readFile(p.sdist, source) } : {}),
      ...(dir !== undefined
        ? { directory: { path: String(dir.path), editable: dir.editable === true } }
        : {}),
    } satisfies PylockPackage;
  });
  const tool = ((doc.tool ?? {}) as Record<string, unknown>).gestvenv as
    | Record<string, unknown>
    | undefined;
  return {
    lockVersion: "1.0",
    createdBy: String(doc["created-by"] ?? "unknown"),
    ...(doc["requires-python"] !== undefined
      ? { requiresPython: String(doc["requires-python"]) }
      : {}),
    ...(Array.isArray(doc.environments) ? { environments: doc.environments.map(String) } : {}),
    packages,
    ...(tool !== undefined
      ? {
        gestvenv: {
          requirements: ((tool.requirements ?? []) as unknown[]).map(String),
          ...(tool.python !== undefined ? { python: String(tool.python) } : {}),
          ...(tool.environment !== undefined ? { environment: String(tool.environment) } : {}),
        },
      }
      : {}),
  };
}

/** What to install for one locked package in a given environment. */
export interface LockedInstall {
  name: string;
  version: string | undefined;
  /** The chosen file (best compatible wheel, else the sdist), or a directory. */
  file: PylockFile | null;
  directory: { path: string; editable: boolean } | null;
}

/**
 * Chooses, for each package whose marker holds in `markers`, the file to install: the wheel with
 * the best tag for `tags` (PEP 425), else the sdist (PEP 751 "Installation").
 * @throws {InvalidSyntaxError} naming a package that has no usable file here.
 */
export function selectLockedFiles(
  lock: Pylock,
  markers: MarkerContext,
  tags: TagSet,
): LockedInstall[] {
  const out: LockedInstall[] = [];
  for (const p of lock.packages) {
    if (
      p.marker !== undefined && !evaluateMarker(parseMarker(p.marker), { ...markers, extra: "" })
    ) continue;
    if (p.directory !== undefined) {
      out.push({ name: p.name, version: p.version, file: null, directory: p.directory });
      continue;
    }
    let best: PylockFile | null = null, bestRank = Infinity;
    for (const w of p.wheels) {
      const parsed = tryParseWheelFilename(w.name);
      if (parsed === null) continue;
      const rank = bestTagRank(tags, parsed.pythonTags, parsed.abiTags, parsed.platformTags);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [w, rank];
    }
    best ??= p.sdist ?? null;
    if (best === null) {
      throw new InvalidSyntaxError(
        `${p.name} ${p.version ?? ""} has no file for this environment in the lock`.replace(
          "  ",
          " ",
        ),
        undefined,
        { hint: "Lock again for this platform and Python (`gestvenv lock`)" },
      );
    }
    out.push({ name: normalizeName(p.name), version: p.version, file: best, directory: null });
  }
  return out;
}

/**
 * Requirement lines that make pip or uv install exactly `installs` with hash checking:
 * `name @ url --hash=sha256:...` (use with `--no-deps --require-hashes`).
 */
export function lockedRequirementLines(installs: LockedInstall[]): string[] {
  return installs.map((i) => {
    if (i.directory !== null) return `${i.directory.editable ? "-e " : ""}${i.directory.path}`;
    const hashes = Object.entries(i.file!.hashes).map(([k, v]) => ` --hash=${k}:${v}`).join("");
    return `${i.name} @ ${i.file!.url}${hashes}`;
  });
}
