import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { ConfigError, OperationError } from "../errors/mod.ts";
import { readUserFile, replaceUserFile } from "./replace_user_file.ts";

Deno.test("replaceUserFile keeps a symlink a symlink, to a file that keeps its 0600 mode", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const real = join(dir, "dotfiles", "pyproject.toml");
    await Deno.mkdir(join(dir, "dotfiles"));
    await Deno.writeTextFile(real, "old\n");
    await Deno.chmod(real, 0o600);
    const link = join(dir, "pyproject.toml");
    await Deno.symlink("dotfiles/pyproject.toml", link);
    await replaceUserFile(link, "new\n", { expected: "old\n" });
    assertEquals((await Deno.lstat(link)).isSymlink, true);
    assertEquals(await Deno.readLink(link), "dotfiles/pyproject.toml");
    assertEquals(await Deno.readTextFile(real), "new\n");
    assertEquals((await Deno.stat(real)).mode! & 0o777, 0o600);
    // No temp file left in either directory.
    assertEquals((await Array.fromAsync(Deno.readDir(join(dir, "dotfiles")))).length, 1);
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replaceUserFile refuses a file changed since it was read, and a directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "pyproject.toml");
    await Deno.writeTextFile(file, "read by the command\n");
    await Deno.writeTextFile(file, "edited by the user meanwhile\n");
    const changed = await assertRejects(
      () => replaceUserFile(file, "new\n", { expected: "read by the command\n" }),
      OperationError,
      "changed while gestvenv worked on it",
    );
    assertEquals((changed as OperationError).code, "user_file_changed");
    assertEquals(await Deno.readTextFile(file), "edited by the user meanwhile\n");
    // `expected: null`: the file must still be absent.
    await assertRejects(() => replaceUserFile(file, "x", { expected: null }), OperationError);
    await replaceUserFile(join(dir, "new.toml"), "x", { expected: null });
    assertEquals(await readUserFile(join(dir, "new.toml")), "x");
    assertEquals(await readUserFile(join(dir, "absent.toml")), null);
    await Deno.mkdir(join(dir, "d"));
    await assertRejects(() => replaceUserFile(join(dir, "d"), "x"), ConfigError, "is a directory");
    await assertRejects(() => readUserFile(join(dir, "d")), ConfigError, "is a directory");
    await assertRejects(
      () => replaceUserFile(join(dir, "missing", "f.toml"), "x"),
      ConfigError,
      "does not exist",
    );
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(), [
      "d",
      "new.toml",
      "pyproject.toml",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
