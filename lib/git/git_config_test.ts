import { assertEquals } from "../../tests/helpers/assert.ts";
import { gitConfig } from "./mod.ts";

async function git(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

Deno.test("gitConfig reads a repository's own value, and gives undefined for an unset key or a missing directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await git(dir, "init", "-q");
    await git(dir, "config", "user.name", "  Ada Lovelace  ");
    assertEquals(await gitConfig("user.name", dir), "Ada Lovelace");
    assertEquals(await gitConfig("gestvenv.surely-unset-key", dir), undefined);
    assertEquals(await gitConfig("user.name", `${dir}/does-not-exist`), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
