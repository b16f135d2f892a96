/**
 * One value of git's configuration (`git config --get KEY`), as git itself resolves it: the
 * repository's own `.git/config` when `cwd` is inside one, then the user's and the system's files.
 *
 * Missing git, a failing `git`, an unset key or an empty value all give `undefined`; this never
 * throws. The value is trimmed.
 *
 * @param key A git configuration key, e.g. `user.name`, `user.email`, `init.defaultBranch`.
 * @param cwd Directory to ask from (default: the process's current directory).
 * @returns The value, or `undefined` when git has none.
 */
export async function gitConfig(key: string, cwd?: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", {
      args: ["config", "--get", key],
      ...(cwd === undefined ? {} : { cwd }),
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const value = new TextDecoder().decode(out.stdout).trim();
    return out.success && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
}
