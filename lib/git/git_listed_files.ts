/**
 * The files of `dir` that git would put in a commit: tracked ones and untracked ones git does not
 * ignore (`git ls-files -co --exclude-standard -z`, which reads `.gitignore`, `.git/info/exclude`
 * and the global excludes file), as paths relative to `dir`, `/`-separated, deduplicated and
 * sorted. Tracked files deleted from the work tree are still listed: callers read what exists.
 * Requires `--allow-run` (git).
 *
 * @returns The paths, or undefined when git is not installed or `dir` is in no git work tree.
 */
export async function gitListedFiles(dir: string): Promise<string[] | undefined> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("git", {
      args: ["-C", dir, "ls-files", "-co", "--exclude-standard", "-z"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
  } catch {
    return undefined;
  }
  if (!out.success) return undefined;
  const paths = new TextDecoder().decode(out.stdout).split("\0").filter((p) => p !== "");
  return [...new Set(paths)].sort();
}

/**
 * A predicate saying whether a path below `dir` is one git lists ({@linkcode gitListedFiles}): a
 * listed file, or a directory holding one. Requires `--allow-run` (git).
 *
 * @returns The predicate (paths relative to `dir`, `/`-separated), or undefined when git is not
 *   installed, `dir` is in no git work tree, or git lists nothing there (a folder that a
 *   repository around it ignores whole, such as a home kept in git with `*` ignored).
 */
export async function gitListedFilter(
  dir: string,
): Promise<((path: string, isDirectory: boolean) => boolean) | undefined> {
  const listed = await gitListedFiles(dir);
  if (listed === undefined || listed.length === 0) return undefined;
  const files = new Set(listed);
  const dirs = new Set<string>();
  for (const path of files) {
    for (let at = path.indexOf("/"); at !== -1; at = path.indexOf("/", at + 1)) {
      dirs.add(path.slice(0, at));
    }
  }
  return (path, isDirectory) => (isDirectory ? dirs : files).has(path);
}
