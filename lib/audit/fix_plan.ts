/**
 * What `audit --fix` should move: for each vulnerable distribution, the smallest version that is
 * above every one of its findings' first fixed versions, unless no fix is published or one of the
 * user's own requirements excludes it (named). The resolution that checks the rest of the
 * environment's requirements is the caller's (lib/packages).
 *
 * @module
 */
import { normalizeName } from "../names/mod.ts";
import { compareVersions, satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import type { AuditFinding } from "./findings.ts";
import { matchRecord } from "./match_record.ts";
import type { OsvRecord } from "./osv_record.ts";

/** One distribution to upgrade. */
export interface FixTarget {
  /** The distribution's name as installed. */
  name: string;
  /** The installed version. */
  from: string;
  /** The smallest version fixing every finding of it that has a fix. */
  to: string;
  /** The ids it fixes. */
  fixes: string[];
}

/** A finding `--fix` cannot remove, and why. */
export interface Unfixable {
  /** The distribution. */
  name: string;
  /** Its installed version. */
  version: string;
  /** The finding ids concerned. */
  ids: string[];
  /** Why, as a sentence part: `no fixed version is published`, `` `six==1.16.0` excludes 1.17 ``. */
  reason: string;
}

/**
 * Whether any of `records` affects `name` at `version` (OSV semantics, see `matchRecord`).
 */
export function affectedBy(
  records: readonly OsvRecord[],
  name: string,
  version: string,
): boolean {
  return records.some((r) => matchRecord(r, name, version) !== null);
}

/** The outcome of {@linkcode planFixes}. */
export interface FixPlan {
  /** What to upgrade. */
  targets: FixTarget[];
  /** What cannot be fixed. */
  unfixable: Unfixable[];
}

/**
 * Plans the upgrades that remove `findings`.
 *
 * @param recorded The environment's recorded requirements (what the user asked for): a target
 *   one of them excludes is refused, naming it.
 * @param records Every OSV record read for the distributions: the target is moved up until none
 *   of them affects it (a fix of one range can sit inside another range or another record).
 */
export function planFixes(
  findings: readonly AuditFinding[],
  recorded: readonly string[],
  records: readonly OsvRecord[] = [],
): FixPlan {
  const own = new Map<string, [string, Requirement]>();
  for (const text of recorded) {
    if (text.startsWith("-e ")) continue;
    try {
      const req = parseRequirement(text);
      own.set(req.normalizedName, [text, req]);
    } catch { /* an older record: not a constraint we can read */ }
  }
  const byPackage = new Map<string, AuditFinding[]>();
  for (const f of findings) {
    const key = normalizeName(f.package);
    const list = byPackage.get(key);
    if (list === undefined) byPackage.set(key, [f]);
    else list.push(f);
  }
  const targets: FixTarget[] = [];
  const unfixable: Unfixable[] = [];
  for (const [key, list] of byPackage) {
    const { package: name, version } = list[0]!;
    const noFix = list.filter((f) => f.fixed_versions.length === 0);
    if (noFix.length > 0) {
      unfixable.push({
        name,
        version,
        ids: noFix.map((f) => f.id),
        reason: "no fixed version is published",
      });
    }
    const fixable = list.filter((f) => f.fixed_versions.length > 0);
    if (fixable.length === 0) continue;
    let to = fixable[0]!.fixed_versions[0]!;
    for (const f of fixable) {
      const first = f.fixed_versions[0]!;
      if (compareVersions(tryParseVersion(first)!, tryParseVersion(to)!) > 0) to = first;
    }
    // Move up while a record still affects the target (each step is a `fixed` above it).
    let stuck: string[] = [];
    for (let step = 0; step < 100; step++) {
      const hits = records.map((r) => [r, matchRecord(r, name, to)] as const)
        .filter(([, m]) => m !== null);
      if (hits.length === 0) break;
      const next = hits.map(([, m]) => m!.fixed[0]).filter((v) => v !== undefined);
      if (next.length < hits.length) {
        stuck = hits.filter(([, m]) => m!.fixed.length === 0).map(([r]) => r.id);
        break;
      }
      for (const v of next) {
        if (compareVersions(tryParseVersion(v)!, tryParseVersion(to)!) > 0) to = v;
      }
    }
    if (stuck.length > 0) {
      unfixable.push({
        name,
        version,
        ids: fixable.map((f) => f.id),
        reason: `its fix ${to} is affected by ${stuck.join(", ")}, which has no fixed version`,
      });
      continue;
    }
    const mine = own.get(key);
    if (mine !== undefined) {
      const [text, req] = mine;
      const allowed = req.url === null &&
        satisfiesSpecifierSet(tryParseVersion(to)!, req.specifier, true);
      if (!allowed) {
        unfixable.push({
          name,
          version,
          ids: fixable.map((f) => f.id),
          reason: `your requirement \`${text}\` excludes ${to}; loosen it ` +
            `(\`gestvenv install "${req.name}>=${to}"\`) to fix`,
        });
        continue;
      }
    }
    targets.push({ name, from: version, to, fixes: fixable.map((f) => f.id) });
  }
  return { targets, unfixable };
}
