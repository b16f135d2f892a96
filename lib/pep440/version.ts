/**
 * PEP 440 versions: parsing (through `@renovatebot/pep440`, whose parser agrees with
 * `packaging`), normalization and total ordering (our own, per PEP 440 "Summary of permitted
 * suffixes and relative ordering", since the library re-parses on every comparison).
 *
 * @module
 */
import { parse as parseParts, stringify } from "npm:@renovatebot/pep440@5.0.1/lib/version.js";
import { InvalidSyntaxError } from "../errors/mod.ts";

/** Pre-release phase: alpha, beta or release candidate, normalized (PEP 440 "Pre-releases"). */
export type PrePhase = "a" | "b" | "rc";

/** A parsed PEP 440 version. Immutable; build it with {@linkcode parseVersion}. */
export interface Version {
  /** The normalized text (PEP 440 "Normalization"), e.g. `1.0rc1.post2+ubuntu.1`. */
  readonly text: string;
  /** The text as it was written (compared by `===`, PEP 440 "Arbitrary equality"). */
  readonly original: string;
  /** Epoch (`N!`), 0 when absent. */
  readonly epoch: number;
  /** Release segment, e.g. `[1, 0, 2]`. */
  readonly release: readonly number[];
  /** Pre-release phase and number, or null. */
  readonly pre: readonly [PrePhase, number] | null;
  /** Post-release number, or null. */
  readonly post: number | null;
  /** Development release number, or null. */
  readonly dev: number | null;
  /** Local version label parts (numbers where numeric), or null. */
  readonly local: readonly (string | number)[] | null;
}

interface RawParts {
  epoch: number;
  release: number[];
  pre: [PrePhase, number] | null;
  post: [string, number] | null;
  dev: [string, number] | null;
  local: (string | number)[] | null;
}

const PHASE_RANK: Record<PrePhase, number> = { a: 0, b: 1, rc: 2 };

/** Parses `text` as a PEP 440 version, or returns null when it is not one. */
export function tryParseVersion(text: string): Version | null {
  // The library's typings describe `explain()`; `parse()` returns [letter, number] pairs.
  const parts = parseParts(text.trim()) as unknown as RawParts | null;
  if (parts === null) return null;
  const local = parts.local !== null && parts.local.length > 0 ? parts.local : null;
  const publicText = stringify({ ...parts, local: null } as never);
  if (publicText === null) return null;
  const normalized = local === null ? publicText : `${publicText}+${local.join(".")}`;
  return {
    text: normalized,
    original: text.trim(),
    epoch: parts.epoch,
    release: parts.release,
    pre: parts.pre,
    post: parts.post === null ? null : parts.post[1],
    dev: parts.dev === null ? null : parts.dev[1],
    local,
  };
}

/**
 * Parses `text` as a PEP 440 version.
 * @throws {InvalidSyntaxError} when it is not one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseVersion } from "./version.ts";
 *
 * const v = parseVersion("1.0rc1");
 * assert(v.pre?.[0] === "rc" && v.release[0] === 1);
 * ```
 */
export function parseVersion(text: string, source?: string): Version {
  const version = tryParseVersion(text);
  if (version === null) {
    throw new InvalidSyntaxError(`\`${text}\` is not a valid PEP 440 version`, source);
  }
  return version;
}

/** True for pre-releases and development releases (PEP 440 "Handling of pre-releases"). */
export function isPrerelease(v: Version): boolean {
  return v.pre !== null || v.dev !== null;
}

/** The version without its local label (PEP 440 "Local version identifiers"). */
export function publicVersion(v: Version): Version {
  if (v.local === null) return v;
  const plus = v.text.indexOf("+");
  return { ...v, text: v.text.slice(0, plus), original: v.text.slice(0, plus), local: null };
}

/** The epoch and release only, e.g. `1.0rc1.post2` → `1.0`. */
export function baseVersion(v: Version): Version {
  const text = (v.epoch === 0 ? "" : `${v.epoch}!`) + v.release.join(".");
  return {
    text,
    original: text,
    epoch: v.epoch,
    release: v.release,
    pre: null,
    post: null,
    dev: null,
    local: null,
  };
}

function compareRelease(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

// `pre` key as in packaging's _cmpkey: dev-only releases sort before any pre-release of the
// same release, final releases after.
function preKey(v: Version): number {
  if (v.pre === null) return v.post === null && v.dev !== null ? -1 : 4;
  return PHASE_RANK[v.pre[0]];
}

function compareLocal(a: Version["local"], b: Version["local"]): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!, y = b[i]!;
    if (x === y) continue;
    // Numeric segments sort after alphanumeric ones, numbers by value, strings lexically.
    if (typeof x === "number" && typeof y === "number") return x < y ? -1 : 1;
    if (typeof x === "number") return 1;
    if (typeof y === "number") return -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const sign = (d: number) => (d < 0 ? -1 : d > 0 ? 1 : 0);

/**
 * Total order of PEP 440 ("Summary of permitted suffixes and relative ordering"):
 * `1.0.dev0 < 1.0a1.dev0 < 1.0a1 < 1.0a1.post1 < 1.0rc1 < 1.0 < 1.0+local < 1.0.post1.dev0 < 1.0.post1`.
 * Release segments compare with zero padding (`1.0 == 1.0.0`).
 * @returns -1, 0 or 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareVersions, parseVersion } from "@gestvenv/gestvenv/pep440";
 *
 * const sorted = ["1.0", "1.0.post1", "1.0a1", "1.0.dev0", "1.0rc1"]
 *   .map((v) => parseVersion(v))
 *   .sort(compareVersions)
 *   .map((v) => v.text);
 * assert.deepEqual(sorted, ["1.0.dev0", "1.0a1", "1.0rc1", "1.0", "1.0.post1"]);
 * assert.equal(compareVersions(parseVersion("1.0"), parseVersion("1.0.0")), 0);
 * ```
 */
export function compareVersions(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const release = compareRelease(a.release, b.release);
  if (release !== 0) return release;
  const pa = preKey(a), pb = preKey(b);
  if (pa !== pb) return sign(pa - pb);
  if (a.pre !== null && b.pre !== null && a.pre[1] !== b.pre[1]) return sign(a.pre[1] - b.pre[1]);
  const posta = a.post ?? -1, postb = b.post ?? -1;
  if (posta !== postb) return sign(posta - postb);
  const deva = a.dev ?? Infinity, devb = b.dev ?? Infinity;
  if (deva !== devb) return deva < devb ? -1 : 1;
  return compareLocal(a.local, b.local);
}

/** True when `a` and `b` are the same version (`1.0 == 1.0.0`, local labels included). */
export function versionsEqual(a: Version, b: Version): boolean {
  return compareVersions(a, b) === 0;
}
