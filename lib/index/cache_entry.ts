/**
 * Sealed cache entries: every file the index client keeps under `<home>/cache` (project pages,
 * METADATA, failed sdist builds) starts with one line naming its format and version and the
 * sha256 of everything after that line:
 *
 * ```text
 * gestvenv-simple-page 2 sha256=9f86d0…\n
 * <payload>
 * ```
 *
 * An entry whose first line is not the expected one, or whose payload does not match its sha256
 * (edited, truncated, corrupted on disk, written by another version), is treated as absent:
 * never trusted, never used as the base of a conditional request. Writes are atomic (temp file,
 * fsync, rename).
 *
 * @module
 */
import { atomicWriteFile } from "../fs/mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The hex sha256 of `data` (text is hashed as UTF-8). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A kind of cache entry: its name and format version, both written in the first line. */
export interface EntryKind {
  /** e.g. `gestvenv-simple-page`. */
  name: string;
  /** Bumped on any incompatible change of the payload. */
  version: number;
}

/**
 * The first line of an entry of `kind` with a placeholder digest: write it, then the payload,
 * then call {@linkcode sealInPlace} (the line's length does not change).
 */
export function entryPlaceholder(kind: EntryKind): string {
  return `${kind.name} ${kind.version} sha256=${"0".repeat(64)}\n`;
}

/** Fills the digest of an entry that starts with {@linkcode entryPlaceholder}. */
export async function sealInPlace(kind: EntryKind, bytes: Uint8Array): Promise<void> {
  const head = entryPlaceholder(kind).length;
  const digest = await sha256Hex(bytes.subarray(head));
  bytes.set(encoder.encode(digest), head - 65);
}

/** The bytes of an entry of `kind` holding `payload` (its first line seals it). */
async function sealEntry(kind: EntryKind, payload: string): Promise<Uint8Array> {
  const out = encoder.encode(entryPlaceholder(kind) + payload);
  await sealInPlace(kind, out);
  return out;
}

/** A sealed entry whose first line was read but whose payload is not checked yet. */
export interface UncheckedEntry {
  /** The payload's bytes, not to be trusted before {@linkcode checkEntry}. */
  payload: Uint8Array;
  /** The sha256 the first line announces. */
  sha256: string;
}

/** Splits an entry of `kind` into its announced sha256 and payload, or null for another format. */
function splitEntry(kind: EntryKind, bytes: Uint8Array): UncheckedEntry | null {
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 200) return null;
  const m = /^(\S+) (\d+) sha256=([0-9a-f]{64})$/.exec(decoder.decode(bytes.subarray(0, newline)));
  if (m === null || m[1] !== kind.name || Number(m[2]) !== kind.version) return null;
  return { payload: bytes.subarray(newline + 1), sha256: m[3]! };
}

/** Whether the payload matches its sha256. */
export async function entryIntact(entry: UncheckedEntry): Promise<boolean> {
  return await sha256Hex(entry.payload) === entry.sha256;
}

/** The payload as text when it matches its sha256, else null. */
async function checkEntry(entry: UncheckedEntry): Promise<string | null> {
  return await entryIntact(entry) ? decoder.decode(entry.payload) : null;
}

/** Reads the entry at `path` without checking it; null when missing or of another format. */
export async function readUncheckedEntry(
  kind: EntryKind,
  path: string,
): Promise<UncheckedEntry | null> {
  try {
    return splitEntry(kind, await Deno.readFile(path));
  } catch {
    return null;
  }
}

/**
 * The first bytes (up to `length`) of the payload of the entry at `path`, unchecked: enough to
 * decide whether the entry is worth reading whole. Null when missing or of another format.
 */
export async function readEntryStart(
  kind: EntryKind,
  path: string,
  length = 4096,
): Promise<Uint8Array | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch {
    return null;
  }
  try {
    const buf = new Uint8Array(length + 200);
    let filled = 0;
    while (filled < buf.length) {
      const n = await file.read(buf.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return splitEntry(kind, buf.subarray(0, filled))?.payload ?? null;
  } catch {
    return null;
  } finally {
    file.close();
  }
}

/** Reads and opens the entry at `path`; null when it is missing or not valid (see openEntry). */
export async function readEntry(kind: EntryKind, path: string): Promise<string | null> {
  const entry = await readUncheckedEntry(kind, path);
  return entry === null ? null : await checkEntry(entry);
}

/**
 * Seals `payload` and writes it atomically at `path` (parent directories are created).
 * @returns The payload's UTF-8 bytes (a view into what was written).
 */
export async function writeEntry(
  kind: EntryKind,
  path: string,
  payload: string,
): Promise<Uint8Array> {
  const bytes = await sealEntry(kind, payload);
  await atomicWriteFile(path, bytes);
  return bytes.subarray(bytes.indexOf(10) + 1);
}
