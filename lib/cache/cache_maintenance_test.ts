import { DatabaseSync } from "node:sqlite";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { buildWheel, type BuiltWheel } from "../../tests/helpers/build_wheel.ts";
import { serveIndex } from "../../tests/helpers/local_index.ts";
import { HttpClient } from "../index/mod.ts";
import { join } from "../paths/mod.ts";
import {
  autoCleanup,
  cacheStats,
  cleanCache,
  listCachedProjects,
  MAX_LOOKUPS,
  openCache,
  type PackageCache,
  removeFromCache,
  summarizeCache,
  verifyCache,
} from "./mod.ts";

const DAY = 86_400_000;
const http = () => new HttpClient({ retries: 0 });

async function tempRoot(): Promise<string> {
  return join(await Deno.makeTempDir({ prefix: "gv-cache-maint-" }), "cache");
}

/** A cache holding `wheels` (fetched from a local index, then unpacked). */
async function filled(
  wheels: BuiltWheel[],
  fn: (cache: PackageCache, root: string) => Promise<void>,
): Promise<void> {
  const index = serveIndex(wheels);
  const root = await tempRoot();
  const cache = await openCache(root);
  try {
    for (const wheel of wheels) {
      const stored = await cache.fetchArtifact({
        url: `${index.url.replace(/\/simple$/, "")}/files/${wheel.filename}`,
        filename: wheel.filename,
        sha256: wheel.sha256,
        size: wheel.bytes.length,
        project: wheel.name,
        version: wheel.version,
      }, http());
      await cache.unpackWheel(stored);
    }
    await fn(cache, root);
  } finally {
    cache.close();
    await index.close();
    await Deno.remove(join(root, ".."), { recursive: true });
  }
}

function age(root: string, project: string, days: number): void {
  const db = new DatabaseSync(join(root, "index-v1.sqlite"));
  try {
    db.prepare("UPDATE artifacts SET last_used = ? WHERE project = ?")
      .run(Date.now() - days * DAY, project);
  } finally {
    db.close();
  }
}

const WHEELS = () => [
  buildWheel({ name: "alpha", version: "1.0" }),
  buildWheel({
    name: "beta",
    version: "2.0",
    tag: "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
  }),
  buildWheel({ name: "gamma", version: "3.0" }),
];

Deno.test("an index written before the lookup log opens, keeps its rows and gains the log", async () => {
  const root = await tempRoot();
  try {
    // A cache and index as the first release wrote them: schema 1, no `lookups`, no revision.
    const wheel = buildWheel({ name: "old", version: "1.0" });
    const dir = join(root, "artifacts-v1", wheel.sha256.slice(0, 2), wheel.sha256);
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeFile(join(dir, wheel.filename), wheel.bytes);
    const db = new DatabaseSync(join(root, "index-v1.sqlite"));
    db.exec(`CREATE TABLE artifacts (sha256 TEXT PRIMARY KEY, filename TEXT NOT NULL,
      project TEXT NOT NULL, version TEXT NOT NULL, tags TEXT, size INTEGER NOT NULL,
      origin TEXT, added INTEGER NOT NULL, last_used INTEGER NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('complete', '1');
      PRAGMA user_version = 1;`);
    db.prepare("INSERT INTO artifacts VALUES (?, ?, 'old', '1.0', 'py3-none-any', ?, ?, 1, 2)")
      .run(wheel.sha256, wheel.filename, wheel.bytes.length, "https://example.org/old.whl");
    db.close();
    for (let round = 0; round < 2; round++) {
      const cache = await openCache(root);
      try {
        const [row] = cache.index.list();
        assertEquals(row?.origin, "https://example.org/old.whl", "the row was kept, not rebuilt");
        cache.index.recordLookup({ sha256: wheel.sha256, project: "old", hit: true, bytes: 5 });
        assertEquals(cache.index.lookupTotals().hits, round + 1);
      } finally {
        cache.close();
      }
    }
    const check = new DatabaseSync(join(root, "index-v1.sqlite"));
    const revision = check.prepare("SELECT value FROM meta WHERE key = 'revision'").get() as {
      value: string;
    };
    check.close();
    assertEquals(revision.value, "1");
  } finally {
    await Deno.remove(join(root, ".."), { recursive: true });
  }
});

Deno.test("lookups: a miss then, in another command, a hit with the bytes saved", async () => {
  const wheel = buildWheel({ name: "alpha", version: "1.0" });
  await filled([wheel], async (_cache, root) => {
    const again = await openCache(root);
    const index = serveIndex([wheel]);
    try {
      const request = {
        url: `${index.url.replace(/\/simple$/, "")}/files/${wheel.filename}`,
        filename: wheel.filename,
        sha256: wheel.sha256,
        project: "Alpha",
        version: "1.0",
      };
      await again.fetchArtifact(request, http());
      await again.fetchArtifact(request, http());
      assertEquals(index.requests.filter((p) => p.endsWith(".whl")), [], "served from the cache");
      const stats = await cacheStats(again);
      assertEquals([stats.lookups.hits, stats.lookups.misses], [1, 1], "one lookup per command");
      assertEquals(stats.lookups.bytesSaved, wheel.bytes.length);
      assertEquals(stats.lookups.bytesDownloaded, wheel.bytes.length);
      assertEquals(stats.hitRate, 0.5);
      assertEquals(stats.lookups.projects.map((p) => p.project), ["alpha"]);
    } finally {
      again.close();
      await index.close();
    }
  });
});

Deno.test("listing by project: platforms from the wheel tags, filters, counts by kind", async () => {
  await filled(WHEELS(), async (cache) => {
    const all = await listCachedProjects(cache);
    assertEquals(all.map((p) => [p.project, p.version, p.platforms]), [
      ["alpha", "1.0", ["any"]],
      ["beta", "2.0", ["manylinux2014_x86_64", "manylinux_2_17_x86_64"]],
      ["gamma", "3.0", ["any"]],
    ]);
    assertEquals(
      (await listCachedProjects(cache, { platform: "manylinux2014_x86_64" })).map((p) => p.project),
      ["beta"],
    );
    assertEquals((await listCachedProjects(cache, { filter: "AMM" })).length, 1);
    const summary = await summarizeCache(cache);
    const kinds = Object.fromEntries(summary.kinds.map((k) => [k.kind, k.count]));
    assertEquals([kinds.wheels, kinds.sdists, kinds["unpacked-wheels"]], [3, 0, 3]);
  });
});

Deno.test("clean: max-size takes the least recently used first; references by sha256 and by origin are kept", async () => {
  await filled(WHEELS(), async (cache, root) => {
    age(root, "alpha", 3);
    age(root, "beta", 2);
    age(root, "gamma", 1);
    const rows = cache.index.list();
    const sha = (p: string) => rows.find((r) => r.project === p)!.sha256;
    const origin = rows.find((r) => r.project === "beta")!.origin!;
    const summary = await summarizeCache(cache);
    // alpha is used by sha256, beta through its origin (as a wheel built from a locked sdist is).
    const referenced = { sha256s: new Set([sha("alpha")]), origins: new Set([origin]) };
    const plan = await cleanCache(cache, { maxBytes: summary.totalBytes - 1 }, {
      referenced,
      dryRun: true,
    });
    assertEquals(
      plan.entries.filter((e) => e.kind === "artifact").map((e) => e.project),
      ["gamma"],
    );
    assertEquals(plan.kept.artifacts, 2);
    // Nothing referenced: the oldest (alpha) goes first.
    const unreferenced = await cleanCache(cache, { maxBytes: summary.totalBytes - 1 }, {
      dryRun: true,
    });
    assertEquals(
      unreferenced.entries.filter((e) => e.kind === "artifact").map((e) => e.project),
      ["alpha"],
    );
    assertEquals(unreferenced.sizeAfter <= summary.totalBytes - 1, true);
  });
});

Deno.test("verify: a manifest that does not parse, a manifest naming a missing file, an empty artifact directory", async () => {
  await filled(WHEELS(), async (cache, root) => {
    const rows = cache.index.list();
    const alpha = rows.find((r) => r.project === "alpha")!.sha256;
    const beta = rows.find((r) => r.project === "beta")!.sha256;
    await Deno.writeTextFile(join(root, "wheels-v1", `${alpha}.json`), "{not json");
    const manifest = JSON.parse(
      await Deno.readTextFile(join(root, "wheels-v1", `${beta}.json`)),
    ) as { files: Array<{ sha256: string; executable: boolean; path: string }> };
    const module = manifest.files.find((f) => f.path.endsWith("__init__.py"))!;
    await Deno.remove(join(root, "files-v1", module.sha256.slice(0, 2), module.sha256));
    const empty = join(root, "artifacts-v1", "ab", "ab".padEnd(64, "0"));
    await Deno.mkdir(empty, { recursive: true });
    const report = await verifyCache(cache);
    assertEquals(report.problems.map((p) => [p.kind, p.sha256]), [
      ["artifact", "ab".padEnd(64, "0")],
      ...[["manifest", alpha], ["manifest", beta]].sort((a, b) => a[1]!.localeCompare(b[1]!)),
    ]);
    const fixed = await verifyCache(cache, { fix: true });
    assert(fixed.problems.every((p) => p.removed));
    assertEquals((await verifyCache(cache)).problems, []);
    // The wheels unpack again.
    for (const row of cache.index.list()) {
      const stored = await cache.find(row.sha256);
      const unpacked = await cache.unpackWheel(stored!);
      assert(unpacked.files.length > 0);
    }
    assertEquals((await verifyCache(cache)).problems, []);
  });
});

Deno.test("remove: by project and version; the index pages of a whole project go too", async () => {
  await filled(WHEELS(), async (cache, root) => {
    const pages = join(root, "simple-v1", "0123456789abcdef");
    await Deno.mkdir(pages, { recursive: true });
    await Deno.writeTextFile(join(pages, "alpha.json"), "{}");
    const one = await removeFromCache(cache, [{ project: "BETA", version: "2.0.0" }]);
    assertEquals(one.entries.filter((e) => e.kind === "artifact").map((e) => e.project), ["beta"]);
    const whole = await removeFromCache(cache, [{ project: "alpha" }, { project: "nope" }]);
    assertEquals(whole.unmatched, [{ project: "nope" }]);
    assertEquals(
      whole.entries.map((e) => e.kind).sort(),
      [
        "artifact",
        "index-page",
        "manifest",
        ...whole.entries.filter((e) => e.kind === "stored-file").map(() => "stored-file"),
      ].sort(),
    );
    assertEquals(await Deno.lstat(join(pages, "alpha.json")).then(() => true, () => false), false);
    assertEquals((await listCachedProjects(cache)).map((p) => p.project), ["gamma"]);
  });
});

Deno.test("autoCleanup: nothing without limits, old unused artifacts within its budget, nothing while another holder has the lock", async () => {
  await filled(WHEELS(), async (cache, root) => {
    const none = { sha256s: new Set<string>(), origins: new Set<string>() };
    assertEquals(await autoCleanup(cache, { referenced: none }), undefined);
    age(root, "alpha", 40);
    age(root, "beta", 40);
    const beta = cache.index.list().find((r) => r.project === "beta")!.sha256;
    // Another process cleaning or installing: no wait, nothing done.
    const blocked = await cache.withSharedLock(async () =>
      await autoCleanup(cache, { maxAgeDays: 30, referenced: none })
    );
    assertEquals(blocked, undefined);
    const done = await autoCleanup(cache, {
      maxAgeDays: 30,
      referenced: { sha256s: new Set([beta]), origins: new Set() },
      budgetMs: 10_000,
    });
    assertEquals(done?.complete, true);
    assertEquals((await listCachedProjects(cache)).map((p) => p.project), ["beta", "gamma"]);
    // A budget already spent removes nothing and says it is not complete.
    age(root, "gamma", 40);
    const late = await autoCleanup(cache, { maxAgeDays: 30, referenced: none, budgetMs: -1 });
    assertEquals(late?.complete, false);
    assertEquals(late?.entries, []);
    assertEquals((await listCachedProjects(cache)).map((p) => p.project), ["beta", "gamma"]);
  });
});

Deno.test("the lookup log keeps the last MAX_LOOKUPS lookups", async () => {
  const root = await tempRoot();
  try {
    const cache = await openCache(root);
    cache.close();
    const db = new DatabaseSync(join(root, "index-v1.sqlite"));
    db.exec("BEGIN");
    const insert = db.prepare(
      "INSERT INTO lookups (time, hit, sha256, project, bytes) VALUES (?, 1, 'x', 'p', 1)",
    );
    for (let i = 1; i < MAX_LOOKUPS + 1000; i++) insert.run(i);
    db.exec("COMMIT");
    db.close();
    const again = await openCache(root);
    try {
      assertEquals(again.index.lookupTotals().hits, MAX_LOOKUPS + 999);
      again.index.recordLookup({ sha256: "y", project: "q", hit: false, bytes: 7 });
      const totals = again.index.lookupTotals();
      assertEquals(totals.hits + totals.misses, MAX_LOOKUPS, "the oldest 1,000 went");
      assertEquals(totals.first, 1001);
      assertEquals(totals.bytesDownloaded, 7);
    } finally {
      again.close();
    }
  } finally {
    await Deno.remove(join(root, ".."), { recursive: true });
  }
});

Deno.test("find(): marks the artifact used, unless asked not to (checks that install nothing)", async () => {
  await filled(WHEELS(), async (cache, root) => {
    const alpha = WHEELS()[0]!;
    age(root, "alpha", 40);
    const lastUsed = () => cache.index.get(alpha.sha256)!.lastUsed;
    const old = lastUsed();
    assertEquals((await cache.find(alpha.sha256, { touch: false }))?.sha256, alpha.sha256);
    assertEquals(lastUsed(), old, "a check leaves the last use alone");
    await cache.find(alpha.sha256);
    assertEquals(lastUsed() > old + 39 * DAY, true, "a use is recorded");
  });
});
