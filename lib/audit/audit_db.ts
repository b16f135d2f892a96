/**
 * The offline vulnerability database: OSV's PyPI export (a zip of one OSV JSON record per file,
 * `https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip`) imported into the cache as
 * one compact, sealed file, `<cache>/audit/osv-pypi-v1.json`: the records (PyPI entries only,
 * `details` reduced to a summary, explicit versions the ranges already cover dropped), an index
 * from PEP 503 names to records, the source (path or URL), its sha256 and the import time.
 *
 * An import reads and checks every entry before anything is written (no unsafe name, symlink,
 * zip bomb, entry over 4 MiB, non-JSON entry or non-OSV record: one bad entry refuses the whole
 * archive and the old database stays); the new file is written atomically under
 * `<cache>/audit/.lock`.
 *
 * @module
 */
import { GestvenvError, NetworkError, OperationError } from "../errors/mod.ts";
import { atomicWriteFile, withFileLock } from "../fs/mod.ts";
import { type HttpClient, readEntry, sha256Hex, writeEntry } from "../index/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { join } from "../paths/mod.ts";
import {
  bytesSource,
  checkArchiveEntries,
  isDirectoryEntry,
  readZipDirectory,
  readZipEntry,
} from "../zip/mod.ts";
import { matchRecord, pypiPackagesOf } from "./match_record.ts";
import { type OsvRecord, parseOsvRecord } from "./osv_record.ts";

/** OSV's export of every PyPI record. */
export const OSV_PYPI_EXPORT_URL =
  "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip";

/** Days after which `audit db info` and an audit from the database warn that it is old. */
export const AUDIT_DB_STALE_DAYS = 7;

/** Largest record accepted in an export, in bytes. */
export const MAX_EXPORT_RECORD_BYTES = 4 * 1024 * 1024;
/** Largest export accepted (download or file), in bytes. */
export const MAX_EXPORT_BYTES = 1024 * 1024 * 1024;
/** Most entries accepted in an export. */
export const MAX_EXPORT_ENTRIES = 500_000;

const DB_ENTRY = { name: "gestvenv-osv-db", version: 1 };

/** What `audit db info` tells about the database. */
export interface AuditDbInfo {
  /** The database file. */
  path: string;
  /** Records held (withdrawn ones included: they are skipped when matching). */
  records: number;
  /** Distinct PyPI packages named. */
  packages: number;
  /** When it was imported (ISO 8601, UTC). */
  imported_at: string;
  /** The path or URL it was imported from. */
  source: string;
  /** The sha256 of the imported zip. */
  sha256: string;
  /** Whole days since the import. */
  age_days: number;
  /** Whether it is older than {@linkcode AUDIT_DB_STALE_DAYS}. */
  stale: boolean;
}

/** The database as read from disk. */
export interface AuditDb {
  /** Its description. */
  info: AuditDbInfo;
  /** The records naming a package (PEP 503 name). */
  recordsFor(name: string): OsvRecord[];
}

interface DbPayload {
  format: 1;
  imported_at: string;
  source: string;
  sha256: string;
  records: OsvRecord[];
  packages: Record<string, number[]>;
}

/** The database file under a cache root. */
export function auditDbPath(cacheDir: string): string {
  return join(cacheDir, "audit", "osv-pypi-v1.json");
}

function refused(source: string, why: string, cause?: unknown): GestvenvError {
  return new OperationError(
    `${source} was refused as a vulnerability database: ${why}; the database was not changed`,
    "audit_db_refused",
    {
      cause,
      hint: `Import OSV's PyPI export (${OSV_PYPI_EXPORT_URL}): ` +
        "`gestvenv audit db update` on a connected machine",
    },
  );
}

/** A record reduced to what matching and reports use. */
function compact(record: OsvRecord): OsvRecord {
  const affected = record.affected.filter((a) => a.package.ecosystem === "PyPI").map((a) => {
    const ranges = a.ranges.filter((r) => r.type === "ECOSYSTEM" || r.type === "SEMVER");
    const rangeOnly: OsvRecord = {
      id: record.id,
      modified: "",
      aliases: [],
      summary: "",
      details: "",
      severity: [],
      affected: [{ ...a, versions: [], ranges }],
    };
    // Versions the ranges already cover are redundant (OSV's PyPI records list them all).
    const versions = a.versions.filter((v) => matchRecord(rangeOnly, a.package.name, v) === null);
    return { package: a.package, ranges, versions };
  });
  const out: OsvRecord = {
    id: record.id,
    modified: record.modified,
    aliases: record.aliases,
    summary: record.summary || (record.details.trim().split("\n")[0] ?? "").slice(0, 200),
    details: "",
    severity: record.severity,
    affected,
  };
  if (record.withdrawn !== undefined) out.withdrawn = record.withdrawn;
  if (record.database_severity !== undefined) out.database_severity = record.database_severity;
  return out;
}

/**
 * Parses and checks an export (zip bytes) into the database payload.
 * @throws {OperationError} (exit 1, `audit_db_refused`) For anything hostile or malformed.
 */
async function parseExport(
  bytes: Uint8Array,
  source: string,
): Promise<Omit<DbPayload, "imported_at">> {
  const zip = bytesSource(bytes, source);
  let entries;
  try {
    entries = await readZipDirectory(zip);
    checkArchiveEntries(entries, source, bytes.length);
  } catch (error) {
    throw refused(source, error instanceof Error ? error.message : String(error), error);
  }
  if (entries.length > MAX_EXPORT_ENTRIES) {
    throw refused(source, `it holds ${entries.length} entries (at most ${MAX_EXPORT_ENTRIES})`);
  }
  const records: OsvRecord[] = [];
  const packages: Record<string, number[]> = Object.create(null);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (const entry of entries) {
    if (isDirectoryEntry(entry)) continue;
    if (!entry.name.endsWith(".json")) {
      throw refused(source, `entry ${JSON.stringify(entry.name)} is not a .json record`);
    }
    if (entry.size > MAX_EXPORT_RECORD_BYTES) {
      throw refused(
        source,
        `entry ${
          JSON.stringify(entry.name)
        } is ${entry.size} bytes (at most ${MAX_EXPORT_RECORD_BYTES})`,
      );
    }
    let record: OsvRecord;
    try {
      const data = await readZipEntry(zip, entry, { maxBytes: MAX_EXPORT_RECORD_BYTES });
      record = parseOsvRecord(JSON.parse(decoder.decode(data)), `${source}:${entry.name}`);
    } catch (error) {
      const why = error instanceof SyntaxError || error instanceof TypeError
        ? "is not JSON"
        : `is not an OSV record (${error instanceof Error ? error.message : String(error)})`;
      throw refused(source, `entry ${JSON.stringify(entry.name)} ${why}`, error);
    }
    const at = records.push(compact(record)) - 1;
    for (const name of pypiPackagesOf(record)) (packages[name] ??= []).push(at);
  }
  if (records.length === 0) throw refused(source, "it holds no OSV record");
  return { format: 1, source, sha256: await sha256Hex(bytes), records, packages };
}

/** Options of {@linkcode updateAuditDb}. */
export interface UpdateAuditDbOptions {
  /** The cache root. */
  cacheDir: string;
  /** A local zip path, or an http(s) URL. @default OSV_PYPI_EXPORT_URL */
  from?: string | undefined;
  /** For downloads. */
  http: HttpClient;
  /** The import time. @default now */
  now?: Date;
  /** Read and check the source, write nothing. @default false */
  dryRun?: boolean;
}

/**
 * Imports OSV's PyPI export into the cache (see the module doc): reads the zip from a file or
 * downloads it, checks every entry, then replaces the database atomically under its lock.
 *
 * @returns The new database's description (with `dryRun`: what it would be).
 * @throws {OperationError} (exit 1, `audit_db_refused`) When the archive is hostile or malformed
 *   (the old database is kept), or the file cannot be read.
 * @throws {NetworkError} (exit 5) When the download fails (`--offline` refuses it).
 */
export async function updateAuditDb(options: UpdateAuditDbOptions): Promise<AuditDbInfo> {
  const from = options.from ?? OSV_PYPI_EXPORT_URL;
  let bytes: Uint8Array;
  if (/^https?:\/\//i.test(from)) {
    try {
      ({ body: bytes } = await options.http.request(from, { maxBytes: MAX_EXPORT_BYTES }));
    } catch (error) {
      if (error instanceof NetworkError) throw error;
      if (error instanceof GestvenvError && error.exitCode === 4) {
        throw new NetworkError(error.message, {
          cause: error,
          hint: `Check the URL; OSV's PyPI export is ${OSV_PYPI_EXPORT_URL}`,
        });
      }
      throw error;
    }
  } else {
    const path = from.startsWith("file://") ? new URL(from).pathname : from;
    try {
      const stat = await Deno.stat(path);
      if (!stat.isFile) throw new Error("not a file");
      if (stat.size > MAX_EXPORT_BYTES) throw new Error(`${stat.size} bytes is too large`);
      bytes = await Deno.readFile(path);
    } catch (error) {
      throw new OperationError(
        `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
        "audit_db_unreadable",
        { cause: error, hint: "Name a zip of OSV records (OSV's PyPI export, all.zip)" },
      );
    }
  }
  const parsed = await parseExport(bytes, from);
  const payload: DbPayload = { ...parsed, imported_at: (options.now ?? new Date()).toISOString() };
  const path = auditDbPath(options.cacheDir);
  if (options.dryRun) return describe(path, payload, options.now ?? new Date());
  await Deno.mkdir(join(options.cacheDir, "audit"), { recursive: true });
  await withFileLock(join(options.cacheDir, "audit", ".lock"), async () => {
    await writeEntry(DB_ENTRY, path, JSON.stringify(payload));
  }, { holder: { command: "audit db update" }, label: "the vulnerability database" });
  return describe(path, payload, options.now ?? new Date());
}

function describe(path: string, payload: DbPayload, now: Date): AuditDbInfo {
  const age = Math.max(0, Math.floor((now.getTime() - Date.parse(payload.imported_at)) / 86400000));
  return {
    path,
    records: payload.records.length,
    packages: Object.keys(payload.packages).length,
    imported_at: payload.imported_at,
    source: payload.source,
    sha256: payload.sha256,
    age_days: age,
    stale: age > AUDIT_DB_STALE_DAYS,
  };
}

/** How far in the future an `imported_at` may be (clock skew between machines), in ms. */
const MAX_CLOCK_SKEW_MS = 86_400_000;

/**
 * The database payload in `text`, checked as an import checks it, or undefined when it is not a
 * sound one: format 1, a non-empty `records` array of OSV records (each through
 * `parseOsvRecord`), a `packages` object of index arrays within `records`, an `imported_at` that
 * parses and is not more than a day in the future (a future date would never be stale and would
 * shadow every later import), string `source` and `sha256`.
 */
function checkedPayload(text: string, now: Date): DbPayload | undefined {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    if (raw === null || typeof raw !== "object" || raw.format !== 1) return undefined;
    if (!Array.isArray(raw.records) || raw.records.length === 0) return undefined;
    if (typeof raw.source !== "string" || typeof raw.sha256 !== "string") return undefined;
    const at = typeof raw.imported_at === "string" ? Date.parse(raw.imported_at) : NaN;
    if (Number.isNaN(at) || at > now.getTime() + MAX_CLOCK_SKEW_MS) return undefined;
    const records = raw.records.map((r, i) => parseOsvRecord(r, `the database's record ${i}`));
    const index = raw.packages;
    if (index === null || typeof index !== "object" || Array.isArray(index)) return undefined;
    const packages: Record<string, number[]> = Object.create(null);
    for (const [name, list] of Object.entries(index)) {
      if (
        !Array.isArray(list) ||
        !list.every((i) => Number.isInteger(i) && i >= 0 && i < records.length)
      ) return undefined;
      packages[name] = list as number[];
    }
    return {
      format: 1,
      imported_at: raw.imported_at as string,
      source: raw.source,
      sha256: raw.sha256,
      records,
      packages,
    };
  } catch {
    return undefined;
  }
}

/**
 * Describes the database file at `path` (a copy carried by a bundle), or undefined when it is not
 * a sound one (another format, a payload that does not match its seal, records that are not OSV
 * records, an index out of bounds, an empty database, an import date in the future).
 */
export async function readAuditDbFile(
  path: string,
  now = new Date(),
): Promise<AuditDbInfo | undefined> {
  const text = await readEntry(DB_ENTRY, path);
  if (text === null) return undefined;
  const payload = checkedPayload(text, now);
  return payload === undefined ? undefined : describe(path, payload, now);
}

/**
 * Puts a checked database file (see {@linkcode readAuditDbFile}) in the cache, atomically under
 * the database's lock, unless the cache already holds one imported at the same time or later.
 *
 * @returns `installed`, or `kept` (the cache's own is as new or newer), or `invalid`.
 */
export async function installAuditDbFile(
  cacheDir: string,
  path: string,
): Promise<"installed" | "kept" | "invalid"> {
  const incoming = await readAuditDbFile(path);
  if (incoming === undefined) return "invalid";
  await Deno.mkdir(join(cacheDir, "audit"), { recursive: true });
  return await withFileLock(join(cacheDir, "audit", ".lock"), async () => {
    const current = await openAuditDb(cacheDir);
    if (
      current !== undefined &&
      Date.parse(current.info.imported_at) >= Date.parse(incoming.imported_at)
    ) return "kept";
    await atomicWriteFile(auditDbPath(cacheDir), await Deno.readFile(path));
    return "installed";
  }, { holder: { command: "cache import" }, label: "the vulnerability database" });
}

/**
 * Opens the database of a cache, or returns undefined when there is none (or it is damaged: a
 * sealed file whose payload does not match its hash, or that does not pass the checks of
 * {@linkcode readAuditDbFile}, is not trusted; the caller then says there is no database).
 */
export async function openAuditDb(
  cacheDir: string,
  now = new Date(),
): Promise<AuditDb | undefined> {
  const path = auditDbPath(cacheDir);
  const text = await readEntry(DB_ENTRY, path);
  if (text === null) return undefined;
  const payload = checkedPayload(text, now);
  if (payload === undefined) return undefined;
  const packages = new Map(Object.entries(payload.packages));
  return {
    info: describe(path, payload, now),
    recordsFor: (name) =>
      (packages.get(normalizeName(name)) ?? []).map((i) => payload.records[i]!).filter(Boolean),
  };
}
