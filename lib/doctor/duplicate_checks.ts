/**
 * `env.duplicate_files`: two installed distributions whose `RECORD`s claim the same file. When
 * their RECORDs give different hashes (or one gives none), the one installed last overwrote the
 * other's copy, and uninstalling either removes the file the other needs: an error, with no
 * automatic fix (which one should own the file is the user's call). When every claim records the
 * same sha256 and size, the file is shared on purpose (the empty `__init__.py` of a pkgutil-style
 * namespace, e.g. `backports/__init__.py`, `nvidia/__init__.py`): only `info`.
 *
 * @module
 */
import { readInstalledDistributions, readRecord } from "../distribution/mod.ts";
import type { EnvironmentRecord } from "../environments/mod.ts";
import { dirname, join } from "../paths/mod.ts";
import type { VirtualenvLayout } from "../virtualenv/mod.ts";
import { type DoctorCheck, environmentSubject, ok } from "./doctor_check.ts";

/** A file two or more distributions claim. */
export interface DuplicateFile {
  /** The path as RECORD writes it (relative to site-packages). */
  path: string;
  /** The claiming distributions, `name version`, sorted. */
  owners: string[];
  /** Whether every claim records the same sha256 (non-empty) and size: the same bytes. */
  identical: boolean;
}

/**
 * Files of `layout` that more than one installed distribution's RECORD lists (bytecode caches
 * and directories excluded), sorted by path. Read-only.
 */
export async function duplicateFiles(layout: VirtualenvLayout): Promise<DuplicateFile[]> {
  const owners = new Map<string, Map<string, string>>();
  for (const dist of await readInstalledDistributions(layout.sitePackages)) {
    const site = dirname(dist.dist_info);
    const entries = await readRecord(dist.dist_info).catch(() => undefined) ?? [];
    for (const entry of entries) {
      if (/(^|\/)__pycache__\/|\.pyc$/.test(entry.path) || entry.path.endsWith("/")) continue;
      const key = entry.path.startsWith("/") ? entry.path : join(site, entry.path);
      let set = owners.get(key);
      if (set === undefined) owners.set(key, set = new Map());
      set.set(`${dist.normalized_name} ${dist.version}`, `${entry.hash},${entry.size ?? ""}`);
    }
  }
  const out: DuplicateFile[] = [];
  for (const [path, set] of owners) {
    if (set.size < 2) continue;
    const site = layout.sitePackages.find((s) => path.startsWith(`${s}/`));
    const claims = new Set(set.values());
    const [claim] = claims;
    out.push({
      path: site === undefined ? path : path.slice(site.length + 1),
      owners: [...set.keys()].sort(),
      identical: claims.size === 1 && !claim!.startsWith(","),
    });
  }
  return out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * `env.duplicate_files`: see the module documentation. An error naming both owners when a file's
 * claims differ; `info` when every shared file is claimed identically.
 */
export async function checkDuplicateFiles(
  record: EnvironmentRecord,
  layout: VirtualenvLayout,
): Promise<DoctorCheck> {
  const subject = environmentSubject(record.name);
  const all = await duplicateFiles(layout);
  if (all.length === 0) {
    return ok("env.duplicate_files", subject, "no file is claimed by two distributions");
  }
  const duplicates = all.filter((d) => !d.identical);
  const shared = all.length - duplicates.length;
  if (duplicates.length === 0) {
    const shown = all.slice(0, 3).map((d) => `${d.path} (${d.owners.join(" and ")})`);
    return {
      id: "env.duplicate_files",
      severity: "info",
      subject,
      message: `${shared} file(s) shipped byte for byte by several distributions (a shared ` +
        `namespace package): ${shown.join("; ")}${all.length > 3 ? "; …" : ""}. Harmless; ` +
        "uninstalling one of them removes the file, and `gestvenv repair " + record.name +
        " --fix env.files` puts it back",
      items: [...new Set(all.flatMap((d) => d.owners))].sort(),
    };
  }
  const shown = duplicates.slice(0, 3).map((d) => `${d.path} (${d.owners.join(" and ")})`);
  const more = duplicates.length > 3 ? ` and ${duplicates.length - 3} more` : "";
  const names = [...new Set(duplicates.flatMap((d) => d.owners))].sort();
  const [drop, keep] = duplicates[0]!.owners.map((o) => o.split(" ")[0]!);
  return {
    id: "env.duplicate_files",
    severity: "error",
    subject,
    message: `files claimed by two distributions: ${shown.join("; ")}${more}. The one installed ` +
      "last overwrote the other's copy; uninstalling either removes the file the other needs" +
      (shared > 0 ? ` (and ${shared} file(s) shared byte for byte, which is harmless)` : ""),
    fix: {
      command: `gestvenv uninstall ${drop} --env ${record.name} (the one you do not need), then ` +
        `gestvenv repair ${record.name} --fix env.files (reinstalls ${keep}'s copy)`,
    },
    items: names,
  };
}
