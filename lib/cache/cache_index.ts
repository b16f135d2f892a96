/**
 * The cache index: one row per stored artifact (project, version, file name, tags, size, sha256,
 * origin URL, time added, time last used), so listing, `find` and cleaning work without walking
 * the tree. The tree stays the truth: a missing, foreign or corrupt database is rebuilt from
 * `artifacts-v1/` (origin URLs are then unknown).
 *
 * Storage: SQLite through `node:sqlite`'s `DatabaseSync`, built into Deno (libraries.md row 14:
 * +4 ms import, no Node layer, no unstable flag). Why not an append-only log: several gestvenv
 * processes write at once (parallel installs sharing a cache), and SQLite in WAL mode with a busy
 * timeout and `BEGIN IMMEDIATE` write transactions was measured with 4 writer processes × 20,000
 * rows: no error, no lost row; a log would need its own locking, compaction and torn-tail repair
 * to give the same. The module is imported lazily, when a cache is opened.
 *
 * @module
 */
import { CacheError } from "../errors/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { join } from "../paths/mod.ts";
import { ARTIFACTS_BUCKET, INDEX_FILE, isSha256, isTempName } from "./cache_layout.ts";

type Database = InstanceType<typeof import("node:sqlite").DatabaseSync>;

/** One artifact the cache holds. Times are ms since the epoch. */
export interface CachedArtifactRow {
  /** sha256 of the artifact's bytes, lowercase hex (the key). */
  sha256: string;
  /** Its file name (PEP 427 wheel or sdist name). */
  filename: string;
  /** Normalized project name (from the request, or parsed from the file name on rebuild). */
  project: string;
  /** Version as requested or parsed from the file name (empty when unknown). */
  version: string;
  /** Wheel tag triple as in the file name (`py3-none-any`), or null for an sdist. */
  tags: string | null;
  /** Size in bytes. */
  size: number;
  /** Where it came from (URL, credentials removed, or a local path), or null when unknown. */
  origin: string | null;
  /** When it was stored (ms since the epoch). */
  added: number;
  /** When it was last fetched or found (ms since the epoch). */
  lastUsed: number;
}

/** Totals of the lookup log ({@linkcode CacheIndex.lookupTotals}); bytes and ms since the epoch. */
export interface LookupTotals {
  /** Artifacts served from the cache. */
  hits: number;
  /** Artifacts downloaded (or copied from a local path) into the cache. */
  misses: number;
  /** Bytes of the artifacts served from the cache (what was not downloaded again). */
  bytesSaved: number;
  /** Bytes downloaded into the cache. */
  bytesDownloaded: number;
  /** Time of the oldest lookup kept, or null. */
  first: number | null;
  /** Time of the newest lookup, or null. */
  last: number | null;
  /** Per project, most bytes first. */
  projects: Array<
    { project: string; hits: number; misses: number; bytesSaved: number; bytesDownloaded: number }
  >;
}

/**
 * Schema version, in `PRAGMA user_version`: bumped only for a change older gestvenvs cannot read
 * (they rebuild an index of another version from the tree). Additive changes (a new table) are
 * revisions instead: see {@linkcode MIGRATIONS}.
 */
const SCHEMA_VERSION = 1;

/**
 * Additive migrations, applied in order inside the opening transaction; the number applied is the
 * `meta` row `revision`. A file written by an older gestvenv (revision 0, no `lookups` table) is
 * brought up to date; an older gestvenv opening a newer file ignores the tables it does not know.
 * Never edit an entry: append one.
 */
const MIGRATIONS: readonly string[] = [
  // 1: the lookup log behind `cache stats` (one row per artifact asked for: hit or miss).
  `CREATE TABLE IF NOT EXISTS lookups (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     time INTEGER NOT NULL,
     hit INTEGER NOT NULL,
     sha256 TEXT NOT NULL,
     project TEXT NOT NULL,
     bytes INTEGER NOT NULL
   );
   CREATE INDEX IF NOT EXISTS lookups_time ON lookups(time);`,
];

/** Lookups kept in the log: older ones are dropped (about 10 MB of rows at most). */
export const MAX_LOOKUPS = 100_000;
/** How long a write waits for another process's transaction, in ms. */
const BUSY_TIMEOUT_MS = 10_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS artifacts (
  sha256 TEXT PRIMARY KEY,
  filename TEXT NOT NULL,
  project TEXT NOT NULL,
  version TEXT NOT NULL,
  tags TEXT,
  size INTEGER NOT NULL,
  origin TEXT,
  added INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS artifacts_project ON artifacts(project, version);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

function isCorruption(error: unknown): boolean {
  const e = error as { errcode?: number; message?: string };
  const code = (e?.errcode ?? 0) & 0xff;
  return code === 26 || code === 11 ||
    /not a database|malformed|corrupt|disk image/i.test(String(e?.message));
}

function isBusy(error: unknown): boolean {
  const e = error as { errcode?: number; message?: string };
  return ((e?.errcode ?? 0) & 0xff) === 5 || /database is locked/i.test(String(e?.message));
}

/** Rows from the file names under `artifacts-v1/`, for a rebuild. */
async function walkArtifacts(root: string): Promise<CachedArtifactRow[]> {
  const rows: CachedArtifactRow[] = [];
  const bucket = join(root, ARTIFACTS_BUCKET);
  const list = async (dir: string) => {
    const out: Deno.DirEntry[] = [];
    try {
      for await (const entry of Deno.readDir(dir)) out.push(entry);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return out;
  };
  for (const shard of await list(bucket)) {
    if (!shard.isDirectory || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
    for (const dir of await list(join(bucket, shard.name))) {
      if (!dir.isDirectory || !isSha256(dir.name) || !dir.name.startsWith(shard.name)) continue;
      for (const file of await list(join(bucket, shard.name, dir.name))) {
        if (!file.isFile || isTempName(file.name)) continue;
        const info = await Deno.stat(join(bucket, shard.name, dir.name, file.name));
        const now = Date.now();
        rows.push({
          sha256: dir.name,
          ...describeFilename(file.name),
          size: info.size,
          origin: null,
          added: info.mtime?.getTime() ?? now,
          lastUsed: info.atime?.getTime() ?? now,
        });
        break;
      }
    }
  }
  return rows;
}

/** Project, version and tags parsed from an artifact's file name (unknown parts empty). */
export function describeFilename(
  filename: string,
): { filename: string; project: string; version: string; tags: string | null } {
  const wheel = tryParseWheelFilename(filename);
  if (wheel !== null) {
    return {
      filename,
      project: wheel.name,
      version: wheel.version.text,
      tags: filename.slice(0, -4).split("-").slice(-3).join("-"),
    };
  }
  const sdist = tryParseSdistFilename(filename);
  if (sdist !== null) {
    return { filename, project: sdist.name, version: sdist.version.text, tags: null };
  }
  return { filename, project: "", version: "", tags: null };
}

function rowOf(r: Record<string, unknown>): CachedArtifactRow {
  return {
    sha256: String(r.sha256),
    filename: String(r.filename),
    project: String(r.project),
    version: String(r.version),
    tags: r.tags === null ? null : String(r.tags),
    size: Number(r.size),
    origin: r.origin === null ? null : String(r.origin),
    added: Number(r.added),
    lastUsed: Number(r.last_used),
  };
}

/** The cache index of one cache root (see the module documentation). */
export class CacheIndex {
  readonly #db: Database;
  /** Path of the database file. */
  readonly path: string;

  private constructor(db: Database, path: string) {
    this.#db = db;
    this.path = path;
  }

  /**
   * Opens (creating when missing) the index of the cache at `root`, and rebuilds it from the tree
   * when it is new, was never completed, or is corrupt (a corrupt file is replaced).
   * Requires `--allow-read` and `--allow-write` on the root.
   * @throws {CacheError} (exit 30) when the database cannot be opened or stays busy.
   */
  static async open(root: string): Promise<CacheIndex> {
    const { DatabaseSync } = await import("node:sqlite");
    const path = join(root, INDEX_FILE);
    const connect = () => {
      const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
      try {
        // WAL: readers never block the writer; NORMAL: commits do not fsync (the tree is the
        // truth, a lost last commit is rebuilt or re-recorded).
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
        const version = Number(
          (db.prepare("PRAGMA user_version").get() as Record<string, unknown>).user_version,
        );
        if (version !== 0 && version !== SCHEMA_VERSION) {
          throw new CacheError(
            `${path} has schema ${version}; this gestvenv knows ${SCHEMA_VERSION}`,
          );
        }
        db.exec("BEGIN IMMEDIATE");
        try {
          db.exec(SCHEMA);
          db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
          const revision = Number(
            (db.prepare("SELECT value FROM meta WHERE key = 'revision'").get() as
              | Record<string, unknown>
              | undefined)?.value ?? 0,
          );
          for (let i = revision; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i]!);
          if (revision < MIGRATIONS.length) {
            db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('revision', ?)")
              .run(String(MIGRATIONS.length));
          }
          db.exec("COMMIT");
        } catch (error) {
          db.exec("ROLLBACK");
          throw error;
        }
        return db;
      } catch (error) {
        db.close();
        throw error;
      }
    };
    // Two processes opening a new database at once can get SQLITE_BUSY without the busy handler
    // (switching to WAL, creating the schema): retry for the busy timeout.
    const connectPatiently = async (): Promise<Database> => {
      const deadline = Date.now() + BUSY_TIMEOUT_MS;
      for (;;) {
        try {
          return connect();
        } catch (error) {
          if (!isBusy(error) || Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
        }
      }
    };
    let db: Database;
    try {
      db = await connectPatiently();
    } catch (error) {
      if (!isCorruption(error) && !(error instanceof CacheError)) {
        throw new CacheError(`Cannot open the cache index ${path}: ${messageOf(error)}`, {
          cause: error,
          hint: isBusy(error)
            ? "Another gestvenv process holds it; try again"
            : "Check the cache directory's permissions, or remove the file (it is rebuilt)",
        });
      }
      // Corrupt or foreign: the tree is the truth; start a new index and rebuild it.
      for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(path + suffix).catch(() => {});
      try {
        db = await connectPatiently();
      } catch (again) {
        throw new CacheError(`Cannot recreate the cache index ${path}: ${messageOf(again)}`, {
          cause: again,
          hint: "Remove the file by hand (it is rebuilt from the cache's tree)",
        });
      }
    }
    const index = new CacheIndex(db, path);
    if (!index.#complete()) await index.rebuild(root);
    return index;
  }

  #complete(): boolean {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'complete'").get() as
      | Record<string, unknown>
      | undefined;
    return row?.value === "1";
  }

  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction (waits up to the busy timeout for writers). */
  #write<T>(fn: () => T): T {
    try {
      this.#db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      throw new CacheError(`The cache index ${this.path} is busy: ${messageOf(error)}`, {
        cause: error,
        hint: "Another gestvenv process is writing it; try again",
      });
    }
    try {
      const value = fn();
      this.#db.exec("COMMIT");
      return value;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /**
   * Re-reads `artifacts-v1/` into the index: rows for artifacts on disk are added (existing rows
   * keep their origin and times), rows whose artifact is gone are removed.
   * @returns How many artifacts the tree holds.
   */
  async rebuild(root: string): Promise<number> {
    const rows = await walkArtifacts(root);
    const present = new Set(rows.map((r) => r.sha256));
    // Nothing to change (the usual case for a listing): no write, the database stays as it is.
    const indexed = new Set(
      this.#db.prepare("SELECT sha256 FROM artifacts").all()
        .map((r) => String((r as Record<string, unknown>).sha256)),
    );
    if (
      this.#complete() && indexed.size === present.size &&
      [...present].every((sha) => indexed.has(sha))
    ) return rows.length;
    this.#write(() => {
      const insert = this.#db.prepare(
        `INSERT OR IGNORE INTO artifacts
         (sha256, filename, project, version, tags, size, origin, added, last_used)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const r of rows) {
        insert.run(
          r.sha256,
          r.filename,
          r.project,
          r.version,
          r.tags,
          r.size,
          r.origin,
          r.added,
          r.lastUsed,
        );
      }
      const remove = this.#db.prepare("DELETE FROM artifacts WHERE sha256 = ?");
      for (const r of this.#db.prepare("SELECT sha256 FROM artifacts").all()) {
        const sha = String((r as Record<string, unknown>).sha256);
        if (!present.has(sha)) remove.run(sha);
      }
      this.#db.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('complete', '1')");
    });
    return rows.length;
  }

  /** The row of the artifact with this sha256, or undefined. */
  get(sha256: string): CachedArtifactRow | undefined {
    const row = this.#db.prepare("SELECT * FROM artifacts WHERE sha256 = ?").get(sha256);
    return row === undefined ? undefined : rowOf(row as Record<string, unknown>);
  }

  /** Every row, by project then version. */
  list(): CachedArtifactRow[] {
    return this.#db.prepare("SELECT * FROM artifacts ORDER BY project, version, filename").all()
      .map((r) => rowOf(r as Record<string, unknown>));
  }

  /** Records an artifact (a row already there keeps its origin when the new one has none). */
  put(row: CachedArtifactRow): void {
    this.#write(() =>
      this.#db.prepare(
        `INSERT INTO artifacts
         (sha256, filename, project, version, tags, size, origin, added, last_used)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(sha256) DO UPDATE SET
           origin = coalesce(excluded.origin, origin), last_used = excluded.last_used`,
      ).run(
        row.sha256,
        row.filename,
        row.project,
        row.version,
        row.tags,
        row.size,
        row.origin,
        row.added,
        row.lastUsed,
      )
    );
  }

  /** Sets the time last used of an artifact (ms since the epoch). */
  touch(sha256: string, when: number = Date.now()): void {
    this.#write(() =>
      this.#db.prepare("UPDATE artifacts SET last_used = ? WHERE sha256 = ?").run(when, sha256)
    );
  }

  /** Forgets an artifact. */
  remove(sha256: string): void {
    this.#write(() => this.#db.prepare("DELETE FROM artifacts WHERE sha256 = ?").run(sha256));
  }

  /** Forgets several artifacts in one transaction. */
  removeMany(sha256s: Iterable<string>): void {
    this.#write(() => {
      const remove = this.#db.prepare("DELETE FROM artifacts WHERE sha256 = ?");
      for (const sha of sha256s) remove.run(sha);
    });
  }

  /**
   * Records one artifact lookup in the log behind `cache stats`, and marks the artifact used:
   * `hit` when it was served from the cache (`bytes` saved), else downloaded (`bytes` fetched).
   * The log keeps the last {@linkcode MAX_LOOKUPS} lookups.
   */
  recordLookup(
    lookup: { sha256: string; project: string; hit: boolean; bytes: number },
    when: number = Date.now(),
  ): void {
    this.#write(() => {
      if (lookup.hit) {
        this.#db.prepare("UPDATE artifacts SET last_used = ? WHERE sha256 = ?")
          .run(when, lookup.sha256);
      }
      const { lastInsertRowid } = this.#db.prepare(
        "INSERT INTO lookups (time, hit, sha256, project, bytes) VALUES (?, ?, ?, ?, ?)",
      ).run(when, lookup.hit ? 1 : 0, lookup.sha256, lookup.project, lookup.bytes);
      const id = Number(lastInsertRowid);
      if (id % 1000 === 0) {
        this.#db.prepare("DELETE FROM lookups WHERE id <= ?").run(id - MAX_LOOKUPS);
      }
    });
  }

  /**
   * Totals of the lookup log: hits, misses, bytes saved (artifact bytes served from the cache),
   * bytes downloaded, the first and last lookup times (ms since the epoch, null when none), and
   * per project (by bytes saved + downloaded, most first, at most `top`).
   */
  lookupTotals(top = 10): LookupTotals {
    const totals = this.#db.prepare(
      `SELECT count(*) AS n,
              coalesce(sum(hit), 0) AS hits,
              coalesce(sum(CASE WHEN hit = 1 THEN bytes ELSE 0 END), 0) AS saved,
              coalesce(sum(CASE WHEN hit = 0 THEN bytes ELSE 0 END), 0) AS downloaded,
              min(time) AS first, max(time) AS last
       FROM lookups`,
    ).get() as Record<string, unknown>;
    const projects = this.#db.prepare(
      `SELECT project, sum(hit) AS hits, count(*) - sum(hit) AS misses,
              sum(CASE WHEN hit = 1 THEN bytes ELSE 0 END) AS saved,
              sum(CASE WHEN hit = 0 THEN bytes ELSE 0 END) AS downloaded
       FROM lookups GROUP BY project ORDER BY sum(bytes) DESC, project LIMIT ?`,
    ).all(top) as Array<Record<string, unknown>>;
    const count = Number(totals.n);
    return {
      hits: Number(totals.hits),
      misses: count - Number(totals.hits),
      bytesSaved: Number(totals.saved),
      bytesDownloaded: Number(totals.downloaded),
      first: totals.first === null ? null : Number(totals.first),
      last: totals.last === null ? null : Number(totals.last),
      projects: projects.map((p) => ({
        project: String(p.project),
        hits: Number(p.hits),
        misses: Number(p.misses),
        bytesSaved: Number(p.saved),
        bytesDownloaded: Number(p.downloaded),
      })),
    };
  }

  /** Closes the database. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
