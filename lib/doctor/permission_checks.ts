/**
 * `env.permissions`: the environment's directory, scripts directory and site-packages are
 * writable by the current user (installs write there), and the console scripts distributions
 * installed are executable; and its fix, which restores the execute bits of those scripts only
 * (regular files a distribution's `RECORD` lists in the scripts directory: never a file gestvenv
 * did not install). Symbolic links are never followed: a script that is a link is neither
 * reported nor changed, so no file outside the environment is ever touched.
 *
 * @module
 */
import { readInstalledDistributions, readRecord } from "../distribution/mod.ts";
import type { EnvironmentRecord } from "../environments/mod.ts";
import { dirname, join } from "../paths/mod.ts";
import type { VirtualenvLayout } from "../virtualenv/mod.ts";
import { type DoctorCheck, environmentSubject, ok } from "./doctor_check.ts";

/** What {@linkcode permissionProblems} found. */
export interface PermissionProblems {
  /** Directories (environment, scripts, site-packages) the current user cannot write. */
  notWritable: string[];
  /** Console scripts (listed by a distribution's RECORD) without an execute bit for the user. */
  notExecutable: string[];
}

/** Whether the current user may write to (`0o2`) or execute (`0o1`) a file with `info`. */
function allowed(info: Deno.FileInfo, bit: 0o2 | 0o1): boolean {
  const mode = info.mode;
  if (mode === null) return true; // Windows: no POSIX modes to check
  let uid: number | null = null;
  let gid: number | null = null;
  try {
    uid = Deno.uid();
    gid = Deno.gid();
  } catch { /* no --allow-sys: judge by "other" and the owner bits */ }
  // root writes anything; it executes a file only when some execute bit is set.
  if (uid === 0) return bit === 0o2 || (mode & 0o111) !== 0;
  if (uid !== null && info.uid === uid) return (mode & (bit << 6)) !== 0;
  if (gid !== null && info.gid === gid) return (mode & (bit << 3)) !== 0;
  return (mode & bit) !== 0;
}

/**
 * The scripts a distribution installed in `layout`'s scripts directory (from each RECORD),
 * sorted. Requires `--allow-read`.
 */
export async function installedScripts(layout: VirtualenvLayout): Promise<string[]> {
  const scripts = new Set<string>();
  for (const dist of await readInstalledDistributions(layout.sitePackages)) {
    const site = dirname(dist.dist_info);
    const entries = await readRecord(dist.dist_info).catch(() => undefined) ?? [];
    for (const entry of entries) {
      const path = entry.path.startsWith("/") ? entry.path : join(site, entry.path);
      const normalized = normalizePath(path);
      if (dirname(normalized) === layout.binDir) scripts.add(normalized);
    }
  }
  return [...scripts].sort();
}

/** `a/b/../c` → `a/c` (RECORD paths of scripts are `../../../bin/x` from site-packages). */
function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return (path.startsWith("/") ? "/" : "") + out.join("/");
}

/** What is wrong with the permissions of the environment at `layout`. Read-only. */
export async function permissionProblems(layout: VirtualenvLayout): Promise<PermissionProblems> {
  const notWritable: string[] = [];
  for (const dir of [layout.root, layout.binDir, ...layout.sitePackages]) {
    const info = await Deno.stat(dir).catch(() => undefined);
    if (info !== undefined && !allowed(info, 0o2)) notWritable.push(dir);
  }
  const notExecutable: string[] = [];
  for (const script of await installedScripts(layout)) {
    // lstat: a link is not the environment's file (its target may be anywhere).
    const info = await Deno.lstat(script).catch(() => undefined);
    if (info !== undefined && info.isFile && !allowed(info, 0o1)) notExecutable.push(script);
  }
  return { notWritable, notExecutable };
}

/** `env.permissions`: see the module documentation. A warning when anything is wrong. */
export async function checkPermissions(
  record: EnvironmentRecord,
  layout: VirtualenvLayout,
): Promise<DoctorCheck> {
  const subject = environmentSubject(record.name);
  const { notWritable, notExecutable } = await permissionProblems(layout);
  if (notWritable.length === 0 && notExecutable.length === 0) {
    return ok("env.permissions", subject, "writable, and every installed script is executable");
  }
  const parts: string[] = [];
  if (notWritable.length > 0) parts.push(`not writable by you: ${notWritable.join(", ")}`);
  if (notExecutable.length > 0) {
    parts.push(
      `${notExecutable.length} script(s) not executable: ${
        notExecutable.map((p) => p.slice(layout.binDir.length + 1)).join(", ")
      }`,
    );
  }
  const commands = [
    ...(notWritable.length > 0 ? [`chmod -R u+w ${quote(layout.root)}`] : []),
    ...(notExecutable.length > 0 ? [`chmod +x ${notExecutable.map(quote).join(" ")}`] : []),
  ];
  return {
    id: "env.permissions",
    severity: "warning",
    subject,
    message: parts.join("; "),
    fix: {
      command: commands.join(" && "),
      ...(notExecutable.length > 0
        ? { auto: "restore the execute bits of the scripts distributions installed" }
        : {}),
    },
    items: [...notWritable, ...notExecutable],
  };
}

function quote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'"'"'`)}'`;
}

/**
 * Restores the execute bits (where the read bits are: `u+x` for `u+r`, and so on) of the scripts
 * a distribution installed in `layout` that lack them. Files no RECORD lists, files outside the
 * scripts directory, and symbolic links (checked again just before each change) are left alone.
 * @returns The scripts changed.
 */
export async function restoreExecuteBits(layout: VirtualenvLayout): Promise<string[]> {
  const { notExecutable } = await permissionProblems(layout);
  const changed: string[] = [];
  for (const script of notExecutable) {
    const info = await Deno.lstat(script).catch(() => undefined);
    if (info === undefined || !info.isFile || dirname(script) !== layout.binDir) continue;
    const mode = info.mode ?? 0o644;
    await Deno.chmod(script, (mode & 0o7777) | ((mode & 0o444) >> 2) | 0o100);
    changed.push(script);
  }
  return changed;
}
