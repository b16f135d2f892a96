import { gitConfig } from "../git/mod.ts";
import { dirname } from "../paths/mod.ts";
import type { StandardDefaults } from "./template_values.ts";

/** `dir`, or its nearest ancestor that exists (where git can be asked from). */
async function existingDir(dir: string): Promise<string> {
  for (let d = dir;; d = dirname(d)) {
    if (await Deno.stat(d).then((s) => s.isDirectory, () => false)) return d;
    if (dirname(d) === d) return d;
  }
}

/**
 * The standard variables' defaults that come from this machine: `author` and `email` from
 * `git config user.name` / `user.email` as git answers in `projectDir` (or its nearest existing
 * ancestor: a repository's own config counts, as for `uv init`; left empty when git has none),
 * the current year, and the given interpreter version (`3.11`). Requires `--allow-run` (git) and
 * `--allow-read`.
 */
export async function machineDefaults(
  pythonVersion: string | undefined,
  projectDir: string,
): Promise<StandardDefaults> {
  const cwd = await existingDir(projectDir);
  const [author, email] = await Promise.all([
    gitConfig("user.name", cwd),
    gitConfig("user.email", cwd),
  ]);
  return { author, email, pythonVersion, year: new Date().getFullYear() };
}
