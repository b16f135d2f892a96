import { join } from "./path.ts";
import { readEnv } from "./env_vars.ts";

/**
 * Finds an executable file named `name` (plus `.exe` on Windows) in the `PATH` directories, in
 * order. Requires `--allow-env` and `--allow-read`.
 *
 * @returns Its absolute path, or undefined.
 */
export async function findExecutable(name: string): Promise<string | undefined> {
  const windows = Deno.build.os === "windows";
  const file = windows && !name.toLowerCase().endsWith(".exe") ? `${name}.exe` : name;
  for (const dir of (readEnv("PATH") ?? "").split(windows ? ";" : ":")) {
    if (dir === "") continue;
    try {
      const stat = await Deno.stat(join(dir, file));
      if (stat.isFile && (windows || ((stat.mode ?? 0o111) & 0o111) !== 0)) return join(dir, file);
    } catch { /* not here */ }
  }
  return undefined;
}
