import { join } from "node:path";
import { assertEquals } from "../../tests/helpers/assert.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { importVerifiedArtifacts, openCache } from "./mod.ts";

Deno.test("importVerifiedArtifacts: moves staged files into place read-only, records origin, reports present", async () => {
  const dir = await Deno.makeTempDir();
  const cache = await openCache(join(dir, "cache"));
  try {
    const w = buildWheel({ name: "demo", version: "1.0" });
    const stage = async (n: number) => {
      const path = join(dir, "cache", "artifacts-v1", `stage.tmp-1-${n}-x`);
      await Deno.writeFile(path, w.bytes);
      return {
        path,
        filename: w.filename,
        sha256: w.sha256,
        size: w.bytes.length,
        project: "Demo",
        version: "1.0",
        origin: "bundle:b.tar",
      };
    };
    const first = await cache.withExclusiveLock(async () =>
      importVerifiedArtifacts(cache, [await stage(1)])
    );
    assertEquals(first.added.map((a) => a.filename), [w.filename]);
    assertEquals((await Deno.stat(first.added[0]!.path)).mode! & 0o777, 0o444);
    const row = (await cache.list())[0]!;
    assertEquals([row.project, row.version, row.origin], ["demo", "1.0", "bundle:b.tar"]);
    assertEquals((await cache.find(w.sha256))?.path, first.added[0]!.path);
    const again = await cache.withExclusiveLock(async () =>
      importVerifiedArtifacts(cache, [await stage(2)])
    );
    assertEquals([again.added.length, again.present.length], [0, 1]);
  } finally {
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});
