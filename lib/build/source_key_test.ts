import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { treeFingerprint } from "./mod.ts";

Deno.test("treeFingerprint() follows the files that matter and skips caches, VCS and venvs", async () => {
  const tree = await Deno.makeTempDir({ prefix: "gestvenv-fingerprint-" });
  try {
    await Deno.mkdir(join(tree, "pkg", "build"), { recursive: true });
    await Deno.writeTextFile(join(tree, "pyproject.toml"), "[project]\n");
    await Deno.writeTextFile(join(tree, "pkg", "__init__.py"), "");
    const first = await treeFingerprint(tree, false);
    const editable = await treeFingerprint(tree, true);
    assert(first !== editable);
    assertEquals(await treeFingerprint(tree, false), first, "stable");

    // Ignored: VCS, caches, egg-info, top-level build/dist, virtual environments.
    for (const dir of [".git", "pkg/__pycache__", "demo.egg-info", "build", "dist", "env"]) {
      await Deno.mkdir(join(tree, dir), { recursive: true });
      await Deno.writeTextFile(join(tree, dir, "junk"), "x");
    }
    await Deno.writeTextFile(join(tree, "env", "pyvenv.cfg"), "home = /usr/bin\n");
    assertEquals(await treeFingerprint(tree, false), first);

    // A package's own build/ module counts; so does any source change.
    await Deno.writeTextFile(join(tree, "pkg", "build", "x.py"), "");
    const withModule = await treeFingerprint(tree, false);
    assert(withModule !== first);
    await Deno.writeTextFile(join(tree, "pkg", "__init__.py"), "X = 1\n");
    assert(await treeFingerprint(tree, false) !== withModule);
    assertEquals(await treeFingerprint(tree, true), editable, "editable: sources do not count");

    await Deno.writeTextFile(join(tree, "setup.cfg"), "[metadata]\n");
    assert(await treeFingerprint(tree, true) !== editable, "editable: setup.cfg counts");
  } finally {
    await Deno.remove(tree, { recursive: true });
  }
});
