/**
 * `env.duplicate_files`: two installed distributions whose `RECORD`s claim the same file. The one
 * installed last overwrote the other's copy, and uninstalling either removes the file the other
 * needs. No automatic fix: which one should own the file is the user's call.
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
}

/**
 * Files of `layout` that more than one installed distribution's RECORD lists (bytecode caches
 * and directories excluded), sorted by path. Read-only.
 */
export async function duplicateFiles(layout: VirtualenvLayout): Promise<DuplicateFile[]> {
  const owners = new Map<string, Set<string>>();
  for (const dist of await readInstalledDistributions(layout.sitePackages)) {
    const site = dirname(dist.dist_info);
    const entries = await readRecord(dist.dist_info).catch(() => undefined) ?? [];
    for (const entry of entries) {
      if (/(^|\/)__pycache__\/|\.pyc$/.test(entry.path) || entry.path.endsWith("/")) continue;
      const key = entry.path.startsWith("/") ? entry.path : join(site, entry.path);
      let set = owners.get(key);
      if (set === undefined) owners.set(key, set = new Set());
      set.add(`${dist.normalized_name} ${dist.version}`);
    }
  }
  const out: DuplicateFile[] = [];
  for (const [path, set] of owners) {
    if (set.size < 2) continue;
    const site = layout.sitePackages.find((s) => path.startsWith(`${s}/`));
    out.push({
      path: site === undefined ? path : path.slice(site.length + 1),
      owners: [...set].sort(),
    });
  }
  return out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** `env.duplicate_files`: see the module documentation. An error naming both owners. */
export async function checkDuplicateFiles(
  record: EnvironmentRecord,
  layout: VirtualenvLayout,
): Promise<DoctorCheck> {
  const subject = environmentSubject(record.name);
  const duplicates = await duplicateFiles(layout);
  if (duplicates.length === 0) {
    return ok("env.duplicate_files", subject, "no file is claimed by two distributions");
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
      "last overwrote the other's copy; uninstalling either removes the file the other needs",
    fix: {
      command: `gestvenv uninstall ${drop} --env ${record.name} (the one you do not need), then ` +
        `gestvenv repair ${record.name} --fix env.files (reinstalls ${keep}'s copy)`,
    },
    items: names,
  };
}
