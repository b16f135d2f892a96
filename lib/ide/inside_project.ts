/**
 * The editor files gestvenv writes stay inside the project: a cloned repository can plant
 * `.vscode/settings.json -> /elsewhere/x.json` or `.vscode -> ~/.config/...`, and following such a
 * link would create or edit a file outside the project.
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";
import { dirname } from "../paths/mod.ts";

/** Whether `path` is `dir` or below it (both real, absolute paths). */
function isWithin(path: string, dir: string): boolean {
  const base = dir.endsWith("/") || dir.endsWith("\\") ? dir : `${dir}/`;
  return path === dir || path.startsWith(base) ||
    (Deno.build.os === "windows" && path.startsWith(`${dir}\\`));
}

/** The real path of `path`, null when it does not exist; "dangling" for a broken symlink. */
async function realOf(path: string): Promise<string | null | "dangling"> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    return await Deno.realPath(path);
  } catch (error) {
    if (info.isSymlink && error instanceof Deno.errors.NotFound) return "dangling";
    throw error;
  }
}

/**
 * Refuses an editor file (and the folder holding it) that is, or resolves through a symlink to,
 * something outside `projectDir`, or a symlink to nothing. A file or folder that does not exist
 * yet is fine (it will be made inside). Reads only.
 *
 * @param projectDir The project directory (absolute; it exists).
 * @param path The editor file (absolute), e.g. `<project>/.vscode/settings.json`.
 * @throws {ConfigError} (exit 10) When the file or its folder leads outside the project or is a
 *   dangling symlink; nothing is written.
 */
export async function assertInsideProject(projectDir: string, path: string): Promise<void> {
  const root = await Deno.realPath(projectDir);
  for (const candidate of [dirname(path), path]) {
    const real = await realOf(candidate);
    if (real === null) continue;
    if (real === "dangling") {
      throw new ConfigError(`${candidate} is a symlink to nothing; gestvenv will not follow it`, {
        hint: `Remove the link (rm ${candidate}) or point it at a file inside ${projectDir}, ` +
          "then run the command again",
      });
    }
    if (!isWithin(real, root)) {
      throw new ConfigError(
        `${candidate} leads outside the project (to ${real}); gestvenv edits editor files ` +
          "inside the project only",
        {
          hint: `Replace the link with a real file or folder inside ${projectDir} (a cloned ` +
            "repository can plant such links), then run the command again",
        },
      );
    }
  }
}
