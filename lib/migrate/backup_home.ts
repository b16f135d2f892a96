import { pathExists } from "../fs/mod.ts";
import { dirname, join } from "../paths/mod.ts";

/** The folder of home backups: `<home>/backups`. */
export function backupsDir(home: { root: string }): string {
  return join(home.root, "backups");
}

/** A file to back up from outside the home, and its path inside the backup folder. */
export interface ExternalBackupFile {
  /** Absolute path of the file. */
  source: string;
  /** Relative path in the backup folder. */
  name: string;
}

/**
 * Copies the files that describe gestvenv's home (relative paths under `home.root`: the
 * registry, the configuration, Python gestvenv's `config.json` and metadata files; or files from
 * elsewhere with their name in the backup) into `<home>/backups/<UTC time>/`, those that exist.
 * The copy is made in a `.tmp-` folder and renamed into place, so a backup folder is always whole.
 * Never the environments themselves. Requires `--allow-read`, `--allow-write`.
 *
 * @returns The backup folder, and the relative paths copied.
 */
export async function backupHomeFiles(
  home: { root: string },
  files: ReadonlyArray<string | ExternalBackupFile>,
): Promise<{ path: string; files: string[] }> {
  const stamp = new Date().toISOString().replaceAll(":", "-");
  const dir = backupsDir(home);
  await Deno.mkdir(dir, { recursive: true });
  let final = join(dir, stamp);
  for (let i = 1; await pathExists(final); i++) final = join(dir, `${stamp}-${i}`);
  const staging = join(dir, `.tmp-${stamp}-${Deno.pid}`);
  await Deno.mkdir(staging, { recursive: true });
  const copied: string[] = [];
  try {
    for (const file of files) {
      const rel = typeof file === "string" ? file : file.name;
      const from = typeof file === "string" ? join(home.root, file) : file.source;
      if (!(await pathExists(from))) continue;
      const to = join(staging, rel);
      await Deno.mkdir(dirname(to), { recursive: true });
      await Deno.copyFile(from, to);
      copied.push(rel);
    }
    await Deno.rename(staging, final);
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw error;
  }
  return { path: final, files: copied };
}
