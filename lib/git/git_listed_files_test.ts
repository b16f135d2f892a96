import { join } from "node:path";
import { assertEquals } from "../../tests/helpers/assert.ts";
import { gitListedFiles, gitListedFilter } from "./mod.ts";

Deno.test("gitListedFiles(): tracked and untracked-not-ignored files, relative to the folder; undefined outside git or when git lists nothing", async () => {
  const root = await Deno.makeTempDir({ prefix: "gestvenv-git-ls-" });
  try {
    const sub = join(root, "sub");
    await Deno.mkdir(join(sub, "deep"), { recursive: true });
    for (
      const [path, text] of Object.entries({
        ".gitignore": "*.log\nempty/\n",
        "sub/a.py": "a",
        "sub/deep/b.py": "b",
        "sub/noise.log": "x",
        "empty/c.py": "c",
      })
    ) {
      await Deno.mkdir(join(root, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(root, path), text);
    }
    assertEquals(await gitListedFiles(sub), undefined, "not a repository yet");
    const init = await new Deno.Command("git", { args: ["-C", root, "init", "-q"] }).output();
    assertEquals(init.success, true);
    assertEquals(await gitListedFiles(sub), ["a.py", "deep/b.py"]);
    const listed = await gitListedFilter(sub);
    assertEquals([listed?.("deep", true), listed?.("deep/b.py", false)], [true, true]);
    assertEquals([listed?.("noise.log", false), listed?.("other", true)], [false, false]);
    assertEquals(await gitListedFilter(join(root, "empty")), undefined, "ignored whole");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
