/**
 * One distribution's installed files against its RECORD (PEP 376 / "Recording installed
 * projects"): the one implementation behind `doctor --full` (`env.files`) and `verify`.
 *
 * @module
 */
import { readRecord } from "../distribution/mod.ts";
import { dirname, join } from "../paths/mod.ts";
import { recordHashOf } from "./hash_file.ts";

/** A file that is missing or whose bytes differ from its RECORD hash. */
export interface RecordMismatch {
  /** The path as RECORD writes it (relative to site-packages, may start with `../`). */
  path: string;
  /** Absolute path. */
  absolute: string;
  /** The RECORD hash (`sha256=<urlsafe base64>`). */
  expected: string;
  /** The file's hash now, or null when the file is missing. */
  actual: string | null;
}

/** What {@linkcode checkRecord} found. */
export interface RecordCheck {
  /** False when the distribution has no RECORD (nothing could be checked). */
  hasRecord: boolean;
  /** Files hashed (RECORD rows with a hash, except scripts). */
  hashed: number;
  /** Console scripts only required to exist (see {@linkcode checkRecord}). */
  scripts: number;
  /** Files missing or different, in RECORD order. */
  mismatches: RecordMismatch[];
}

/**
 * Checks every file RECORD lists for the distribution at `distInfo`: it exists, and its sha256
 * equals RECORD's. Missing `.pyc` files are not problems (bytecode is regenerated). Files in
 * `binDir` (console scripts) are only required to exist: their shebang is re-targeted when an
 * environment is moved into place or cloned, while RECORD keeps the hash written at install
 * (`env.shebangs` checks them). With `firstOnly`, stops at the first mismatch.
 * Requires `--allow-read`.
 */
export async function checkRecord(
  distInfo: string,
  binDir: string,
  options: { firstOnly?: boolean } = {},
): Promise<RecordCheck> {
  const record = await readRecord(distInfo);
  const out: RecordCheck = {
    hasRecord: record !== undefined,
    hashed: 0,
    scripts: 0,
    mismatches: [],
  };
  if (record === undefined) return out;
  const site = join(distInfo, "..");
  for (const entry of record) {
    const path = entry.path.startsWith("/") ? entry.path : join(site, entry.path);
    const script = dirname(path) === binDir;
    let hash: string;
    try {
      hash = entry.hash === "" || script ? "" : await recordHashOf(path);
      if (entry.hash === "" || script) await Deno.stat(path);
    } catch {
      if (/\.pyc$/.test(entry.path)) continue;
      out.mismatches.push({ path: entry.path, absolute: path, expected: entry.hash, actual: null });
      if (options.firstOnly) break;
      continue;
    }
    if (script) {
      out.scripts++;
      continue;
    }
    if (entry.hash === "") continue;
    out.hashed++;
    if (hash !== entry.hash) {
      out.mismatches.push({ path: entry.path, absolute: path, expected: entry.hash, actual: hash });
      if (options.firstOnly) break;
    }
  }
  return out;
}
