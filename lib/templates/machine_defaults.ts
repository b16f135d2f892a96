import type { StandardDefaults } from "./template_values.ts";

/** `git config --get KEY`, or undefined when git is missing, fails or has no value. */
async function gitConfig(key: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", {
      args: ["config", "--get", key],
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

/**
 * The standard variables' defaults that come from this machine: `author` and `email` from
 * `git config user.name` / `user.email` (left empty when git has none), the current year, and the
 * given interpreter version (`3.11`). Requires `--allow-run` (git).
 */
export async function machineDefaults(pythonVersion?: string): Promise<StandardDefaults> {
  const [author, email] = await Promise.all([gitConfig("user.name"), gitConfig("user.email")]);
  return { author, email, pythonVersion, year: new Date().getFullYear() };
}
