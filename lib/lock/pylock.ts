/**
 * PEP 751 lock files (`pylock.toml`, lock-version 1.0): the in-memory shape and the writer.
 * gestvenv records its inputs under `[tool.gestvenv]` (the requirements and the Python version the
 * lock was made for). Reading, with the validation of every field, is in `parse_pylock.ts`.
 *
 * @module
 */

/** A file entry of a package (`[packages.sdist]` or an element of `[[packages.wheels]]`). */
export interface PylockFile {
  /** File name: a wheel (PEP 427) or sdist (PEP 625) file name of the package. */
  name: string;
  /**
   * Where to get it: an `http`, `https` or `file` URL, credentials never kept. A PEP 751 `path`
   * is read as a `file:` URL of the absolute path.
   */
  url: string;
  /** Size in bytes, when known. */
  size?: number;
  /** Upload time (RFC 3339), when known. */
  uploadTime?: string;
  /** Hashes by algorithm (lowercase hex); gestvenv writes and requires `sha256`. */
  hashes: Record<string, string>;
}

/** One `[[packages]]` entry. */
export interface PylockPackage {
  /** PEP 503 normalized name. */
  name: string;
  /** The version (absent for a directory). */
  version?: string;
  /** PEP 508 marker saying when to install it. */
  marker?: string;
  /** `requires-python` of the package (PEP 440 specifier text). */
  requiresPython?: string;
  /** The index URL the files came from (credentials never kept). */
  index?: string;
  /** Names of the packages it depends on (PEP 751 `dependencies`, by name). */
  dependencies: string[];
  /** Its wheels (PEP 751 `[[packages.wheels]]`). @default [] */
  wheels: PylockFile[];
  /** Its sdist (PEP 751 `[packages.sdist]`), when locked. */
  sdist?: PylockFile;
  /** A local directory (editable or not); `path` is absolute once read. */
  directory?: { path: string; editable: boolean };
}

/** A whole lock file. */
export interface Pylock {
  /** PEP 751 `lock-version`: gestvenv reads and writes 1.0. */
  lockVersion: "1.0";
  /** PEP 751 `created-by`: the tool that wrote the lock (`gestvenv`). */
  createdBy: string;
  /** PEP 751 `requires-python` of the whole lock. */
  requiresPython?: string;
  /** Markers of the environments the lock is meant for. */
  environments?: string[];
  /** Every package of the lock, sorted by name. */
  packages: PylockPackage[];
  /** `[tool.gestvenv]`: what the lock was made from. */
  gestvenv?: {
    requirements: string[];
    python?: string;
    environment?: string;
    /** `resolved-from = "cache"`: resolved offline, from the package cache only. */
    resolvedFrom?: "cache";
    /** `groups`: the PEP 735 dependency groups of a project lock (normalized). */
    groups?: string[];
    /** `extras`: the extras of `[project.optional-dependencies]` of a project lock (normalized). */
    extras?: string[];
    /**
     * `inputs`: sha256 (hex) of what a project lock was resolved from (its requirements, groups,
     * extras and whether the project itself is included), to tell when it is out of date.
     */
    inputs?: string;
  };
  /** The file it was read from, for messages (not written). */
  source?: string;
}

/** An RFC 3339 date-time as TOML writes it unquoted (PEP 751 `upload-time`). */
export const TOML_DATETIME = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)?$/;

/**
 * A TOML basic string: `"`, `\` and every control character escaped; lone surrogates, which
 * TOML cannot hold, become U+FFFD. (JSON's escaping is not enough: TOML forbids a raw DEL.)
 */
export function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += "\\uFFFD";
    else out += ch;
  }
  return out + '"';
}

const q = tomlString;

function fileTable(f: PylockFile): string {
  const parts = [`name = ${q(f.name)}`, `url = ${q(f.url)}`];
  if (f.size !== undefined) parts.push(`size = ${f.size}`);
  if (f.uploadTime !== undefined && TOML_DATETIME.test(f.uploadTime)) {
    parts.push(`upload-time = ${f.uploadTime}`);
  }
  const hashes = Object.entries(f.hashes)
    .filter(([k]) => /^[a-z0-9][a-z0-9_-]*$/.test(k))
    .map(([k, v]) => `${k} = ${q(v)}`).join(", ");
  parts.push(`hashes = { ${hashes} }`);
  return parts.join(", ");
}

/**
 * Writes a lock as TOML in PEP 751's layout: top-level keys, then one `[[packages]]` table per
 * package (sorted by name), wheels as an array of inline tables. Deterministic output; every
 * string is escaped, so no value can add keys or tables.
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
    if (lock.gestvenv.resolvedFrom !== undefined) {
      out.push(`resolved-from = ${q(lock.gestvenv.resolvedFrom)}`);
    }
    if (lock.gestvenv.groups !== undefined) {
      out.push(`groups = [${lock.gestvenv.groups.map(q).join(", ")}]`);
    }
    if (lock.gestvenv.extras !== undefined) {
      out.push(`extras = [${lock.gestvenv.extras.map(q).join(", ")}]`);
    }
    if (lock.gestvenv.inputs !== undefined) out.push(`inputs = ${q(lock.gestvenv.inputs)}`);
  }
  return out.join("\n") + "\n";
}
