/**
 * PEP 440 version specifiers ("Version specifiers"): `~=`, `==` (with `.*` wildcards and local
 * versions), `!=`, `<=`, `>=`, `<`, `>` (with the exclusive-ordered-comparison rules for
 * pre-, post- and local releases) and `===`. The comparison rules are ours: the
 * `@renovatebot/pep440` matcher rejects e.g. `1.0` for `>1.0rc1`. Checked against
 * `packaging` 26.2 with generated vectors.
 *
 * @module
 */
import { InvalidSyntaxError } from "../errors/mod.ts";
import {
  baseVersion,
  compareVersions,
  isPrerelease,
  parseVersion,
  publicVersion,
  tryParseVersion,
  type Version,
} from "./version.ts";

/** A comparison operator of PEP 440. */
export type SpecifierOperator = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "===";

/** One clause of a specifier set, e.g. `>=1.0` or `==2.*`. */
export interface Specifier {
  /** The operator. */
  readonly operator: SpecifierOperator;
  /** The version text as written, without a trailing `.*`. */
  readonly versionText: string;
  /** The parsed version (null for `===` against a non-PEP 440 string). */
  readonly version: Version | null;
  /** `==X.*` / `!=X.*`. */
  readonly wildcard: boolean;
}

/** A comma-separated list of specifiers that must all hold; empty means "any version". */
export interface SpecifierSet {
  /** The specifiers, in the order written. */
  readonly specifiers: readonly Specifier[];
}

const CLAUSE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*([^\s,;]+)\s*$/;

/**
 * Parses one clause (`>=1.0`, `==1.2.*`, `~=2.2`), validating it as `packaging` does.
 * @throws {InvalidSyntaxError} on an unknown operator, a bad version, a misplaced wildcard or
 * local label, or `~=` with a single release segment.
 */
export function parseSpecifier(text: string, source?: string): Specifier {
  const m = CLAUSE.exec(text);
  if (m === null) {
    throw new InvalidSyntaxError(`\`${text.trim()}\` is not a version specifier`, source);
  }
  const operator = m[1] as SpecifierOperator;
  let versionText = m[2]!;
  if (operator === "===") {
    return { operator, versionText, version: tryParseVersion(versionText), wildcard: false };
  }
  const wildcard = versionText.endsWith(".*");
  if (wildcard) {
    if (operator !== "==" && operator !== "!=") {
      throw new InvalidSyntaxError(
        `\`${text.trim()}\`: a \`.*\` wildcard needs \`==\` or \`!=\``,
        source,
      );
    }
    versionText = versionText.slice(0, -2);
  }
  const version = parseVersion(versionText, source);
  const bad = (why: string) => new InvalidSyntaxError(`\`${text.trim()}\`: ${why}`, source);
  if (
    wildcard &&
    (version.pre !== null || version.post !== null || version.dev !== null ||
      version.local !== null)
  ) {
    throw bad("a wildcard may only follow a release segment");
  }
  if (version.local !== null && operator !== "==" && operator !== "!=") {
    throw bad(`a local version label is not allowed with \`${operator}\``);
  }
  if (operator === "~=" && version.release.length < 2) {
    throw bad("`~=` needs at least two release segments (e.g. `~=2.2`)");
  }
  return { operator, versionText, version, wildcard };
}

/**
 * Parses a specifier set: comma-separated clauses, possibly empty.
 * @throws {InvalidSyntaxError} as {@linkcode parseSpecifier}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSpecifierSet, parseSpecifierSet } from "@gestvenv/gestvenv/pep440";
 *
 * const set = parseSpecifierSet(">= 2.31, < 3, != 2.32.0");
 * assert.equal(set.specifiers.length, 3);
 * assert.equal(formatSpecifierSet(set), ">=2.31,<3,!=2.32.0");
 * assert.throws(() => parseSpecifierSet(">=two"));
 * ```
 */
export function parseSpecifierSet(text: string, source?: string): SpecifierSet {
  const trimmed = text.trim();
  if (trimmed === "") return { specifiers: [] };
  return { specifiers: trimmed.split(",").map((clause) => parseSpecifier(clause, source)) };
}

/** Writes a specifier set back as text (`>=1.0,<2`), clauses in their original order. */
export function formatSpecifierSet(set: SpecifierSet): string {
  return set.specifiers.map(formatSpecifier).join(",");
}

/** Writes one clause back as text. */
export function formatSpecifier(s: Specifier): string {
  return `${s.operator}${s.versionText}${s.wildcard ? ".*" : ""}`;
}

/**
 * Whether the clause explicitly names a pre-release, which admits pre-releases
 * (PEP 440 "Handling of pre-releases"; `packaging`'s `Specifier.prereleases`).
 */
export function specifierAllowsPrereleases(s: Specifier): boolean {
  return s.operator !== "!=" && s.version !== null && isPrerelease(s.version);
}

/** Whether any clause of the set explicitly names a pre-release. */
export function specifierSetAllowsPrereleases(set: SpecifierSet): boolean {
  return set.specifiers.some(specifierAllowsPrereleases);
}

function releasePrefixEqual(candidate: Version, spec: Version): boolean {
  if (candidate.epoch !== spec.epoch) return false;
  for (let i = 0; i < spec.release.length; i++) {
    if ((candidate.release[i] ?? 0) !== spec.release[i]) return false;
  }
  return true;
}

function matchesEqual(candidate: Version, s: Specifier): boolean {
  const spec = s.version!;
  if (s.wildcard) return releasePrefixEqual(candidate, spec);
  const c = spec.local === null ? publicVersion(candidate) : candidate;
  return compareVersions(c, spec) === 0;
}

/**
 * Whether `version` satisfies one clause, ignoring the pre-release policy (the operator's own
 * rules only, as `packaging`'s `Specifier` operators).
 */
export function matchesSpecifier(version: Version, s: Specifier): boolean {
  const spec = s.version;
  switch (s.operator) {
    case "===":
      return version.original.toLowerCase() === s.versionText.toLowerCase();
    case "==":
      return matchesEqual(version, s);
    case "!=":
      return !matchesEqual(version, s);
    case "<=":
      return compareVersions(publicVersion(version), spec!) <= 0;
    case ">=":
      return compareVersions(publicVersion(version), spec!) >= 0;
    case "<": {
      // "<V must not allow a pre-release of V unless V is itself one": anything from V's
      // earliest pre-release (`V.dev0`) up is excluded.
      if (compareVersions(version, spec!) >= 0) return false;
      if (isPrerelease(spec!) || !isPrerelease(version)) return true;
      return compareVersions(version, { ...spec!, dev: 0, local: null }) < 0;
    }
    case ">": {
      // ">V must not match a post-release of V (unless V is one) nor a local version of V".
      if (compareVersions(version, spec!) <= 0) return false;
      if (spec!.post === null && version.post !== null) {
        const postBase = { ...version, post: null, dev: null, local: null };
        if (compareVersions(postBase, spec!) === 0) return false;
      }
      return !(version.local !== null && compareVersions(publicVersion(version), spec!) === 0);
    }
    case "~=": {
      const release = spec!.release.slice(0, -1);
      const prefix: Version = { ...baseVersion(spec!), release };
      return compareVersions(publicVersion(version), spec!) >= 0 &&
        releasePrefixEqual(version, prefix);
    }
  }
}

/**
 * Whether `version` satisfies every clause of `set` (`packaging`'s `SpecifierSet.contains`).
 * Pre-releases are rejected unless `prereleases` is true, or it is undefined and a clause names a
 * pre-release.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   parseSpecifierSet,
 *   parseVersion,
 *   satisfiesSpecifierSet,
 * } from "@gestvenv/gestvenv/pep440";
 *
 * const compatible = parseSpecifierSet("~=2.2");
 * assert.equal(satisfiesSpecifierSet(parseVersion("2.9"), compatible), true);
 * assert.equal(satisfiesSpecifierSet(parseVersion("3.0"), compatible), false);
 * // A pre-release matches only when allowed, or when the set names one.
 * assert.equal(satisfiesSpecifierSet(parseVersion("2.5b1"), compatible), false);
 * assert.equal(satisfiesSpecifierSet(parseVersion("2.5b1"), compatible, true), true);
 * ```
 */
export function satisfiesSpecifierSet(
  version: Version,
  set: SpecifierSet,
  prereleases?: boolean,
): boolean {
  const allow = prereleases ?? specifierSetAllowsPrereleases(set);
  if (!allow && isPrerelease(version)) return false;
  for (const s of set.specifiers) if (!matchesSpecifier(version, s)) return false;
  return true;
}
