/**
 * `config backup|restore|reset` (spec 000 "Sauvegardes de configuration", issue 12 §5): gestvenv's
 * configuration files — `config.toml` (with the active profile and global hooks), the user
 * profiles `profiles/*.toml` and the policies `policies/*.toml` — saved in one JSON document,
 * restored only after every file in it was checked, and removed (after a backup) by a reset.
 * Environments, the registry, the cache and any other file are never part of it.
 *
 * A backup document:
 *
 * ```json
 * { "format": "gestvenv-config-backup", "version": 1, "created": "2026-11-30T10:00:00.000Z",
 *   "gestvenv_version": "0.1.0",
 *   "files": { "config.toml": { "sha256": "…", "text": "…" },
 *              "profiles/team.toml": { "sha256": "…", "text": "…" } } }
 * ```
 *
 * @module
 */
import { parse } from "npm:smol-toml@1.9.1";
import { ConfigError } from "../errors/mod.ts";
import { atomicWriteFile, failpoint, withFileLock } from "../fs/mod.ts";
import { type HomeLayout, join } from "../paths/mod.ts";
import { flattenConfig, isConfigKey, unknownKeyError, validateConfig } from "./config_schema.ts";
import { BUILTIN_PROFILES, parseProfileText } from "./profiles.ts";

/** The `format` field of a backup document. */
export const BACKUP_FORMAT = "gestvenv-config-backup";
/** The version of the backup format this gestvenv reads and writes. */
export const BACKUP_VERSION = 1;

/** One file of a backup, by its path relative to the home. */
export interface BackupFile {
  /** sha256 of the UTF-8 text, hex. */
  sha256: string;
  /** The file's content. */
  text: string;
}

/** A configuration backup (see the module documentation). */
export interface ConfigBackup {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  /** When it was made, ISO 8601. */
  created: string;
  /** The gestvenv that made it. */
  gestvenv_version: string;
  /** Files by path relative to the home (`config.toml`, `profiles/team.toml`). */
  files: Record<string, BackupFile>;
}

/** A path a backup may hold: `config.toml`, `profiles/NAME.toml`, `policies/NAME.toml`. */
const BACKUP_PATH = /^(config\.toml|(profiles|policies)\/[a-z0-9][a-z0-9_-]{0,63}\.toml)$/;

/** The directory of policies (`<home>/policies`, spec 001). */
export function policiesDir(home: HomeLayout): string {
  return join(home.root, "policies");
}

/** The default directory of backups: `<home>/backups`. */
export function backupsDir(home: HomeLayout): string {
  return join(home.root, "backups");
}

/** `20261130T100000Z`: a timestamp for file names. */
export function fileStamp(date: Date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** The default backup file: `<home>/backups/config-<stamp>.json`. */
export function defaultBackupFile(home: HomeLayout, date: Date = new Date()): string {
  return join(backupsDir(home), `config-${fileStamp(date)}.json`);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function readIfFile(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      return undefined;
    }
    throw error;
  }
}

/**
 * gestvenv's configuration files in `home`, by path relative to it (sorted): `config.toml`,
 * `profiles/*.toml`, `policies/*.toml` whose names are profile-like. Other files are not
 * gestvenv's configuration and are never listed. Requires `--allow-read`.
 */
export async function configFiles(home: HomeLayout): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const config = await readIfFile(home.configFile);
  if (config !== undefined) out.set("config.toml", config);
  for (const folder of ["profiles", "policies"]) {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(join(home.root, folder))) {
        if (entry.isFile && BACKUP_PATH.test(`${folder}/${entry.name}`)) names.push(entry.name);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const name of names.sort()) {
      const text = await readIfFile(join(home.root, folder, name));
      if (text !== undefined) out.set(`${folder}/${name}`, text);
    }
  }
  return out;
}

/** A backup of `home`'s configuration files, made now. Requires `--allow-read`. */
export async function createConfigBackup(
  home: HomeLayout,
  gestvenvVersion: string,
  date: Date = new Date(),
): Promise<ConfigBackup> {
  const files: Record<string, BackupFile> = {};
  for (const [path, text] of await configFiles(home)) {
    files[path] = { sha256: await sha256Hex(text), text };
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    created: date.toISOString(),
    gestvenv_version: gestvenvVersion,
    files,
  };
}

/** A backup as the text of its file. */
export function renderConfigBackup(backup: ConfigBackup): string {
  return JSON.stringify(backup, null, 2) + "\n";
}

/**
 * Writes `backup` into `<home>/backups/` under a name no other backup has:
 * `config-<stamp>.json`, else `config-<stamp>-2.json`, `-3`, … (two backups within one second
 * never overwrite each other). The text is written to a temp file and fsynced (mode 0600), then
 * hard-linked to the name, which fails when the name exists: the file appears whole and an
 * existing backup is never replaced. Requires `--allow-read` and `--allow-write`.
 *
 * @returns The backup file's path.
 */
export async function writeNewBackup(
  home: HomeLayout,
  backup: ConfigBackup,
  date: Date = new Date(),
): Promise<string> {
  const dir = backupsDir(home);
  await Deno.mkdir(dir, { recursive: true });
  const base = `config-${fileStamp(date)}`;
  const tmp = join(dir, `.${base}.${Deno.pid}.${crypto.randomUUID()}.tmp`);
  const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
  try {
    await file.write(new TextEncoder().encode(renderConfigBackup(backup)));
    await file.sync();
  } finally {
    file.close();
  }
  try {
    for (let n = 1;; n++) {
      const target = join(dir, n === 1 ? `${base}.json` : `${base}-${n}.json`);
      try {
        await Deno.link(tmp, target);
        return target;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
    }
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** Checks a `config.toml` text: TOML, known keys (did-you-mean), valid values. */
function checkConfigText(text: string, where: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${where} is not valid TOML: ${(error as Error).message}`);
  }
  const flat = flattenConfig(doc);
  for (const key of Object.keys(flat)) {
    if (!isConfigKey(key)) throw unknownKeyError(key, ` in ${where}`);
  }
  validateConfig(flat, where);
  return flat;
}

/**
 * Reads and checks a backup completely: its format and version, each path (only gestvenv's
 * configuration files), each sha256, `config.toml`'s keys and values, each profile, each
 * policy (with `checkPolicy`: lib/policy's reader, as `policy apply` checks one; lib/config sits
 * below lib/policy and cannot import it), and that the active profile it names exists
 * (built-in, in the backup, or on disk in `home`). Nothing is written.
 *
 * @param where The backup file, for messages.
 * @param checkPolicy Checks one policy file's text (`version`, tables, keys, values), throwing a
 *   `ConfigError` naming `where` for the first problem (lib/policy's `parsePolicy`).
 * @throws {ConfigError} For the first problem, naming the file inside the backup.
 */
export async function parseConfigBackup(
  text: string,
  where: string,
  home: HomeLayout,
  checkPolicy: (text: string, where: string) => unknown,
): Promise<ConfigBackup> {
  const broken = (what: string) =>
    new ConfigError(`${where} is not a usable gestvenv configuration backup: ${what}`, {
      hint: "Nothing was changed. Use a file written by `gestvenv config backup`",
    });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw broken(`not JSON (${(error as Error).message})`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw broken("not an object");
  const d = doc as Record<string, unknown>;
  if (d.format !== BACKUP_FORMAT) throw broken(`\`format\` is not "${BACKUP_FORMAT}"`);
  if (d.version !== BACKUP_VERSION) {
    throw broken(`format version ${String(d.version)}; this gestvenv reads ${BACKUP_VERSION}`);
  }
  if (typeof d.created !== "string" || typeof d.gestvenv_version !== "string") {
    throw broken("`created` or `gestvenv_version` is missing");
  }
  const files = d.files;
  if (files === null || typeof files !== "object" || Array.isArray(files)) {
    throw broken("`files` is not an object");
  }
  const out: Record<string, BackupFile> = Object.create(null);
  let activeProfile: string | undefined;
  for (const [path, entry] of Object.entries(files as Record<string, unknown>)) {
    if (!BACKUP_PATH.test(path)) throw broken(`\`${path}\` is not a configuration file`);
    const e = entry as Record<string, unknown> | null;
    if (e === null || typeof e !== "object" || typeof e.text !== "string") {
      throw broken(`\`${path}\` has no text`);
    }
    if (typeof e.sha256 !== "string" || await sha256Hex(e.text) !== e.sha256) {
      throw broken(`\`${path}\` does not match its sha256 (the backup was altered or damaged)`);
    }
    const inside = `${path} in ${where}`;
    if (path === "config.toml") {
      const active = checkConfigText(e.text, inside).active_profile;
      if (typeof active === "string") activeProfile = active;
    } else if (path.startsWith("profiles/")) {
      parseProfileText(e.text, path.slice("profiles/".length, -".toml".length), inside, "toml");
    } else {
      try {
        checkPolicy(e.text, inside);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new ConfigError(`${error.message} (a policy of the backup)`, {
          cause: error,
          hint: "Nothing was changed; fix or remove the policy in the backup",
        });
      }
    }
    out[path] = { sha256: e.sha256, text: e.text };
  }
  if (
    activeProfile !== undefined && activeProfile !== "none" &&
    !BUILTIN_PROFILES.has(activeProfile) && out[`profiles/${activeProfile}.toml`] === undefined &&
    await readIfFile(join(home.root, "profiles", `${activeProfile}.toml`)) === undefined
  ) {
    throw broken(`its config.toml activates the profile \`${activeProfile}\`, which it lacks`);
  }
  return { ...(d as unknown as ConfigBackup), files: out };
}

/** What a restore does to one file. */
export interface RestoreStep {
  /** Path relative to the home. */
  path: string;
  /** `create`: absent now; `replace`: different now (kept as `<file>.bak-<stamp>`); `same`. */
  action: "create" | "replace" | "same";
  /** Where the current file is kept, for `replace`. */
  keptAs: string | undefined;
}

/** Compares a backup with `home`: what restoring it would do to each file. */
export async function planRestore(
  home: HomeLayout,
  backup: ConfigBackup,
  stamp: string = fileStamp(),
): Promise<RestoreStep[]> {
  const steps: RestoreStep[] = [];
  for (const [path, file] of Object.entries(backup.files)) {
    const current = await readIfFile(join(home.root, path));
    const action = current === undefined ? "create" : current === file.text ? "same" : "replace";
    steps.push({
      path,
      action,
      keptAs: action === "replace" ? `${join(home.root, path)}.bak-${stamp}` : undefined,
    });
  }
  return steps.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Restores a checked backup (from {@linkcode parseConfigBackup}) under the configuration lock
 * (`config.toml.lock`, the lock `config set` takes): each file that differs is first kept as
 * `<file>.bak-<stamp>`, then written atomically. Files the backup does not hold are left alone.
 * Requires `--allow-read` and `--allow-write`.
 *
 * @returns The steps taken.
 */
export async function restoreConfigBackup(
  home: HomeLayout,
  backup: ConfigBackup,
  stamp: string = fileStamp(),
): Promise<RestoreStep[]> {
  return await withFileLock(`${home.configFile}.lock`, async () => {
    const steps = await planRestore(home, backup, stamp);
    for (const step of steps) {
      if (step.action === "same") continue;
      const target = join(home.root, step.path);
      if (step.keptAs !== undefined) {
        await atomicWriteFile(step.keptAs, (await readIfFile(target)) ?? "");
      }
      await failpoint("config.restore.before-write");
      await atomicWriteFile(target, backup.files[step.path]!.text);
    }
    return steps;
  });
}

/**
 * Backs up, then removes gestvenv's configuration files from `home` ({@linkcode configFiles}:
 * config.toml, profiles, policies), all under the configuration lock (`config.toml.lock`, the
 * lock `config set` and `hook add` take), so a change made meanwhile is either in the backup or
 * waits for the reset: it is never lost. The backup ({@linkcode writeNewBackup}) holds exactly
 * the files removed; a file that no longer has the text backed up is not removed (the reset
 * stops). Their directories go only when left empty. Environments, the registry, the cache,
 * logs, backups and foreign files stay. Requires `--allow-read` and `--allow-write`.
 *
 * @returns The backup file and the removed paths, relative to the home.
 * @throws {ConfigError} When a file changed between the backup and its removal (the backup
 *   stays; the files not yet removed stay).
 */
export async function resetConfig(
  home: HomeLayout,
  gestvenvVersion: string,
  options: { date?: Date; lock?: { timeoutMs?: number | undefined } } = {},
): Promise<{ backup: string; removed: string[] }> {
  return await withFileLock(`${home.configFile}.lock`, async () => {
    const backup = await createConfigBackup(home, gestvenvVersion, options.date);
    const file = await writeNewBackup(home, backup, options.date);
    await failpoint("config.reset.after-backup");
    const removed: string[] = [];
    for (const [path, { text }] of Object.entries(backup.files)) {
      const target = join(home.root, path);
      if ((await readIfFile(target)) !== text) {
        throw new ConfigError(`${target} changed during the reset; it was not removed`, {
          hint: `The backup ${file} holds the files as they were; run \`gestvenv config reset\` ` +
            "again",
        });
      }
      await Deno.remove(target);
      removed.push(path);
    }
    for (const folder of ["profiles", "policies"]) {
      // Only an empty directory goes: `Deno.remove` without `recursive` refuses any other.
      await Deno.remove(join(home.root, folder)).catch(() => {});
    }
    return { backup: file, removed };
  }, { label: "the configuration", ...options.lock });
}
