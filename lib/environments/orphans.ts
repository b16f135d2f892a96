import { join } from "../paths/mod.ts";
import { selectBackend } from "../backends/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { inspectVirtualenv, readPyvenvCfg } from "../virtualenv/mod.ts";
import { type EnvironmentContext, now } from "./context.ts";
import type { EnvironmentRecord } from "./environment_record.ts";
import { validateEnvironmentName } from "./environment_name.ts";
import { readRegistry, registryRecords, updateRegistry } from "./registry.ts";

/** An inconsistency between the registry and the disk. */
export interface Orphan {
  /** `unregistered`: an environment on disk that the registry does not know;
   * `missing`: a registry entry whose directory is gone or is no environment. */
  kind: "unregistered" | "missing";
  name: string;
  path: string;
  /** For `unregistered`: whether its `pyvenv.cfg` says gestvenv created it. */
  created_by_gestvenv: boolean;
}

/**
 * Compares the registry with the environments directory: directories holding a `pyvenv.cfg` that
 * no entry points to, and entries whose directory has no `pyvenv.cfg`. Requires `--allow-read`.
 */
export async function findOrphans(ctx: EnvironmentContext): Promise<Orphan[]> {
  const doc = await readRegistry(ctx.home.registryFile);
  const records = registryRecords(doc);
  const known = new Set(records.map((r) => r.path));
  const orphans: Orphan[] = [];
  for (const record of records) {
    if ((await readPyvenvCfg(record.path)) === undefined) {
      orphans.push({
        kind: "missing",
        name: record.name,
        path: record.path,
        created_by_gestvenv: true,
      });
    }
  }
  try {
    for await (const entry of Deno.readDir(ctx.settings.environmentsDir)) {
      const path = join(ctx.settings.environmentsDir, entry.name);
      if (!entry.isDirectory || known.has(path)) continue;
      const cfg = await readPyvenvCfg(path);
      if (cfg === undefined) continue;
      orphans.push({
        kind: "unregistered",
        name: entry.name,
        path,
        created_by_gestvenv: cfg.has("gestvenv"),
      });
    }
  } catch { /* no environments directory yet */ }
  return orphans.sort((a, b) => a.name.localeCompare(b.name));
}

/** What `cleanup --orphaned` did. */
export interface CleanupReport {
  /** Registry entries dropped because their directory is gone. */
  dropped: string[];
  /** Environments on disk that were registered. */
  adopted: string[];
  /** Unregistered environments deleted (`removeUnregistered`). */
  removed: string[];
  /** Unregistered directories left alone, with the reason. */
  skipped: Array<{ name: string; reason: string }>;
}

async function adoptionRecord(
  ctx: EnvironmentContext,
  name: string,
  path: string,
): Promise<EnvironmentRecord> {
  const cfg = (await readPyvenvCfg(path))!;
  const layout = await inspectVirtualenv(path);
  const python = await Deno.realPath(layout!.python).catch(() =>
    join(cfg.get("home") ?? "", "python3")
  );
  const stat = await Deno.stat(join(path, "pyvenv.cfg"));
  const created = (stat.birthtime ?? stat.mtime ?? new Date()).toISOString();
  const version = cfg.get("version") ?? cfg.get("version_info")?.split(".").slice(0, 3).join(".") ??
    "unknown";
  const backend = await selectBackend(ctx.settings.backend, ctx.settings.uvPath);
  const installed = await readInstalledDistributions(layout!.sitePackages);
  return {
    name,
    path,
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

/**
 * Reconciles the registry with the disk: drops entries whose directory is gone, and registers
 * (adopts) environments found in the environments directory, or with `removeUnregistered`
 * deletes those that gestvenv created instead (others are never deleted).
 */
export async function cleanupOrphaned(
  ctx: EnvironmentContext,
  options: { removeUnregistered?: boolean; dryRun?: boolean } = {},
): Promise<CleanupReport> {
  const orphans = await findOrphans(ctx);
  const report: CleanupReport = { dropped: [], adopted: [], removed: [], skipped: [] };
  const adopt: EnvironmentRecord[] = [];
  for (const orphan of orphans) {
    if (orphan.kind === "missing") {
      report.dropped.push(orphan.name);
      continue;
    }
    if (options.removeUnregistered) {
      if (!orphan.created_by_gestvenv) {
        report.skipped.push({ name: orphan.name, reason: "not created by gestvenv" });
        continue;
      }
      if (!options.dryRun) await Deno.remove(orphan.path, { recursive: true });
      report.removed.push(orphan.name);
      continue;
    }
    try {
      validateEnvironmentName(orphan.name);
    } catch {
      report.skipped.push({
        name: orphan.name,
        reason: "the directory name is not a valid environment name",
      });
      continue;
    }
    adopt.push(await adoptionRecord(ctx, orphan.name, orphan.path));
    report.adopted.push(orphan.name);
  }
  if (!options.dryRun && (report.dropped.length > 0 || adopt.length > 0)) {
    await updateRegistry(ctx.home.registryFile, (doc) => {
      for (const name of report.dropped) delete doc.environments[name];
      for (const record of adopt) {
        if (doc.environments[record.name] === undefined) doc.environments[record.name] = record;
      }
    });
  }
  return report;
}
