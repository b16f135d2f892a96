/**
 * The cache commands end to end (issue 9): a cache filled by real installs from the local index,
 * then listed, counted, cleaned by each policy (keeping what an environment uses, which still
 * imports afterwards), verified with corrupt bytes (exit 30, `--fix`, the next install fetches and
 * unpacks again), projects removed, and a clean killed midway leaving a cache the next command
 * uses.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { tinyBackendWheel, tinyProjectMembers, writeSdist } from "../helpers/build_fixtures.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  type CliResult,
  createTestContext,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";

const DAY = 86_400_000;

function cacheDir(ctx: TestContext): string {
  return join(ctx.home, "cache");
}

// deno-lint-ignore no-explicit-any
type Json = any;

/** Runs a command with `--json` and returns the envelope's data. */
async function data(ctx: TestContext, args: string[], code = 0): Promise<Json> {
  const result = await ctx.run([...args, "--json"]);
  assertEquals(result.code, code, `${args.join(" ")}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout).data;
}

/** Runs SQL on the cache index (to age artifacts: last use is what the policies read). */
function sql(ctx: TestContext, statement: string, ...params: Array<string | number>): void {
  const db = new DatabaseSync(join(cacheDir(ctx), "index-v1.sqlite"));
  try {
    db.prepare(statement).run(...params);
  } finally {
    db.close();
  }
}

/** Every file of the cache's buckets with its content hash (the index database excepted). */
async function fingerprint(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (path: string) => {
    for await (const e of Deno.readDir(path)) {
      const child = join(path, e.name);
      const rel = child.slice(dir.length + 1);
      if (rel.startsWith("index-v1.sqlite") || rel === ".lock") continue;
      if (e.isDirectory) await walk(child);
      else out.set(rel, createHash("sha256").update(await Deno.readFile(child)).digest("hex"));
    }
  };
  await walk(dir);
  return out;
}

/** `project version` of every cached artifact, sorted. */
async function cached(ctx: TestContext): Promise<string[]> {
  const projects: Json[] = await data(ctx, ["cache", "list"]);
  return projects.map((p) => `${p.project} ${p.version}`).sort();
}

async function imports(ctx: TestContext, env: string, module: string): Promise<CliResult> {
  return await ctx.exec(join(ctx.envPath(env), "bin", "python"), ["-c", `import ${module}`]);
}

function wheelRequests(ctx: TestContext, name: string): number {
  return ctx.index.requests.filter((p) => p.endsWith(".whl") && p.includes(`/${name}-`)).length;
}

/**
 * `app` uses demo-pkg 1.1.0 and demo-dep 2.0.0; `tmp` installed other-pkg, third_pkg and
 * demo-pkg 1.0.0 and was deleted: those three are in the cache, unused.
 */
async function filledCache(ctx: TestContext): Promise<void> {
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg"]));
  assertOk(
    await ctx.run(["create", "tmp", "--packages", "other-pkg third_pkg demo-pkg==1.0.0"]),
  );
  assertOk(await ctx.run(["delete", "tmp", "--force"]));
}

/** The manifest of the cached wheel of `project` and the path of one of its stored files. */
async function storedFileOf(
  ctx: TestContext,
  project: string,
  path: string,
): Promise<{ manifest: string; file: string }> {
  const projects: Json[] = await data(ctx, ["cache", "list", "--filter", project]);
  const sha: string = projects[0].files[0].sha256;
  const manifest = join(cacheDir(ctx), "wheels-v1", `${sha}.json`);
  const parsed = JSON.parse(await Deno.readTextFile(manifest));
  const entry = parsed.files.find((f: Json) => f.path === path);
  return {
    manifest,
    file: join(cacheDir(ctx), "files-v1", entry.sha256.slice(0, 2), entry.sha256),
  };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** Changes one byte of a (read-only) file in place. */
async function flipByte(path: string): Promise<void> {
  await Deno.chmod(path, 0o644);
  const bytes = await Deno.readFile(path);
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  await Deno.writeFile(path, bytes);
  await Deno.chmod(path, 0o444);
}

Deno.test("cache info, list and stats count what installs put in the cache, and hits after a second install", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a", "--packages", "demo-pkg"]));
  let stats = await data(ctx, ["cache", "stats"]);
  assertEquals([stats.hits, stats.misses], [0, 2]);
  assertOk(await ctx.run(["create", "b", "--packages", "demo-pkg"]));
  stats = await data(ctx, ["cache", "stats"]);
  assertEquals([stats.hits, stats.misses, stats.hit_rate], [2, 2, 0.5]);
  const projects: Json[] = await data(ctx, ["cache", "list"]);
  assertEquals(projects.map((p) => [p.project, p.version, p.platforms, p.files.length]), [
    ["demo-dep", "2.0.0", ["any"], 1],
    ["demo-pkg", "1.1.0", ["any"], 1],
  ]);
  const wheelBytes = projects.reduce((sum, p) => sum + p.bytes, 0);
  assertEquals(stats.bytes_saved, wheelBytes, "a hit saves the artifact's size");
  assertEquals(stats.bytes_downloaded, wheelBytes);
  assertEquals(stats.ages[0], { last_used: "<1d", count: 2, bytes: wheelBytes });
  assertEquals(stats.largest_projects.length, 2);
  assert(projects.every((p) => p.files[0].unpacked), "both wheels are unpacked");

  const info = await data(ctx, ["cache", "info"]);
  assertEquals(info.location, cacheDir(ctx));
  assertEquals(info.location_source, "default", "the test context sets GESTVENV_HOME only");
  const kinds = Object.fromEntries(info.kinds.map((k: Json) => [k.kind, k]));
  assertEquals(kinds.wheels, { kind: "wheels", count: 2, bytes: wheelBytes });
  assertEquals(kinds.sdists.count, 0);
  assertEquals(kinds["unpacked-wheels"].count, 2);
  assert(kinds["stored-files"].count >= 6, "modules, METADATA, RECORD, … of two wheels");
  assert(kinds["index-pages"].count >= 2, "the index pages of both projects");
  assertEquals(
    info.total_bytes,
    info.kinds.reduce((sum: number, k: Json) => sum + k.bytes, 0),
    "the kinds add up to the total",
  );

  await t.step("limits and offline settings, with where each came from", async () => {
    const limited = await ctx.run(["cache", "info", "--json"], {
      env: { GESTVENV_CACHE_SIZE: "2GB", GESTVENV_OFFLINE: "1" },
    });
    assertOk(limited);
    const settings = JSON.parse(limited.stdout).data.settings;
    assertEquals(settings.max_size, {
      value: 2 * 1024 ** 3,
      source: "env",
      origin: "GESTVENV_CACHE_SIZE",
    });
    assertEquals([settings.offline.value, settings.offline.source], [true, "env"]);
    assertEquals(settings.max_age_days.value, null);
    assertEquals(info.settings.offline.value, false);
  });

  await t.step("filters", async () => {
    assertEquals((await data(ctx, ["cache", "list", "--filter", "DEMO_D"])).length, 1);
    assertEquals((await data(ctx, ["cache", "list", "--platform", "win_amd64"])).length, 0);
    assertEquals((await data(ctx, ["cache", "list", "--platform", "any"])).length, 2);
  });

  await t.step("the info table", async () => {
    const table = await ctx.run(["cache", "info"]);
    assertOk(table);
    await assertSnapshot(
      t,
      filterText(table.stdout, [[ctx.home, "<HOME>"]])
        .replace(/((?:index database|total size)\s+│ )[0-9.]+ [KM]?i?B\s*/g, "$1<SIZE> ")
        .replace(/(index-pages\s+│ \d+ \()[0-9.]+ [KM]?i?B/, "$1<SIZE>")
        .replace(/(other\s+│ )[0-9.]+ [KM]?i?B\s*/, "$1<SIZE> ")
        .replace(/ +│/g, " │").replace(/─+/g, "─"),
    );
    const list = await ctx.run(["cache", "list", "--sizes"]);
    assertOk(list);
    assertStringIncludes(list.stdout, "demo-pkg");
    assertStringIncludes(list.stderr, "2 file(s)");
  });
});

Deno.test("cache clean --older-than and --max-size remove exactly the unused artifacts; environments keep working", async (t) => {
  await using ctx = await createTestContext();
  await filledCache(ctx);
  assertEquals(await cached(ctx), [
    "demo-dep 2.0.0",
    "demo-pkg 1.0.0",
    "demo-pkg 1.1.0",
    "other-pkg 2.0.0",
    "third-pkg 0.3.0",
  ]);
  // Ages by last use: other-pkg 50 days, third_pkg 40, demo-pkg 1.0.0 10, the used ones 60.
  const age = (project: string, version: string, days: number) =>
    sql(
      ctx,
      "UPDATE artifacts SET last_used = ? WHERE project = ? AND version = ?",
      Date.now() - days * DAY,
      project,
      version,
    );
  age("other-pkg", "2.0.0", 50);
  age("third-pkg", "0.3.0", 40);
  age("demo-pkg", "1.0.0", 10);
  age("demo-pkg", "1.1.0", 60);
  age("demo-dep", "2.0.0", 60);

  await t.step("a dry run says what would go and changes nothing", async () => {
    const before = await fingerprint(cacheDir(ctx));
    const plan = await data(ctx, ["cache", "clean", "--older-than", "30", "--dry-run"]);
    assertEquals(plan.dry_run, true);
    const artifacts = plan.entries.filter((e: Json) => e.kind === "artifact");
    assertEquals(artifacts.map((e: Json) => e.project).sort(), ["other-pkg", "third-pkg"]);
    assertEquals(plan.kept_for_environments.artifacts, 2);
    assert(plan.entries.some((e: Json) => e.kind === "manifest"), "their manifests go too");
    assert(plan.entries.some((e: Json) => e.kind === "stored-file"), "and their own files");
    assertEquals(
      plan.removed_bytes,
      plan.entries.reduce((sum: number, e: Json) => sum + e.bytes, 0),
    );
    assertEquals(await fingerprint(cacheDir(ctx)), before);
  });

  await t.step("--older-than 30", async () => {
    const { file: otherModule } = await storedFileOf(ctx, "other-pkg", "other_pkg/__init__.py");
    const done = await data(ctx, ["cache", "clean", "--older-than", "30"]);
    assertEquals(done.dry_run, false);
    assertEquals(await cached(ctx), ["demo-dep 2.0.0", "demo-pkg 1.0.0", "demo-pkg 1.1.0"]);
    assertEquals(await exists(otherModule), false, "other-pkg's unpacked module is gone");
    for (const e of done.entries) assertEquals(await exists(e.path), false, e.path);
    assertEquals((await imports(ctx, "app", "demo_pkg, demo_dep")).code, 0);
    const verify = await ctx.run(["cache", "verify"]);
    assertEquals(verify.code, 0, verify.stderr);
  });

  await t.step("--max-size removes the least recently used unused artifact first", async () => {
    const info = await data(ctx, ["cache", "info"]);
    // One byte under: demo-pkg 1.0.0 (the only unused artifact left) goes, nothing else.
    const done = await data(ctx, ["cache", "clean", "--max-size", String(info.total_bytes - 1)]);
    assertEquals(
      done.entries.filter((e: Json) => e.kind === "artifact").map((e: Json) => e.reason),
      ["max-size"],
    );
    assertEquals(await cached(ctx), ["demo-dep 2.0.0", "demo-pkg 1.1.0"]);
    // Nothing unused is left: a tiny limit keeps what the environment uses.
    const tiny = await data(ctx, ["cache", "clean", "--max-size", "1KB"]);
    assertEquals(tiny.entries, []);
    assertEquals(tiny.kept_for_environments.artifacts, 2);
    assertEquals(await cached(ctx), ["demo-dep 2.0.0", "demo-pkg 1.1.0"]);
    assertEquals((await imports(ctx, "app", "demo_pkg")).code, 0);
  });

  await t.step("bad values are usage errors", async () => {
    assertEquals((await ctx.run(["cache", "clean", "--max-size", "lots"])).code, 2);
    assertEquals((await ctx.run(["cache", "clean", "--older-than", "-3"])).code, 2);
    assertEquals((await ctx.run(["cache", "clean"])).code, 2);
  });
});

Deno.test("cache clean --max-size orders by last use", async () => {
  await using ctx = await createTestContext();
  await filledCache(ctx);
  sql(ctx, "UPDATE artifacts SET last_used = ?", Date.now());
  sql(ctx, "UPDATE artifacts SET last_used = ? WHERE project = 'third-pkg'", Date.now() - 5 * DAY);
  const info = await data(ctx, ["cache", "info"]);
  const plan = await data(ctx, [
    "cache",
    "clean",
    "--max-size",
    String(info.total_bytes - 1),
    "--dry-run",
  ]);
  assertEquals(
    plan.entries.filter((e: Json) => e.kind === "artifact").map((e: Json) => e.project),
    ["third-pkg"],
  );
});

Deno.test("cache clean --unpacked drops unused unpacked wheels; the next install unpacks again without downloading", async () => {
  await using ctx = await createTestContext();
  await filledCache(ctx);
  const { manifest, file } = await storedFileOf(ctx, "other-pkg", "other_pkg/__init__.py");
  const done = await data(ctx, ["cache", "clean", "--unpacked"]);
  assert(done.entries.every((e: Json) => e.kind === "manifest" || e.kind === "stored-file"));
  assertEquals(await exists(manifest), false);
  assertEquals(await exists(file), false);
  assertEquals((await cached(ctx)).length, 5, "the artifacts stay");
  // What `app` uses stays unpacked.
  const used: Json[] = await data(ctx, ["cache", "list", "--filter", "demo-dep"]);
  assert(used[0].files[0].unpacked, "demo-dep stays unpacked");
  const downloads = wheelRequests(ctx, "other_pkg");
  assertOk(await ctx.run(["create", "again", "--packages", "other-pkg"]));
  assertEquals(wheelRequests(ctx, "other_pkg"), downloads, "no download: the artifact was kept");
  assertEquals((await imports(ctx, "again", "other_pkg")).code, 0);
  assert(await exists(manifest), "unpacked again");
});

Deno.test("cache clean --all asks first, then empties the cache; environments still import", async () => {
  await using ctx = await createTestContext();
  await filledCache(ctx);
  const before = await fingerprint(cacheDir(ctx));
  const refused = await ctx.run(["cache", "clean", "--all"]);
  assertEquals(refused.code, 2, refused.stderr);
  assertStringIncludes(refused.stderr, "--yes");
  assertEquals(await fingerprint(cacheDir(ctx)), before, "nothing removed without an answer");
  const dry = await data(ctx, ["cache", "clean", "--all", "--dry-run"]);
  assertEquals(dry.entries.filter((e: Json) => e.kind === "artifact").length, 5);
  assertEquals(await fingerprint(cacheDir(ctx)), before);
  const done = await data(ctx, ["cache", "clean", "--all", "--yes"]);
  assertEquals(done.kept_for_environments.artifacts, 0);
  const info = await data(ctx, ["cache", "info"]);
  for (const k of info.kinds) {
    if (k.kind !== "other") assertEquals([k.kind, k.count], [k.kind, 0]);
  }
  assertEquals((await imports(ctx, "app", "demo_pkg, demo_dep")).code, 0);
  assertOk(await ctx.run(["create", "fresh", "--packages", "demo-pkg"]));
  assertEquals((await cached(ctx)).length, 2);
});

Deno.test("cache verify finds a changed byte in an artifact and in a stored file (exit 30); --fix removes them and installs fetch and unpack again", async (t) => {
  await using ctx = await createTestContext();
  await filledCache(ctx);
  const sound = await ctx.run(["cache", "verify"]);
  assertEquals(sound.code, 0, sound.stderr);
  const dep: Json[] = await data(ctx, ["cache", "list", "--filter", "demo-dep"]);
  const sha: string = dep[0].files[0].sha256;
  const artifact = join(
    cacheDir(ctx),
    "artifacts-v1",
    sha.slice(0, 2),
    sha,
    dep[0].files[0].filename,
  );
  await flipByte(artifact);
  const { manifest, file } = await storedFileOf(ctx, "other-pkg", "other_pkg/__init__.py");
  await flipByte(file);

  const report = await ctx.run(["cache", "health-check"]);
  assertEquals(report.code, 30, report.stderr);
  const replacements: Array<[string, string]> = [[cacheDir(ctx), "<CACHE>"]];
  await assertSnapshot(
    t,
    filterText(report.stdout + report.stderr, replacements)
      .replace(/sha256 [0-9a-f]{64}/g, "sha256 <SHA>")
      .replace(/[0-9a-f]{2}\/[0-9a-f]{64}/g, "<SHARD>/<SHA>")
      .replace(/[0-9a-f]{64}\.json/g, "<SHA>.json")
      .replace(/\([0-9.]+ [KM]?i?B hashed\)/, "(<SIZE> hashed)")
      .replace(/ +│/g, " │").replace(/─+/g, "─"),
  );
  const json = await data(ctx, ["cache", "verify"], 30);
  assertEquals(
    json.problems.map((p: Json) => [p.kind, p.path]),
    [["artifact", artifact], ["stored-file", file], ["manifest", manifest]],
  );

  const fixed = await data(ctx, ["cache", "verify", "--fix"]);
  assert(fixed.problems.every((p: Json) => p.removed));
  assertEquals(await exists(artifact), false);
  assertEquals(await exists(file), false);
  assertEquals(await exists(manifest), false);
  assertEquals((await ctx.run(["cache", "verify"])).code, 0);

  const depDownloads = wheelRequests(ctx, "demo_dep");
  assertOk(await ctx.run(["create", "c", "--packages", "demo-pkg other-pkg"]));
  assertEquals(wheelRequests(ctx, "demo_dep"), depDownloads + 1, "demo-dep downloaded again");
  assertEquals((await imports(ctx, "c", "demo_dep, other_pkg")).code, 0);
  assert(await exists(file), "other-pkg unpacked again");
  assertEquals((await ctx.run(["cache", "verify"])).code, 0);
});

Deno.test("cache remove PKG==V removes that version only; PKG every version; unknown names warn", async () => {
  await using ctx = await createTestContext();
  await filledCache(ctx);
  const before = await fingerprint(cacheDir(ctx));
  const dry = await data(ctx, ["cache", "remove", "demo-pkg==1.0", "--dry-run"]);
  assertEquals(
    dry.entries.filter((e: Json) => e.kind === "artifact").map((e: Json) => e.version),
    ["1.0.0"],
  );
  assertEquals(await fingerprint(cacheDir(ctx)), before);
  const done = await data(ctx, ["cache", "remove", "demo-pkg==1.0"]);
  assertEquals(done.unmatched, []);
  assertEquals(await cached(ctx), [
    "demo-dep 2.0.0",
    "demo-pkg 1.1.0",
    "other-pkg 2.0.0",
    "third-pkg 0.3.0",
  ]);
  const none = await ctx.run(["cache", "remove", "no-such-project"]);
  assertEquals(none.code, 0);
  assertStringIncludes(none.stderr, "The cache holds no no-such-project");
  assertEquals((await ctx.run(["cache", "remove", "bad>=1"])).code, 2);
  // Every version, even one an environment uses: the environment keeps working.
  assertOk(await ctx.run(["cache", "remove", "Demo_Pkg", "third-pkg"]));
  assertEquals(await cached(ctx), ["demo-dep 2.0.0", "other-pkg 2.0.0"]);
  assertEquals((await imports(ctx, "app", "demo_pkg")).code, 0);
});

Deno.test("a clean killed midway leaves a cache the next commands use", async (t) => {
  for (
    const point of [
      "cache.clean.after_manifests",
      "cache.clean.after_files",
      "cache.clean.after_index",
    ]
  ) {
    await t.step(point, async () => {
      await using ctx = await createTestContext();
      await filledCache(ctx);
      sql(ctx, "UPDATE artifacts SET last_used = ?", Date.now() - 40 * DAY);
      const killed = await ctx.run(["cache", "clean", "--older-than", "30"], {
        env: { GESTVENV_FAILPOINT: `${point}:exit` },
      });
      assertEquals(killed.code, 128 + 9, "the failpoint kills the process");
      // The artifacts are still on disk: listed again, and verify finds nothing wrong.
      assertEquals((await cached(ctx)).length, 5);
      const verify = await ctx.run(["cache", "verify"]);
      assertEquals(verify.code, 0, verify.stdout + verify.stderr);
      // An install uses the cache; a second clean finishes the job.
      assertOk(await ctx.run(["create", "b", "--packages", "other-pkg"]));
      assertEquals((await imports(ctx, "b", "other_pkg")).code, 0);
      sql(ctx, "UPDATE artifacts SET last_used = ? WHERE project != 'other-pkg'", 0);
      assertOk(await ctx.run(["cache", "clean", "--older-than", "30"]));
      assertEquals(await cached(ctx), ["demo-dep 2.0.0", "demo-pkg 1.1.0", "other-pkg 2.0.0"]);
      assertEquals((await imports(ctx, "app", "demo_pkg")).code, 0);
    });
  }
  await t.step("verify --fix killed after removing the manifests", async () => {
    await using ctx = await createTestContext();
    await filledCache(ctx);
    const { manifest, file } = await storedFileOf(ctx, "other-pkg", "other_pkg/__init__.py");
    await flipByte(file);
    const killed = await ctx.run(["cache", "verify", "--fix"], {
      env: { GESTVENV_FAILPOINT: "cache.verify.after_manifests:exit" },
    });
    assertEquals(killed.code, 128 + 9);
    assertEquals(await exists(manifest), false, "the manifest went first");
    // The corrupt file is still found (no manifest names it now) and the next --fix finishes.
    const again = await data(ctx, ["cache", "verify"], 30);
    assertEquals(again.problems.map((p: Json) => [p.kind, p.path]), [["stored-file", file]]);
    assertOk(await ctx.run(["cache", "verify", "--fix"]));
    assertOk(await ctx.run(["create", "b", "--packages", "other-pkg"]));
    assertEquals((await imports(ctx, "b", "other_pkg")).code, 0);
  });
});

Deno.test("a clean keeps the sdist an environment's lock names and the wheel built from it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-sdist-" });
  try {
    const counter = join(dir, "counter");
    const sdist = await writeSdist(
      dir,
      "demo_proj-1.0.tar.gz",
      tinyProjectMembers({ counter, dependencies: ["demo-dep<2"] }),
    );
    await using ctx = await createTestContext(
      [...standardWheels(), tinyBackendWheel()],
      { extraFiles: { [sdist.filename]: await Deno.readFile(sdist.path) } },
    );
    assertOk(await ctx.run(["create", "app", "--packages", "demo-proj"]));
    const before: Json[] = await data(ctx, ["cache", "list", "--filter", "demo-proj"]);
    const files = before.flatMap((p) => p.files.map((f: Json) => f.filename)).sort();
    assertEquals(files.length, 2, `the sdist and the wheel built from it: ${files}`);
    sql(ctx, "UPDATE artifacts SET last_used = ?", Date.now() - 40 * DAY);
    const done = await data(ctx, ["cache", "clean", "--older-than", "30"]);
    const removed = done.entries.filter((e: Json) => e.kind === "artifact").map((e: Json) =>
      e.project
    );
    // Only the build backend goes (its build environment links its files, which stay); the
    // wheel built from the sdist is kept through its origin, the sdist's URL in the lock.
    assertEquals(removed, ["tiny-backend"]);
    const after: Json[] = await data(ctx, ["cache", "list", "--filter", "demo-proj"]);
    assertEquals(after.flatMap((p) => p.files.map((f: Json) => f.filename)).sort(), files);
    assertEquals((await imports(ctx, "app", "demo_proj")).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache clean waits for an install using the cache, says so, and both finish whole", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const install = ctx.run(["install", "demo-pkg", "--env", "app"], {
    // Long enough for the clean below to start and find the lock held even on a loaded machine
    // (2.5 s was lost to a slow start under load); the clean then waits for the rest of it.
    env: { GESTVENV_FAILPOINT: "installer.after_record:sleep:10000" },
  });
  // The install holds the cache's shared lock once its plan is recorded.
  const record = join(ctx.envPath("app"), ".gestvenv-install.json");
  for (let i = 0; i < 600 && !(await exists(record)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert(await exists(record), "the install reached its failpoint");
  const clean = await ctx.run(["cache", "clean", "--all", "--yes"]);
  assertOk(clean);
  assertStringIncludes(clean.stderr, "Waiting for the package cache");
  assertOk(await install);
  assertEquals((await imports(ctx, "app", "demo_pkg, demo_dep")).code, 0);
  assertEquals(await cached(ctx), [], "the clean ran after the install");
});

Deno.test("cache.auto_cleanup: after a command that changed something, the cache goes under max_size, keeping what environments use", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "kept", "--packages", "demo-pkg"]));
  assertOk(await ctx.run(["create", "gone", "--packages", "other-pkg"]));
  assertOk(await ctx.run(["config", "set", "cache.max_size", "1"]));
  // Limits alone do nothing: auto-cleanup is off by default.
  assertOk(await ctx.run(["delete", "gone", "--force"]));
  const before: Json[] = await data(ctx, ["cache", "list"]);
  assert(before.some((p) => p.project === "other-pkg"), JSON.stringify(before));
  assertOk(await ctx.run(["config", "set", "cache.auto_cleanup", "true"]));
  const changed = await ctx.run(["uninstall", "demo-dep", "--env", "kept"]);
  assertOk(changed);
  assertStringIncludes(changed.stderr, "Cache auto-cleanup");
  const after: Json[] = await data(ctx, ["cache", "list"]);
  const names = after.map((p) => p.project).sort();
  assert(!names.includes("other-pkg"), `unused: removed (${names})`);
  assert(names.includes("demo-pkg"), `used by \`kept\`: kept (${names})`);
  const imported = await ctx.exec(join(ctx.envPath("kept"), "bin", "python"), [
    "-c",
    "import demo_pkg",
  ]);
  assertEquals(imported.code, 0, imported.stderr);
});
