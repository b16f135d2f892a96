/**
 * The automatic migration of gestvenv's own older on-disk formats.
 *
 * Inventory of what carries a version, and what older version exists:
 * - the registry `environments.json`: `version: 1`, the only version this gestvenv ever wrote
 *   (newer ones are refused with `registry_too_new`); records made before `id`, `project` or
 *   `settings` existed are read as they are (`parseEnvironmentRecord` fills `id: null`): no step;
 * - environment records, `config.toml` keys, `pylock.toml` (`lock-version = "1.0"`), the export
 *   document (`gestvenv_export_version` 1 and 2 are both read), cache buckets (`*-v1`, the cache
 *   index's additive `MIGRATIONS`), the interpreter cache (`interpreter-v2`, re-probed when
 *   older): each is read as is, or rebuilt from what it caches: no step;
 * - the one older layout is **Python gestvenv 2.x's home**, the same `~/.gestvenv` folder:
 *   `config.json` and `environments/<name>/.gestvenv-metadata.json`, no `environments.json`.
 *   {@linkcode migrateHome} turns it into a registry (each complete environment registered where
 *   it is) and carries the settings that have a meaning here into `config.toml`.
 *
 * @module
 */
import { type GestvenvConfig, updateConfig } from "../config/mod.ts";
import {
  type EnvironmentContext,
  type EnvironmentRecord,
  formatRegistry,
  isValidEnvironmentName,
  lockOptions,
  now,
} from "../environments/mod.ts";
import { atomicWriteFile, failpoint, pathExists, withFileLock } from "../fs/mod.ts";
import { appendOperation, logsDirOf } from "../oplog/mod.ts";
import { join, readEnv } from "../paths/mod.ts";
import { readPyvenvCfg } from "../virtualenv/mod.ts";
import { backupHomeFiles } from "./backup_home.ts";
import { gestvenv2Environments } from "./detect_sources.ts";
import {
  type ConfigMapping,
  gestvenv2EnvironmentsPath,
  mapPythonGestvenvConfig,
  readJsonObjectChecked,
} from "./python_gestvenv.ts";

/** The Python gestvenv 2.x configuration file in a home: `<home>/config.json`. */
export const PYTHON_GESTVENV_CONFIG = "config.json";

/**
 * Whether the home is in Python gestvenv 2.x's layout and not migrated yet: no
 * `environments.json`, and a `config.json`. One `lstat` when the registry exists (every home
 * gestvenv has used), two otherwise.
 */
export async function homeNeedsMigration(home: { root: string; registryFile: string }): Promise<
  boolean
> {
  try {
    await Deno.lstat(home.registryFile);
    return false;
  } catch {
    try {
      return (await Deno.lstat(join(home.root, PYTHON_GESTVENV_CONFIG))).isFile;
    } catch {
      return false;
    }
  }
}

/** What {@linkcode migrateHome} did. */
export interface HomeMigrationResult {
  /** False when there was nothing to migrate (already migrated, or not an older home). */
  migrated: boolean;
  /** The backup folder of the old metadata files, or null. */
  backup: string | null;
  /** The environments registered. */
  registered: string[];
  /** Environments found but not registered, with why (their files stay). */
  skipped: Array<{ name: string; path: string; reason: string }>;
  /** The settings carried into `config.toml` and the old keys that were not. */
  config: ConfigMapping | null;
  /** Keys the mapping had but `config.toml` already set (left as they were). */
  configKept: string[];
  /**
   * Why `config.json` could not be used (not JSON, not an object), or null. Then no setting is
   * carried and the environments of `<home>/environments` are migrated.
   */
  configProblem: string | null;
}

function isoOrNow(value: unknown): string {
  if (typeof value !== "string") return now();
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? now() : date.toISOString();
}

/**
 * Migrates a Python gestvenv 2.x home to this gestvenv's layout, once:
 * 1. under the registry lock, re-checks that `environments.json` is still absent (a concurrent
 *    command may have migrated it; then nothing is done);
 * 2. copies `config.json` and every `.gestvenv-metadata.json` to `<home>/backups/<time>/`;
 * 3. carries the settings that have a meaning (`default_python`, `backend`, `offline_mode`,
 *    `cache.enabled`, `cache.max_size`, `environments_path`) into `config.toml` when it does not
 *    set them already;
 * 4. registers each complete environment of the old environments folder where it is (name from
 *    its metadata; Python from its `pyvenv.cfg`; backend `pip`/`uv` as recorded, else `native`;
 *    requirements from its `pyproject_info.dependencies`, else the distributions it asked for),
 *    and writes `environments.json` atomically, last (the registry exists afterwards even when
 *    empty, so the next command does one `lstat` and nothing else; a crash before it leaves a
 *    home the next command migrates, steps 1–3 being safe to repeat);
 * 5. appends a `migrate-home` line to the operation log.
 * A `config.json` with a UTF-8 BOM is read (Python's `utf-8-sig`); one that is not a JSON object
 * carries no setting (`configProblem` says why) and the environments of `<home>/environments`
 * are still migrated, so the check is not repeated by every command.
 * The old files are never deleted or changed. Environments that are not complete (interpreter
 * gone) are reported in `skipped`; `cleanup --orphaned` or `doctor` tell how to fix them.
 *
 * @throws {LockTimeoutError} When the registry stays locked past the lock timeout.
 */
export async function migrateHome(ctx: EnvironmentContext): Promise<HomeMigrationResult> {
  const started = Date.now();
  const none: HomeMigrationResult = {
    migrated: false,
    backup: null,
    registered: [],
    skipped: [],
    config: null,
    configKept: [],
    configProblem: null,
  };
  const home = ctx.home;
  const result = await withFileLock(`${home.registryFile}.lock`, async () => {
    if (await pathExists(home.registryFile)) return none;
    const read = await readJsonObjectChecked(join(home.root, PYTHON_GESTVENV_CONFIG));
    if (read.config === undefined && read.problem === undefined) return none; // gone meanwhile
    const config = read.config;
    const envDir = gestvenv2EnvironmentsPath(config, home.root, readEnv);
    const candidates = await gestvenv2Environments(envDir);
    // Metadata files outside the home (a custom `environments_path`) go under `external/`.
    const metadataFiles = candidates.filter((c) => c.metadata !== undefined).map((c) => {
      const source = join(c.path, ".gestvenv-metadata.json");
      return c.path.startsWith(home.root + "/")
        ? source.slice(home.root.length + 1)
        : { source, name: join("external", source) };
    });
    const backup = await backupHomeFiles(home, [PYTHON_GESTVENV_CONFIG, ...metadataFiles]);
    await failpoint("migrate-home.after-backup");
    const environments = new Map<string, EnvironmentRecord>();
    const skipped: HomeMigrationResult["skipped"] = [];
    for (const c of candidates) {
      if (c.problem !== null) {
        skipped.push({ name: c.name, path: c.path, reason: c.problem });
        continue;
      }
      if (!isValidEnvironmentName(c.name) || environments.has(c.name)) {
        skipped.push({
          name: c.name,
          path: c.path,
          reason: environments.has(c.name)
            ? "another environment has the same name"
            : "its name is not a valid gestvenv name",
        });
        continue;
      }
      const cfg = (await readPyvenvCfg(c.path))!;
      const meta = c.metadata ?? {};
      const pyproject = meta.pyproject_info as Record<string, unknown> | null | undefined;
      const deps = Array.isArray(pyproject?.dependencies) &&
          pyproject.dependencies.every((d) => typeof d === "string")
        ? pyproject.dependencies as string[]
        : undefined;
      const backendType = meta.backend_type;
      environments.set(c.name, {
        name: c.name,
        path: c.path,
        id: null,
        python: {
          path: c.python.path!,
          version: c.python.version ?? "unknown",
          implementation: (cfg.get("implementation") ?? "cpython").toLowerCase(),
        },
        backend: backendType === "pip" || backendType === "uv" ? backendType : "native",
        description: null,
        created_at: isoOrNow(meta.created_at),
        last_used_at: isoOrNow(meta.last_used ?? meta.updated_at),
        requirements: deps ?? [],
        packages: c.packages,
      });
    }
    // The settings first, the registry last: the registry's existence is what says the migration
    // is done, so a crash before it leaves a home the next command migrates again (carrying a
    // setting twice is a no-op: a key already holding the carried value counts as carried).
    const mapping = config === undefined
      ? null
      : mapPythonGestvenvConfig(config, join(home.root, "environments"));
    const configKept: string[] = [];
    const keys = Object.keys(mapping?.values ?? {}) as Array<keyof GestvenvConfig>;
    if (mapping !== null && keys.length > 0) {
      await updateConfig(home.configFile, (current) => {
        for (const key of keys) {
          const value = mapping.values[key];
          if (current[key] === undefined) current[key] = value;
          else if (current[key] !== value) configKept.push(key);
        }
      });
    }
    await failpoint("migrate-home.before-registry");
    await atomicWriteFile(
      home.registryFile,
      formatRegistry({ environments, invalid: new Map() }),
    );
    return {
      migrated: true,
      backup: backup.path,
      registered: [...environments.keys()].sort(),
      skipped,
      config: mapping,
      configKept,
      configProblem: read.problem ?? null,
    };
  }, lockOptions(ctx, "the environment registry"));
  if (result.migrated) {
    await appendOperation(logsDirOf(home), {
      time: new Date(started).toISOString(),
      command: "migrate-home",
      command_line: ctx.command ?? "gestvenv (library)",
      environments: result.registered,
      changes: [],
      duration_ms: Date.now() - started,
      exit_code: 0,
      error: null,
      version: ctx.creatorVersion,
    }).catch((error) =>
      ctx.reporter.warn(`The home migration could not be logged: ${(error as Error).message}`)
    );
  }
  return result;
}
