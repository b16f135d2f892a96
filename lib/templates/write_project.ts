import { OperationError, throwIfInterrupted } from "../errors/mod.ts";
import { failpoint, isEmptyDir, tryWithFileLock, withFileLock } from "../fs/mod.ts";
import { basename, dirname, join } from "../paths/mod.ts";
import type { RenderedFile } from "./render_template.ts";

/**
 * Checks that a project can be written at `dir`: it does not exist, or is an empty directory.
 * Requires `--allow-read`.
 *
 * @throws {OperationError} (`target_not_empty`) When `dir` is a file or a non-empty directory.
 */
export async function checkProjectTarget(dir: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (!info.isDirectory || !(await isEmptyDir(dir))) {
    throw new OperationError(
      `${dir} already exists${info.isDirectory ? " and is not empty" : " (not a directory)"}`,
      "target_not_empty",
      { hint: "Choose another directory with `--output DIR`, or another project name" },
    );
  }
}

/** The prefix of the staging directories (and their lock files) of a project written to `dir`. */
function stagingPrefix(dir: string): string {
  return `.${basename(dir)}.gestvenv-staging-`;
}

/**
 * Removes what a killed `writeProject` into `dir` left behind: each staging directory beside
 * `dir` whose lock file (`<staging>.lock`) nobody holds any more, and that lock file.
 */
async function removeStaleStaging(dir: string): Promise<void> {
  const parent = dirname(dir);
  const prefix = stagingPrefix(dir);
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(parent));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.name.startsWith(prefix) || !entry.name.endsWith(".lock")) continue;
    const lock = join(parent, entry.name);
    const staging = lock.slice(0, -".lock".length);
    // Not acquired: another process is writing that project right now; its files stay.
    await tryWithFileLock(lock, async () => {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
      await Deno.remove(lock).catch(() => {});
    });
  }
}

/**
 * Writes a rendered project into `dir` as one step: every file goes into a staging directory
 * beside `dir` (`.<name>.gestvenv-staging-*`, guarded by a lock file beside it), which is then
 * renamed into place, so a failure (or Ctrl-C) leaves no half-written project; the staging
 * directory is removed on failure, and what a killed process left is removed by the next write
 * to the same place. `dir` must not exist or be empty (checked again here). Parent directories
 * are created. Failpoint: `template.after-staging`. Requires `--allow-read` and `--allow-write`.
 *
 * @returns The number of files and bytes written.
 * @throws {OperationError} (`target_not_empty`) When `dir` is not empty, or two rendered paths
 *   collide (a file where another needs a directory).
 * @throws {InterruptedError} When `signal` is aborted before the rename.
 */
export async function writeProject(
  dir: string,
  files: readonly RenderedFile[],
  signal?: AbortSignal,
): Promise<{ files: number; bytes: number }> {
  await checkProjectTarget(dir);
  const paths = new Set(files.map((f) => f.path));
  for (const f of files) {
    const parts = f.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      if (paths.has(prefix)) {
        throw new OperationError(
          `The template writes both a file ${prefix} and ${f.path} below it`,
          "template_path_conflict",
          { hint: "Fix the template's paths" },
        );
      }
    }
  }
  const parent = dirname(dir);
  await Deno.mkdir(parent, { recursive: true });
  await removeStaleStaging(dir);
  const staging = join(parent, `${stagingPrefix(dir)}${crypto.randomUUID().slice(0, 8)}`);
  const lock = `${staging}.lock`;
  let bytes = 0;
  try {
    await withFileLock(lock, async () => {
      await Deno.mkdir(staging);
      try {
        for (const f of files) {
          throwIfInterrupted(signal);
          const target = join(staging, ...f.path.split("/"));
          await Deno.mkdir(dirname(target), { recursive: true });
          await Deno.writeFile(target, f.content, { mode: f.executable ? 0o755 : 0o644 });
          bytes += f.content.length;
        }
        await failpoint("template.after-staging");
        throwIfInterrupted(signal);
        await checkProjectTarget(dir);
        // An empty directory is replaced: POSIX rename() would replace it, Windows would not.
        await Deno.remove(dir).catch((error) => {
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        });
        await Deno.rename(staging, dir);
      } catch (error) {
        await Deno.remove(staging, { recursive: true }).catch(() => {});
        throw error;
      }
    });
  } finally {
    await Deno.remove(lock).catch(() => {});
  }
  return { files: files.length, bytes };
}
