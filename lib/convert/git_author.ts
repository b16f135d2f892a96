/**
 * The author git knows (`git config user.name` / `user.email`), the default author of a new
 * project as with `uv init` and cookiecutter. Missing git, or unset keys, give undefined values;
 * this never throws.
 *
 * @param cwd Directory to ask from (a repository's own config counts).
 */
export async function gitAuthor(
  cwd: string,
): Promise<{ name: string | undefined; email: string | undefined }> {
  const ask = async (key: string): Promise<string | undefined> => {
    try {
      const out = await new Deno.Command("git", {
        args: ["config", "--get", key],
        cwd,
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
      const value = new TextDecoder().decode(out.stdout).trim();
      return out.success && value !== "" ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const [name, email] = await Promise.all([ask("user.name"), ask("user.email")]);
  return { name, email };
}
