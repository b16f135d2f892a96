import { gitConfig } from "../git/mod.ts";

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
  const [name, email] = await Promise.all([
    gitConfig("user.name", cwd),
    gitConfig("user.email", cwd),
  ]);
  return { name, email };
}
