/**
 * The operation journal, `<home>/journal/*.json`: before `create`, `clone`, `rename`, `delete` or
 * `migrate-backend` touches the disk, it writes what it is about to do (names, paths, the record it will register);
 * when it has finished (or rolled back) it removes the entry. An entry that outlives its process
 * is how the next command learns that one was killed midway, and what to finish or undo
 * (`recover_interrupted.ts`). Entries are written atomically while the operation holds the locks
 * of every environment name it names.
 *
 * @module
 */
import { atomicWriteFile } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";
import { assertMayChange, type EnvironmentContext } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";

interface EntryBase {
  /** Format version; 1. */
  journal_version: 1;
  /** The process that wrote it. */
  pid: number;
  /** ISO 8601 start time. */
  started_at: string;
  /** The command line, for messages. */
  command: string;
}

/** A `create` or `clone`: build in `staging_path`, rename to `final_path`, then register. */
export interface CreateJournalEntry extends EntryBase {
  op: "create" | "clone";
  name: string;
  /** The new environment's marker id. */
  id: string;
  final_path: string;
  staging_path: string;
  /** `final_path` was an empty directory before (kept on roll-back). */
  final_existed: boolean;
  /** What will be registered. */
  record: EnvironmentRecord;
}

/** A `rename`: move `old_path` to `staging_path`, re-target it, rename to `new_path`, register. */
export interface RenameJournalEntry extends EntryBase {
  op: "rename";
  from: string;
  to: string;
  /** The environment's marker id. */
  id: string;
  old_path: string;
  new_path: string;
  /** null when only the registry entry is renamed (a `--path` environment without `--move`). */
  staging_path: string | null;
  /** The record under its new name. */
  record: EnvironmentRecord;
}

/** A `delete`: rename to `trash_path` (or remove gestvenv's files in place), then unregister. */
export interface DeleteJournalEntry extends EntryBase {
  op: "delete";
  name: string;
  path: string;
  /** null when gestvenv's files are removed in place (a `--path` environment). */
  trash_path: string | null;
}

/**
 * A `migrate-backend`: copy `path` to `backup_path` (complete once its marker is written, see
 * `migration_backup.ts`), re-install with the backend `to`, register `to`, throw the copy away.
 * Unfinished (the registry still says `from`) → the copy is put back; finished → it is removed.
 */
export interface MigrateBackendJournalEntry extends EntryBase {
  op: "migrate-backend";
  name: string;
  /** The environment's directory. */
  path: string;
  /** The staging directory holding the copy. */
  backup_path: string;
  /** The backend before. */
  from: string;
  /** The backend being moved to. */
  to: string;
}

/** One journal entry. */
export type JournalEntry =
  | CreateJournalEntry
  | RenameJournalEntry
  | DeleteJournalEntry
  | MigrateBackendJournalEntry;

/** The fields every entry gets from {@linkcode writeJournal}. */
export type JournalEntryInput =
  | Omit<CreateJournalEntry, keyof EntryBase>
  | Omit<RenameJournalEntry, keyof EntryBase>
  | Omit<DeleteJournalEntry, keyof EntryBase>
  | Omit<MigrateBackendJournalEntry, keyof EntryBase>;

/** The journal directory of a home. */
export function journalDir(ctx: EnvironmentContext): string {
  return join(ctx.home.root, "journal");
}

/** The environment names an entry's operation holds the locks of. */
export function journalNames(entry: JournalEntry): string[] {
  return entry.op === "rename" ? [entry.from, entry.to] : [entry.name];
}

let counter = 0;

/**
 * Writes a journal entry (atomically) and returns its path. The caller must hold the locks of
 * every name in it until the entry is removed. Requires `--allow-write`.
 */
export async function writeJournal(
  ctx: EnvironmentContext,
  input: JournalEntryInput,
): Promise<string> {
  assertMayChange(ctx, `start a ${input.op}`);
  const entry = {
    journal_version: 1,
    pid: Deno.pid,
    started_at: new Date().toISOString(),
    command: ctx.command ?? "gestvenv (library)",
    ...input,
  } as JournalEntry;
  const names = journalNames(entry).join("+");
  const path = join(
    journalDir(ctx),
    `${entry.op}-${names}-${Deno.pid}-${Date.now()}-${++counter}.json`,
  );
  await atomicWriteFile(path, JSON.stringify(entry, null, 2) + "\n");
  return path;
}

/** Removes a journal entry (a missing one is fine). */
export async function removeJournal(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/**
 * Every journal entry, oldest first. Unreadable files are returned as `entry: undefined` (a
 * write that never finished leaves only a `*.tmp` file, which is skipped).
 */
export async function readJournal(
  ctx: EnvironmentContext,
): Promise<Array<{ path: string; entry: JournalEntry | undefined }>> {
  const dir = journalDir(ctx);
  const out: Array<{ path: string; entry: JournalEntry | undefined }> = [];
  let names: string[];
  try {
    names = (await Array.fromAsync(Deno.readDir(dir))).filter((e) =>
      e.isFile && e.name.endsWith(".json")
    ).map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return out;
    throw error;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const entry = JSON.parse(await Deno.readTextFile(path)) as JournalEntry;
      out.push({ path, entry: entry.journal_version === 1 ? entry : undefined });
    } catch {
      out.push({ path, entry: undefined });
    }
  }
  return out;
}
