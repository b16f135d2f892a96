import { pathExists } from "../fs/mod.ts";
import { dirname, join } from "../paths/mod.ts";

/** The folder of home backups: `<home>/backups`. */
export function backupsDir(home: { root: string }): string {
  return join(home.root, "backups");
}

/**
 * Copies the files of gestvenv's home that describe it (relative paths under `home.root` that
 * exist: the registry, the configuration, Python gestvenv's `config.json` and metadata files)
 * into `<home>/backups/<UTC time>/`, keeping their relative paths. The copy is made in a
 * `.tmp-` folder and renamed into place, so a backup folder is always whole. Never the
 * environments themselves. Requires `--allow-read`, `--allow-write`.
 *
 * @returns The backup folder, and the relative paths copied.
 */
export async function backupHomeFiles(
  home: { root: string },
  relativePaths: readonly string[],
): Promise<{ path: string; files: string[] }> {
  const stamp = new Date().toISOString().replaceAll(":", "-");
  const dir = backupsDir(home);
  await Deno.mkdir(dir, { recursive: true });
  let final = join(dir, stamp);
  for (let i = 1; await pathExists(final); i++) final = join(dir, `${stamp}-${i}`);
  const staging = join(dir, `.tmp-${stamp}-${Deno.pid}`);
  await Deno.mkdir(staging, { recursive: true });
  const files: string[] = [];
  try {
    for (const rel of relativePaths) {
      const from = join(home.root, rel);
      if (!(await pathExists(from))) continue;
      const to = join(staging, rel);
      await Deno.mkdir(dirname(to), { recursive: true });
      await Deno.copyFile(from, to);
      files.push(rel);
    }
    await Deno.rename(staging, final);
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw error;
  }
  return { path: final, files };
}
