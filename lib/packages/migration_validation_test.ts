import { join } from "node:path";
import { assertEquals } from "../../tests/helpers/assert.ts";
import { compareSnapshots, snapshotDistributions } from "./migration_validation.ts";

/** A site-packages with `demo` 1.0 whose RECORD lists `files` (path → hash, "" for none). */
async function site(root: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, "lib", "python3.11", "site-packages");
  const info = join(dir, "demo-1.0.dist-info");
  await Deno.mkdir(info, { recursive: true });
  await Deno.writeTextFile(
    join(info, "METADATA"),
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
  );
  const lines = Object.entries(files).map(([p, h]) => `${p},${h},${h === "" ? "" : 10}`);
  await Deno.writeTextFile(join(info, "RECORD"), lines.join("\n") + "\n");
  return dir;
}

const BASE = {
  "demo/__init__.py": "sha256=aaa",
  "demo-1.0.dist-info/METADATA": "sha256=mmm",
  "demo-1.0.dist-info/entry_points.txt": "sha256=eee",
  "demo-1.0.dist-info/LICENSE": "sha256=lll",
  "demo-1.0.dist-info/RECORD": "",
  "demo-1.0.dist-info/INSTALLER": "sha256=pip",
  "../../../bin/demo": "sha256=shebang-a",
};

async function differences(after: Record<string, string>): Promise<string[]> {
  const root = await Deno.makeTempDir();
  try {
    const before = await snapshotDistributions([await site(join(root, "a"), BASE)]);
    const now = await snapshotDistributions([await site(join(root, "b"), after)]);
    return compareSnapshots(before, now, new Set(["demo"])).differences;
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("validation: installer-written files and launcher content are not compared", async () => {
  assertEquals(
    await differences({
      ...BASE,
      "demo-1.0.dist-info/INSTALLER": "sha256=gestvenv",
      "demo-1.0.dist-info/direct_url.json": "sha256=ddd",
      "demo-1.0.dist-info/uv_cache.json": "sha256=uuu",
      "demo/__pycache__/__init__.cpython-311.pyc": "",
      "../../../bin/demo": "sha256=shebang-b",
    }),
    [],
  );
});

Deno.test("validation: a missing console script, entry_points.txt or license is a difference", async () => {
  const { "../../../bin/demo": _script, ...noScript } = BASE;
  assertEquals(await differences(noScript), ["demo: ../../../bin/demo is missing"]);
  const { "demo-1.0.dist-info/entry_points.txt": _ep, "demo-1.0.dist-info/LICENSE": _l, ...rest } =
    BASE;
  assertEquals(await differences(rest), [
    "demo: demo-1.0.dist-info/entry_points.txt is missing",
    "demo: demo-1.0.dist-info/LICENSE is missing",
  ]);
  assertEquals(await differences({ ...BASE, "../../../bin/extra": "sha256=x" }), [
    "demo: ../../../bin/extra is new",
  ]);
  assertEquals(await differences({ ...BASE, "demo/__init__.py": "sha256=bbb" }), [
    "demo: demo/__init__.py differs (RECORD sha256=aaa → sha256=bbb)",
  ]);
});
