/**
 * Choosing what to install from a lock in one environment (PEP 751 "Installation"): the lock must
 * apply (`requires-python`, `environments`), each package whose marker holds is taken once, with
 * the wheel whose tags rank best for the interpreter (PEP 425), else the sdist, else its
 * directory; and every file to install must carry a sha256.
 *
 * @module
 */
import { InvalidSyntaxError, UsageError } from "../errors/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { evaluateMarker, type MarkerContext, parseMarker } from "../pep508/mod.ts";
import { parseSpecifierSet, satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import { bestTagRank, type TagSet } from "../pep425/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import type { Pylock, PylockFile } from "./pylock.ts";

/** What to install for one locked package in a given environment. */
export interface LockedInstall {
  /** PEP 503 normalized name. */
  name: string;
  /** The locked version; for a file without one in the lock, the version of its file name. */
  version: string | undefined;
  /** The chosen file (best compatible wheel, else the sdist), or null for a directory. */
  file: PylockFile | null;
  /** The local directory (absolute) to install, or null. */
  directory: { path: string; editable: boolean } | null;
}

function lockName(lock: Pylock): string {
  return lock.source ?? "the lock";
}

/**
 * Checks that the lock is meant for this interpreter: its `requires-python` holds for
 * `python_full_version` and, when it lists `environments`, one of their markers holds.
 * @throws {UsageError} naming the lock and what does not match.
 */
export function checkLockApplies(lock: Pylock, markers: MarkerContext): void {
  const python = tryParseVersion(markers.python_full_version);
  if (lock.requiresPython !== undefined && python !== null) {
    if (!satisfiesSpecifierSet(python, parseSpecifierSet(lock.requiresPython), true)) {
      throw new UsageError(
        `${
          lockName(lock)
        } requires Python ${lock.requiresPython}, not ${markers.python_full_version}`,
        {
          hint: "Use an interpreter the lock was made for (`--python`), or lock again for this one",
        },
      );
    }
  }
  if (lock.environments !== undefined && lock.environments.length > 0) {
    const context = { ...markers, extra: "" };
    if (!lock.environments.some((m) => evaluateMarker(parseMarker(m), context))) {
      throw new UsageError(
        `${lockName(lock)} is not meant for this environment (none of its \`environments\` ` +
          `markers holds: ${lock.environments.join("; ")})`,
        { hint: "Lock again for this platform and Python (`gestvenv lock`)" },
      );
    }
  }
}

/**
 * Chooses, for each package whose marker holds in `markers`, what to install: the wheel with the
 * best tag for `tags` (PEP 425), else the sdist, else its directory (PEP 751 "Installation").
 * @throws {UsageError} when the lock does not apply here (see {@linkcode checkLockApplies}), or
 *   two entries of one package apply at once.
 * @throws {InvalidSyntaxError} naming a package that has no usable file here.
 */
export function selectLockedFiles(
  lock: Pylock,
  markers: MarkerContext,
  tags: TagSet,
): LockedInstall[] {
  checkLockApplies(lock, markers);
  const out: LockedInstall[] = [];
  const seen = new Set<string>();
  for (const p of lock.packages) {
    if (
      p.marker !== undefined && !evaluateMarker(parseMarker(p.marker), { ...markers, extra: "" })
    ) continue;
    const name = normalizeName(p.name);
    if (seen.has(name)) {
      throw new UsageError(`${lockName(lock)} has two entries of ${name} for this environment`, {
        hint: "Their markers must not hold at the same time; lock again (`gestvenv lock`)",
      });
    }
    seen.add(name);
    if (p.directory !== undefined) {
      out.push({ name, version: p.version, file: null, directory: p.directory });
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
        `${p.name}${p.version === undefined ? "" : ` ${p.version}`} has no file for this ` +
          "environment in the lock",
        lock.source,
        { hint: "Lock again for this platform and Python (`gestvenv lock`)" },
      );
    }
    const version = p.version ??
      (tryParseWheelFilename(best.name) ?? tryParseSdistFilename(best.name, p.name))?.version
        .text;
    out.push({ name, version, file: best, directory: null });
  }
  return out;
}

/**
 * Checks that every file to install has a sha256 in the lock (gestvenv verifies each one before
 * installing anything).
 * @throws {InvalidSyntaxError} (exit 2) listing every package whose file has none.
 */
export function requireSha256(lock: Pylock, installs: LockedInstall[]): void {
  const missing = installs.filter((i) => i.file !== null && i.file.hashes.sha256 === undefined);
  if (missing.length === 0) return;
  const list = missing.map((i) => `${i.name}${i.version === undefined ? "" : ` ${i.version}`}`);
  throw new InvalidSyntaxError(
    `no sha256 for the file${missing.length > 1 ? "s" : ""} of ${list.join(", ")}; ` +
      "gestvenv installs only files it can verify",
    lock.source,
    {
      details: missing.map((i) => `${i.name}: ${i.file!.name}`).join("\n"),
      hint: "Add `hashes = { sha256 = ... }` to each file, or lock again (`gestvenv lock` " +
        "records them)",
    },
  );
}
