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
  const digest = await crypto.subtle.digest("SHA-256", bytes.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A kind of cache entry: its name and format version, both written in the first line. */
export interface EntryKind {
  /** e.g. `gestvenv-simple-page`. */
  name: string;
  /** Bumped on any incompatible change of the payload. */
  version: number;
}

/** The bytes of an entry of `kind` holding `payload` (its first line seals it). */
export async function sealEntry(kind: EntryKind, payload: string): Promise<Uint8Array> {
  const body = encoder.encode(payload);
  const head = encoder.encode(`${kind.name} ${kind.version} sha256=${await sha256Hex(body)}\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/**
 * The payload of a sealed entry of `kind`, or null when the bytes are not one: another format or
 * version, or a payload that does not match its sha256.
 */
export async function openEntry(kind: EntryKind, bytes: Uint8Array): Promise<string | null> {
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 200) return null;
  const m = /^(\S+) (\d+) sha256=([0-9a-f]{64})$/.exec(decoder.decode(bytes.subarray(0, newline)));
  if (m === null || m[1] !== kind.name || Number(m[2]) !== kind.version) return null;
  const body = bytes.subarray(newline + 1);
  if (await sha256Hex(body) !== m[3]) return null;
  return decoder.decode(body);
}

/** Reads and opens the entry at `path`; null when it is missing or not valid (see openEntry). */
export async function readEntry(kind: EntryKind, path: string): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    return null;
  }
  return await openEntry(kind, bytes);
}

/** Seals `payload` and writes it atomically at `path` (parent directories are created). */
export async function writeEntry(kind: EntryKind, path: string, payload: string): Promise<void> {
  await atomicWriteFile(path, await sealEntry(kind, payload));
}
