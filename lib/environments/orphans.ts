/**
 * The registry against the disk: environments the registry does not know, entries whose directory
 * is gone or broken, leftovers of killed commands; and `cleanup`, which reconciles them as a plan
 * (computed, shown, confirmed) and then applies it, environment by environment, under each
 * environment's lock (anything locked is being created or changed by another process: skipped).
 *
 * Nothing is deleted unless gestvenv can prove it made it: its marker file (a random id the
 * registry recorded), not listed by any registry copy that was moved aside after damage.
 *
 * @module
 */
import { readInstalledDistributions } from "../distribution/mod.ts";
import { type LockHolder, pathExists, treeSize, tryWithFileLock } from "../fs/mod.ts";
import { join } from "../paths/mod.ts";
import { selectBackend } from "../backends/mod.ts";
import { BIN_NAME, inspectVirtualenv, readPyvenvCfg } from "../virtualenv/mod.ts";
import {
  changeRegistry,
  type EnvironmentContext,
  environmentLockFile,
  loadRegistry,
  now,
} from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { isValidEnvironmentName } from "./environment_name.ts";
import { type EnvironmentMarker, readEnvironmentMarker } from "./environment_marker.ts";
import { journalNames, readJournal } from "./journal.ts";
import { recoverInterrupted, type Recovery } from "./recover_interrupted.ts";
import { corruptRegistryCopies, readRegistryCopy, registryRecords } from "./registry.ts";
import { leftoverPath, parseLeftoverName } from "./staging.ts";
import { hasMigrationBackupMarker } from "./migration_backup.ts";

/** An inconsistency between the registry and the disk. */
export interface Orphan {
  /**
   * `unregistered`: a complete environment on disk that the registry does not know;
   * `missing`: a registry entry whose directory is gone;
   * `broken`: a registered or unregistered directory that is not a complete environment;
   * `leftover`: a staging or trash directory of a command that was killed;
   * `interrupted`: an operation of the journal that a killed command did not finish;
   * `invalid`: a registry entry that is not a valid record.
   */
  kind: "unregistered" | "missing" | "broken" | "leftover" | "interrupted" | "invalid";
  name: string;
  path: string;
  /** Why, in words (null for `unregistered` and `missing`). */
  reason: string | null;
  /** The command that fixes it, or null. */
  fix: string | null;
  /** Whether gestvenv's marker is there (it created the directory). */
  created_by_gestvenv: boolean;
  /** Whether the registry has an entry for it. */
  registered: boolean;
  /**
   * `false` when nobody holds its lock; otherwise it is being created or changed right now (leave
   * it alone): who holds it, or null when unknown.
   */
  busy: LockHolder | null | false;
}

/** Whether the lock of `name` is free; when busy, who holds it (undefined when unknown). */
async function lockState(
  ctx: EnvironmentContext,
  name: string,
): Promise<{ free: true } | { free: false; holder: LockHolder | undefined }> {
  const result = await tryWithFileLock(environmentLockFile(ctx, name), () => Promise.resolve());
  return result.acquired ? { free: true } : { free: false, holder: result.holder };
}

/** The interpreter a script's shebang (or pip's `/bin/sh` launcher) runs, if it names one. */
function scriptInterpreter(head: string): string | undefined {
  if (!head.startsWith("#!")) return undefined;
  const first = head.slice(2).split("\n")[0]!.trim();
  if (/\/bin\/sh$/.test(first)) {
    return /'''exec' '?"?([^'" ]+)/.exec(head)?.[1];
  }
  return first.split(/\s/)[0];
}

/**
 * Why the directory at `path` is not a complete, working environment, or null when it is: a
 * `pyvenv.cfg` with `home` and a version, an interpreter link that resolves, and no script whose
 * interpreter lies in another environment (a half-made copy still runs its source's Python).
 * Requires `--allow-read`.
 */
export async function incompleteReason(path: string): Promise<string | null> {
  const cfg = await readPyvenvCfg(path);
  if (cfg === undefined) return "it has no pyvenv.cfg";
  if (
    cfg.get("home") === undefined || (cfg.get("version") ?? cfg.get("version_info")) === undefined
  ) {
    return "its pyvenv.cfg has no `home` or version";
  }
  const layout = await inspectVirtualenv(path);
  const target = await Deno.realPath(layout!.python).catch(() => undefined);
  if (target === undefined || !(await Deno.stat(target)).isFile) {
    return `its interpreter link ${layout!.python} is broken`;
  }
  const binDir = join(path, BIN_NAME);
  try {
    for await (const entry of Deno.readDir(binDir)) {
      if (!entry.isFile) continue;
      const file = await Deno.open(join(binDir, entry.name));
      const buffer = new Uint8Array(1024);
      const n = await file.read(buffer).finally(() => file.close());
      const python = scriptInterpreter(new TextDecoder().decode(buffer.subarray(0, n ?? 0)));
      if (
        python !== undefined && python.startsWith("/") && /\/bin\/python[\d.]*$/.test(python) &&
        !python.startsWith(path + "/")
      ) {
        return `its script ${BIN_NAME}/${entry.name} runs ${python}, outside the environment`;
      }
    }
  } catch { /* no scripts directory: nothing points outside */ }
  return null;
}

/**
 * Compares the registry with the environments directory and the journal. Read-only: it takes no
 * lock for longer than a glance (to tell busy directories from abandoned ones).
 * Requires `--allow-read`.
 */
export async function findOrphans(ctx: EnvironmentContext): Promise<Orphan[]> {
  const registry = await loadRegistry(ctx);
  const records = registryRecords(registry);
  const known = new Set(records.map((r) => r.path));
  const orphans: Orphan[] = [];
  const base = { created_by_gestvenv: true, busy: false as const, registered: false };
  for (const [name, { reason }] of registry.invalid) {
    orphans.push({
      ...base,
      kind: "invalid",
      name,
      path: ctx.home.registryFile,
      reason,
      fix: "gestvenv cleanup --orphaned",
    });
  }
  const journaled = new Set<string>();
  for (const { entry } of await readJournal(ctx)) {
    if (entry === undefined) continue;
    const names = journalNames(entry);
    for (const n of names) journaled.add(n);
    const state = await lockState(ctx, names[0]!);
    orphans.push({
      ...base,
      kind: "interrupted",
      name: names.join(" → "),
      path: entry.op === "rename"
        ? entry.old_path
        : entry.op === "delete" || entry.op === "migrate-backend"
        ? entry.path
        : entry.final_path,
      reason: `\`${entry.command}\` (pid ${entry.pid}) did not finish its ${entry.op}`,
      fix: "gestvenv cleanup --orphaned",
      busy: state.free ? false : state.holder ?? null,
    });
  }
  for (const record of records) {
    if (journaled.has(record.name)) continue;
    if (!(await pathExists(record.path))) {
      orphans.push({
        ...base,
        registered: true,
        kind: "missing",
        name: record.name,
        path: record.path,
        reason: null,
        fix: "gestvenv cleanup --orphaned",
      });
    } else if ((await readPyvenvCfg(record.path)) === undefined) {
      orphans.push({
        ...base,
        registered: true,
        kind: "broken",
        name: record.name,
        path: record.path,
        reason: "it has no pyvenv.cfg",
        fix: `gestvenv delete ${record.name}, then create it again`,
      });
    }
  }
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(ctx.settings.environmentsDir.value));
  } catch { /* no environments directory yet */ }
  for (const entry of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
    const path = join(ctx.settings.environmentsDir.value, entry.name);
    if (!entry.isDirectory || known.has(path)) continue;
    const leftover = parseLeftoverName(entry.name);
    if (leftover !== undefined) {
      const state = await lockState(ctx, leftover.target);
      if (journaled.has(leftover.target) && state.free) continue; // reported as interrupted
      orphans.push({
        ...base,
        kind: "leftover",
        name: leftover.target,
        path,
        reason:
          `a ${leftover.kind} directory of pid ${leftover.pid} (${leftover.startedAt.toISOString()})`,
        fix: state.free ? "gestvenv cleanup --orphaned" : null,
        busy: state.free ? false : state.holder ?? null,
      });
      continue;
    }
    if (entry.name.startsWith(".") || journaled.has(entry.name)) continue;
    const cfg = await readPyvenvCfg(path);
    const marker = await readEnvironmentMarker(path);
    if (cfg === undefined && marker === undefined) continue; // not an environment: not ours
    const state = await lockState(ctx, entry.name);
    const reason = await incompleteReason(path);
    orphans.push({
      kind: reason === null ? "unregistered" : "broken",
      name: entry.name,
      path,
      reason,
      fix: reason === null
        ? "gestvenv cleanup --orphaned"
        : marker !== undefined
        ? "gestvenv cleanup --orphaned --remove-unregistered"
        : `remove ${path} yourself if it is not needed`,
      created_by_gestvenv: marker !== undefined,
      registered: false,
      busy: state.free ? false : state.holder ?? null,
    });
  }
  return orphans.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** A record for an environment found on disk (adoption). */
async function adoptionRecord(
  ctx: EnvironmentContext,
  name: string,
  path: string,
): Promise<EnvironmentRecord> {
  const cfg = (await readPyvenvCfg(path))!;
  const layout = (await inspectVirtualenv(path))!;
  const python = await Deno.realPath(layout.python);
  const stat = await Deno.stat(join(path, "pyvenv.cfg"));
  const created = (stat.birthtime ?? stat.mtime ?? new Date()).toISOString();
  const version = cfg.get("version") ?? cfg.get("version_info")?.split(".").slice(0, 3).join(".") ??
    "unknown";
  const backend = await selectBackend(ctx.settings.backend.value, ctx.settings.uvPath.value);
  const installed = await readInstalledDistributions(layout.sitePackages);
  const marker = await readEnvironmentMarker(path);
  return {
    name,
    path,
    id: marker?.id ?? null,
    python: {
      path: python,
      version,
      implementation: (cfg.get("implementation") ?? "cpython").toLowerCase(),
    },
    backend: backend.name,
    description: null,
    created_at: created,
    last_used_at: now(),
    requirements: installed.filter((d) => d.requested).map((d) => d.name),
    packages: installed.map((d) => ({ name: d.name, version: d.version })),
  };
}

/** What to clean up. */
export interface CleanupOptions {
  /** Reconcile registry and disk: drop missing entries, adopt complete environments, finish
   * interrupted operations, remove abandoned leftovers. @default false */
  orphaned?: boolean;
  /** Delete unregistered environments gestvenv made instead of adopting them. @default false */
  removeUnregistered?: boolean;
  /** Bring back entries from registry copies moved aside after damage. @default false */
  restoreRegistry?: boolean;
}

/** One thing cleanup will do. */
export interface CleanupAction {
  /** `recover`, `remove-leftover`, `drop`, `drop-invalid`, `adopt`, `remove`, `restore`. */
  action: "recover" | "remove-leftover" | "drop" | "drop-invalid" | "adopt" | "remove" | "restore";
  name: string;
  path: string;
  /** Size in bytes, for removals. */
  size_bytes: number | null;
  /** For `adopt`/`restore`: the record to register; for `remove`: the marker id checked. */
  record?: EnvironmentRecord | undefined;
  id?: string | undefined;
  /** Words for the user. */
  detail: string;
}

/** A cleanup plan: what will be done, and what is left alone with why. */
export interface CleanupPlan {
  actions: CleanupAction[];
  /** Left alone, with the reason and the command that would fix it. */
  skipped: Array<{ name: string; path: string; reason: string; fix: string | null }>;
}

/**
 * Why a registry copy moved aside after damage may still list the environment at `path` (so it
 * must not be deleted as unregistered), or undefined: the copy names its id or path, or the copy
 * is damaged beyond reading and the environment is older than the copy's last write.
 */
async function listedInCopies(
  file: string,
  marker: EnvironmentMarker,
  path: string,
): Promise<string | undefined> {
  for (const copy of await corruptRegistryCopies(file)) {
    const read = await readRegistryCopy(copy).catch(() => undefined);
    if (read === undefined) continue;
    const needles = [marker.id, path].map((n) => JSON.stringify(n).slice(1, -1));
    if (needles.some((n) => read.text.includes(n))) {
      return `it is listed in ${copy}, a registry moved aside after damage`;
    }
    const created = Date.parse(marker.created_at);
    if (read.damaged && (read.modified === null || !(created > read.modified.getTime()))) {
      return `it is older than ${copy}, a registry moved aside after damage that could not be ` +
        "read whole, so it may be listed there";
    }
  }
  return undefined;
}

/**
 * Computes what `cleanup` would do, changing nothing.
 * Requires `--allow-read`.
 */
export async function planCleanup(
  ctx: EnvironmentContext,
  options: CleanupOptions,
): Promise<CleanupPlan> {
  const plan: CleanupPlan = { actions: [], skipped: [] };
  const skip = (o: { name: string; path: string }, reason: string, fix: string | null = null) =>
    plan.skipped.push({ name: o.name, path: o.path, reason, fix });
  const registry = await loadRegistry(ctx);
  if (options.orphaned) {
    for (const o of await findOrphans(ctx)) {
      if (o.busy !== false) {
        skip(
          o,
          `in use by ${
            o.busy === null ? "another process" : `\`${o.busy.command}\` (pid ${o.busy.pid})`
          }`,
        );
        continue;
      }
      const base = { name: o.name, path: o.path, size_bytes: null };
      switch (o.kind) {
        case "interrupted":
          plan.actions.push({ ...base, action: "recover", detail: o.reason! });
          break;
        case "leftover":
          if (await hasMigrationBackupMarker(o.path)) {
            // A migrate-backend copy with no journal entry: it may be the only good copy.
            skip(
              o,
              "it is the copy an interrupted migrate-backend made of the environment; compare " +
                "them, then keep one and remove the other yourself",
            );
            break;
          }
          plan.actions.push({
            ...base,
            action: "remove-leftover",
            size_bytes: await treeSize(o.path).catch(() => 0),
            detail: o.reason!,
          });
          break;
        case "missing":
          plan.actions.push({ ...base, action: "drop", detail: "its directory is gone" });
          break;
        case "invalid": {
          const value = registry.invalid.get(o.name)?.value;
          const empty = value === null || typeof value !== "object" ||
            typeof (value as Record<string, unknown>).path !== "string";
          if (empty) {
            plan.actions.push({ ...base, action: "drop-invalid", detail: o.reason! });
          } else skip(o, `the registry entry is invalid (${o.reason}); fix it by hand`);
          break;
        }
        case "broken":
        case "unregistered": {
          if (o.registered) {
            skip(o, `it is broken: ${o.reason}`, o.fix);
            break;
          }
          if (!options.removeUnregistered) {
            if (o.kind === "broken") {
              skip(o, `it is not a complete environment: ${o.reason}`, o.fix);
              break;
            }
            if (!isValidEnvironmentName(o.name)) {
              skip(o, "its directory name is not a valid environment name");
              break;
            }
            plan.actions.push({
              ...base,
              action: "adopt",
              record: await adoptionRecord(ctx, o.name, o.path),
              detail: "a complete environment the registry did not know",
            });
            break;
          }
          const marker = await readEnvironmentMarker(o.path);
          if (marker === undefined) {
            skip(o, "gestvenv did not create it (no gestvenv marker); it is never deleted");
            break;
          }
          const listed = await listedInCopies(ctx.home.registryFile, marker, o.path);
          if (listed !== undefined) {
            skip(
              o,
              listed,
              "gestvenv cleanup --restore-registry, or adopt it: gestvenv cleanup --orphaned",
            );
            break;
          }
          plan.actions.push({
            ...base,
            action: "remove",
            id: marker.id,
            size_bytes: await treeSize(o.path),
            detail: o.kind === "broken"
              ? `an unregistered environment gestvenv created, broken: ${o.reason}`
              : "an unregistered environment gestvenv created",
          });
          break;
        }
      }
    }
  }
  if (options.restoreRegistry) {
    const taken = new Set(registry.environments.keys());
    const paths = new Set([...registry.environments.values()].map((r) => r.path));
    for (const copy of await corruptRegistryCopies(ctx.home.registryFile)) {
      for (const record of registryRecords((await readRegistryCopy(copy)).registry)) {
        if (taken.has(record.name) || paths.has(record.path)) continue;
        taken.add(record.name);
        const marker = await readEnvironmentMarker(record.path);
        const reason = await incompleteReason(record.path).catch(() => "it cannot be read");
        if (!(await pathExists(record.path))) {
          skip(record, `listed in ${copy}, but its directory is gone`);
        } else if (reason !== null) {
          skip(record, `listed in ${copy}, but ${reason}`);
        } else if (record.id !== null && marker?.id !== record.id) {
          skip(record, `listed in ${copy}, but its directory holds another environment`);
        } else {
          plan.actions.push({
            action: "restore",
            name: record.name,
            path: record.path,
            size_bytes: null,
            record,
            detail: `from ${copy}`,
          });
        }
      }
    }
  }
  return plan;
}

/** What `applyCleanup` did. */
export interface CleanupReport {
  /** Actions done. */
  done: CleanupAction[];
  /** Operations of killed commands that were finished or undone. */
  recovered: Recovery[];
  /** Actions not done because the state changed since planning, with why. */
  skipped: Array<{ name: string; path: string; reason: string; fix: string | null }>;
}

/**
 * Applies a cleanup plan. Each action re-checks its environment under that environment's lock,
 * taken without waiting: a locked environment is being created or changed and is skipped.
 * Requires `--allow-read` and `--allow-write`.
 */
export async function applyCleanup(
  ctx: EnvironmentContext,
  plan: CleanupPlan,
): Promise<CleanupReport> {
  const report: CleanupReport = { done: [], recovered: [], skipped: [...plan.skipped] };
  if (plan.actions.some((a) => a.action === "recover")) {
    report.recovered = await recoverInterrupted(ctx);
  }
  for (const action of plan.actions) {
    if (action.action === "recover") continue;
    const lockName = action.name;
    const result = await tryWithFileLock(environmentLockFile(ctx, lockName), async (): Promise<
      string | null
    > => {
      // Re-checked under the lock: the reason it was not done, or null when done.
      const registry = await loadRegistry(ctx);
      switch (action.action) {
        case "remove-leftover":
          if (!(await pathExists(action.path))) return "it is gone already";
          await Deno.remove(action.path, { recursive: true });
          return null;
        case "drop":
          if (registry.environments.get(action.name)?.path !== action.path) return "it changed";
          if (await pathExists(action.path)) return "its directory is back";
          await changeRegistry(ctx, (r) => {
            if (r.environments.get(action.name)?.path === action.path) {
              r.environments.delete(action.name);
            }
          });
          return null;
        case "drop-invalid":
          await changeRegistry(ctx, (r) => r.invalid.delete(action.name));
          return null;
        case "adopt":
        case "restore": {
          if (registry.environments.has(action.name)) return "the name is registered now";
          const reason = await incompleteReason(action.path);
          if (reason !== null) return reason;
          const added = await changeRegistry(ctx, (r) => {
            if (r.environments.has(action.name)) return false;
            r.environments.set(action.name, action.record!);
            return true;
          });
          return added ? null : "the name is registered now";
        }
        case "remove": {
          if ([...registry.environments.values()].some((r) => r.path === action.path)) {
            return "it is registered now";
          }
          if ((await readEnvironmentMarker(action.path))?.id !== action.id) {
            return "its marker changed";
          }
          const trash = leftoverPath(action.path, "trash");
          await Deno.rename(action.path, trash);
          await Deno.remove(trash, { recursive: true });
          return null;
        }
        default:
          return null;
      }
    }, { holder: { command: ctx.command ?? "gestvenv cleanup" } });
    if (!result.acquired) {
      report.skipped.push({
        name: action.name,
        path: action.path,
        reason: `in use by ${
          result.holder === undefined
            ? "another process"
            : `\`${result.holder.command}\` (pid ${result.holder.pid})`
        }`,
        fix: null,
      });
    } else if (result.value !== null) {
      report.skipped.push({
        name: action.name,
        path: action.path,
        reason: result.value,
        fix: null,
      });
    } else report.done.push(action);
  }
  return report;
}
