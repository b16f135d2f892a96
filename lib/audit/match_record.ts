/**
 * Whether an OSV record affects one PyPI distribution version, with OSV's semantics
 * (https://ossf.github.io/osv-schema/#evaluation): `affected[]` entries of ecosystem `PyPI` whose
 * package name equals the distribution's (both PEP 503-normalized); a version is affected when it
 * is in the entry's explicit `versions` list, or inside one of its `ECOSYSTEM` ranges, whose
 * events are sorted by PEP 440 order (`introduced: "0"` first) and walked: `introduced` opens the
 * range, `fixed` and `limit` close it before their version, `last_affected` after. `SEMVER`
 * ranges are evaluated the same way (PyPI versions are PEP 440); `GIT` ranges name commits and
 * are ignored. A withdrawn record affects nothing.
 *
 * @module
 */
import { normalizeName } from "../names/mod.ts";
import { compareVersions, tryParseVersion, type Version, versionsEqual } from "../pep440/mod.ts";
import type { OsvEvent, OsvRange, OsvRecord } from "./osv_record.ts";

/** How a record affects a version: the versions that fix it (PEP 440 order), possibly none. */
export interface RecordMatch {
  /** `fixed` events above the version in the ranges that contain it, sorted, no duplicates. */
  fixed: string[];
}

type Keyed = { event: OsvEvent; at: Version | null; zero: boolean };

function eventVersion(e: OsvEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? "";
}

/** The range's events with their versions, in PEP 440 order; unparsable versions dropped. */
function sortedEvents(range: OsvRange): Keyed[] {
  const keyed: Keyed[] = [];
  for (const event of range.events) {
    const text = eventVersion(event);
    if (event.introduced === "0") {
      keyed.push({ event, at: null, zero: true });
      continue;
    }
    const at = tryParseVersion(text);
    if (at !== null) keyed.push({ event, at, zero: false });
  }
  return keyed.sort((a, b) => {
    if (a.zero || b.zero) return a.zero === b.zero ? 0 : a.zero ? -1 : 1;
    return compareVersions(a.at!, b.at!);
  });
}

/** Whether `version` is inside the range (OSV's evaluation algorithm). */
function inRange(version: Version, events: Keyed[]): boolean {
  let affected = false;
  for (const { event, at, zero } of events) {
    if (event.introduced !== undefined) {
      if (zero || compareVersions(version, at!) >= 0) affected = true;
    } else if (event.fixed !== undefined || event.limit !== undefined) {
      if (compareVersions(version, at!) >= 0) affected = false;
    } else if (event.last_affected !== undefined) {
      if (compareVersions(version, at!) > 0) affected = false;
    }
  }
  return affected;
}

/** Sorted, unique PEP 440 versions (texts as the record spells them). */
function sortVersions(texts: Iterable<string>): string[] {
  const out: Array<[string, Version]> = [];
  for (const text of texts) {
    const v = tryParseVersion(text);
    if (v !== null && !out.some(([, w]) => versionsEqual(v, w))) out.push([text, v]);
  }
  return out.sort((a, b) => compareVersions(a[1], b[1])).map(([t]) => t);
}

/**
 * How `record` affects `name` at `version`, or null when it does not (or is withdrawn).
 *
 * @param name The distribution's name, any spelling (compared PEP 503-normalized).
 * @param version The installed version; a version that is not PEP 440 only matches explicit
 *   `versions` entries spelt the same way.
 */
export function matchRecord(record: OsvRecord, name: string, version: string): RecordMatch | null {
  if (record.withdrawn !== undefined) return null;
  const key = normalizeName(name);
  const parsed = tryParseVersion(version);
  let affected = false;
  const fixed = new Set<string>();
  let ranged = false;
  for (const entry of record.affected) {
    if (entry.package.ecosystem !== "PyPI" || normalizeName(entry.package.name) !== key) continue;
    for (const listed of entry.versions) {
      const v = tryParseVersion(listed);
      if (listed === version || (v !== null && parsed !== null && versionsEqual(v, parsed))) {
        affected = true;
      }
    }
    if (parsed === null) continue;
    for (const range of entry.ranges) {
      if (range.type !== "ECOSYSTEM" && range.type !== "SEMVER") continue;
      const events = sortedEvents(range);
      if (!inRange(parsed, events)) continue;
      affected = true;
      ranged = true;
      // Only the event that closes the interval holding the version: a later `fixed` closes
      // another interval (`[0,1.0) ∪ [1.5,2.0)` at 0.5 is fixed in 1.0, not in 2.0).
      for (const { event, at } of events) {
        if (at === null || compareVersions(at, parsed) <= 0) continue;
        if (event.fixed !== undefined) fixed.add(event.fixed);
        if (event.introduced === undefined) break;
      }
    }
    // An explicit version with no range: the fixes are the ranges' `fixed` events above it.
    if (affected && !ranged && fixed.size === 0) {
      for (const range of entry.ranges) {
        if (range.type !== "ECOSYSTEM" && range.type !== "SEMVER") continue;
        for (const { event, at } of sortedEvents(range)) {
          if (event.fixed !== undefined && compareVersions(at!, parsed) > 0) {
            fixed.add(event.fixed);
          }
        }
      }
    }
  }
  return affected ? { fixed: sortVersions(fixed) } : null;
}

/** The PEP 503-normalized names of the PyPI packages a record names (for indexing). */
export function pypiPackagesOf(record: OsvRecord): string[] {
  const names = new Set<string>();
  for (const entry of record.affected) {
    if (entry.package.ecosystem === "PyPI") names.add(normalizeName(entry.package.name));
  }
  return [...names];
}
