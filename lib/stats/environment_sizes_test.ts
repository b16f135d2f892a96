import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "../paths/mod.ts";
import { environmentSizes } from "./environment_sizes.ts";

/** An environment of `count` files of `size` bytes, spread over two directories. */
async function fill(root: string, name: string, count: number, size: number): Promise<string> {
  const dir = join(root, name);
  for (const sub of ["bin", "lib/site"]) await Deno.mkdir(join(dir, sub), { recursive: true });
  for (let i = 0; i < count; i++) {
    const sub = i % 2 === 0 ? "bin" : "lib/site";
    await Deno.writeFile(join(dir, sub, `f${i}`), new Uint8Array(size));
  }
  return dir;
}

Deno.test("environmentSizes shares its file budget: a small environment first does not starve a big one", async () => {
  const root = await Deno.makeTempDir();
  try {
    const small = await fill(root, "small", 22, 100);
    const big = await fill(root, "big", 40, 1000);
    const envs = [
      { name: "small", path: small, backend: "native" },
      { name: "big", path: big, backend: "native" },
    ];
    // Unbounded: exact sizes.
    const whole = await environmentSizes(envs);
    assertEquals(whole.map((e) => [e.name, e.files, e.bytes, e.complete]), [
      ["big", 40, 40_000, true],
      ["small", 22, 2200, true],
    ]);
    // 25 files for 62: each gets its share, and the big one still ranks first.
    const cut = await environmentSizes(envs, { maxFiles: 25 });
    assertEquals(cut.map((e) => e.name), ["big", "small"]);
    assert(cut.every((e) => !e.complete), JSON.stringify(cut));
    assert(cut[0]!.files >= 12, JSON.stringify(cut));
    assertEquals(cut.reduce((n, e) => n + e.files, 0), 25);
    // What a small environment leaves goes to the big one.
    const tiny = await fill(root, "tiny", 5, 10);
    const shared = await environmentSizes([
      { name: "tiny", path: tiny, backend: "native" },
      { name: "big", path: big, backend: "native" },
    ], { maxFiles: 25 });
    assertEquals(shared.map((e) => [e.name, e.files, e.complete]), [
      ["big", 20, false],
      ["tiny", 5, true],
    ]);
    // A missing directory is said, not walked.
    const missing = await environmentSizes([
      { name: "gone", path: join(root, "gone"), backend: "pip" },
    ]);
    assertEquals(missing, [{
      name: "gone",
      backend: "pip",
      bytes: 0,
      files: 0,
      complete: false,
      exists: false,
    }]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
