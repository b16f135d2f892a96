import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { OperationError } from "../errors/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import { createVirtualenv } from "./create_virtualenv.ts";
import { relocateVirtualenv } from "./relocate_virtualenv.ts";

Deno.test("createVirtualenv() writes an environment the interpreter accepts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const python = await findInterpreter(undefined);
    const root = join(dir, "env with space");
    const layout = await createVirtualenv(root, python, { creatorVersion: "test", prompt: "it's" });
    const out = await new Deno.Command(layout.python, {
      args: ["-c", "import sys; print(sys.prefix)"],
    }).output();
    assertEquals(new TextDecoder().decode(out.stdout).trim(), root);
    const activate = await Deno.readTextFile(join(root, "bin", "activate"));
    assert(activate.includes(`VIRTUAL_ENV='${root}'`));
    assert(activate.includes(`VIRTUAL_ENV_PROMPT='it'\\''s'`), "quotes are escaped for sh");
    if (Deno.build.os === "linux") assertEquals(await Deno.readLink(join(root, "lib64")), "lib");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createVirtualenv() refuses a non-empty directory and leaves it intact", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "keep"), "x");
    await assertRejects(
      () =>
        findInterpreter(undefined).then((p) => createVirtualenv(dir, p, { creatorVersion: "t" })),
      OperationError,
      "already exists",
    );
    assertEquals(await Deno.readTextFile(join(dir, "keep")), "x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("relocateVirtualenv() rewrites scripts that name the old root", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const python = await findInterpreter(undefined);
    const oldRoot = join(dir, "a");
    await createVirtualenv(oldRoot, python, { creatorVersion: "t" });
    await Deno.writeTextFile(
      join(oldRoot, "bin", "tool"),
      `#!${oldRoot}/bin/python\nprint("hi")\n`,
      { mode: 0o755 },
    );
    const newRoot = join(dir, "b");
    await Deno.rename(oldRoot, newRoot);
    const changed = await relocateVirtualenv(newRoot, { oldRoot, prompt: "b" });
    assert(changed.includes(join(newRoot, "bin", "tool")));
    assertEquals(
      (await Deno.readTextFile(join(newRoot, "bin", "tool"))).split("\n")[0],
      `#!${newRoot}/bin/python`,
    );
    const out = await new Deno.Command(join(newRoot, "bin", "tool")).output();
    assertEquals(new TextDecoder().decode(out.stdout).trim(), "hi");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
