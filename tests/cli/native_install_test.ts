/**
 * The native backend end to end (issue 8): resolve → lock → gestvenv's installer, files linked
 * from the content-addressed cache, sdists and editable projects built through PEP 517/660, no-op
 * installs that ask nothing, re-links instead of copies, crashes completed by running again.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import {
  readCounter,
  tinyBackendWheel,
  tinyProjectMembers,
  writeSdist,
} from "../helpers/build_fixtures.ts";
import { assertConsistent } from "../helpers/consistency.ts";
import { writeLocalProject } from "../helpers/local_project.ts";
import {
  assertOk,
  createTestContext,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";

function sitePackages(ctx: TestContext, env: string): string {
  const lib = join(ctx.envPath(env), "lib");
  const py = [...Deno.readDirSync(lib)].find((e) => e.name.startsWith("python"))!.name;
  return join(lib, py, "site-packages");
}

async function python(ctx: TestContext, env: string, code: string) {
  return await ctx.exec(join(ctx.envPath(env), "bin", "python"), ["-c", code]);
}

/** Every file under `dir`, relative, sorted (`__pycache__` skipped: Python writes it). */
async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name === "__pycache__") continue;
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory) out.push(`${rel}/`, ...await listTree(join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

Deno.test("native: packages import, scripts run, metadata says gestvenv, files are links into the cache", async () => {
  await using ctx = await createTestContext();
  const created = await ctx.run(["create", "app", "--packages", "demo-pkg"]);
  assertOk(created);
  const record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.backend, "native");
  assertEquals(record.packages.map((p) => `${p.name}==${p.version}`), [
    "demo-dep==2.0.0",
    "demo-pkg==1.1.0",
  ]);
  const imported = await python(ctx, "app", "import demo_pkg, demo_dep; print(demo_pkg.VERSION)");
  assertEquals(imported.stdout.trim(), "1.1.0", imported.stderr);
  const cli = await ctx.exec(join(ctx.envPath("app"), "bin", "demo-cli"), []);
  assertEquals(cli.stdout.trim(), "demo-pkg 1.1.0", cli.stderr);
  const site = sitePackages(ctx, "app");
  const info = join(site, "demo_pkg-1.1.0.dist-info");
  assertEquals(await Deno.readTextFile(join(info, "INSTALLER")), "gestvenv\n");
  assert(await Deno.stat(join(info, "REQUESTED")).then(() => true), "asked for: REQUESTED");
  const depInfo = join(site, "demo_dep-2.0.0.dist-info");
  assert(
    await Deno.stat(join(depInfo, "REQUESTED")).then(() => false, () => true),
    "a dependency is not REQUESTED",
  );
  // The module is a hard link to the cache's file store (or a reflink/copy on other filesystems).
  const module = await Deno.stat(join(site, "demo_pkg", "__init__.py"));
  assert(module.nlink! >= 2, `linked from the cache (nlink ${module.nlink})`);
  // The lock was written from our resolution, with the served files' hashes.
  const lock = await Deno.readTextFile(join(ctx.envPath("app"), "pylock.toml"));
  const served = new Uint8Array(
    await (await fetch(ctx.index.url.replace("/simple", "/files/demo_pkg-1.1.0-py3-none-any.whl")))
      .arrayBuffer(),
  );
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", served));
  assertStringIncludes(lock, Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
  await assertConsistent(ctx);
});

Deno.test("native: a no-op install asks the index nothing and changes no file", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg"]));
  const site = sitePackages(ctx, "app");
  const before = await listTree(ctx.envPath("app"));
  const lockBefore = await Deno.readTextFile(join(ctx.envPath("app"), "pylock.toml"));
  const requests = ctx.index.requests.length;
  const again = await ctx.run(["install", "demo-pkg", "demo-dep>=1", "--env", "app"]);
  assertOk(again);
  assertEquals(ctx.index.requests.length, requests, "no request to the index");
  assertEquals(await listTree(ctx.envPath("app")), before);
  assertEquals(
    (await Deno.stat(join(site, "demo_pkg", "__init__.py"))).ino,
    (await Deno.stat(join(site, "demo_pkg", "__init__.py"))).ino,
  );
  // What was asked for is recorded, in the registry and the lock, without a resolution.
  const record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.requirements, ["demo-pkg", "demo-dep>=1"]);
  assert(lockBefore !== await Deno.readTextFile(join(ctx.envPath("app"), "pylock.toml")));
});

Deno.test("native: upgrade, downgrade and uninstall leave exactly the expected files", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const empty = await listTree(ctx.envPath("app"));
  assertOk(await ctx.run(["install", "demo-pkg==1.0.0", "--env", "app"]));
  assertEquals(
    (await python(ctx, "app", "import demo_pkg; print(demo_pkg.VERSION)")).stdout.trim(),
    "1.0.0",
  );
  assertOk(await ctx.run(["install", "demo-pkg==1.1.0", "--env", "app"]));
  const site = sitePackages(ctx, "app");
  assert(await Deno.stat(join(site, "demo_pkg-1.0.0.dist-info")).then(() => false, () => true));
  assertEquals(
    (await python(ctx, "app", "import demo_pkg; print(demo_pkg.VERSION)")).stdout.trim(),
    "1.1.0",
  );
  assertOk(await ctx.run(["install", "demo-pkg==1.0.0", "--env", "app"]));
  assertEquals(
    (await python(ctx, "app", "import demo_pkg; print(demo_pkg.VERSION)")).stdout.trim(),
    "1.0.0",
  );
  assertOk(await ctx.run(["uninstall", "demo-pkg", "demo-dep", "--env", "app"]));
  const after = (await listTree(ctx.envPath("app"))).filter((p) => p !== "pylock.toml");
  assertEquals(after, empty.filter((p) => p !== "pylock.toml"), "nothing left behind");
  await assertConsistent(ctx);
});

Deno.test("native: an install killed midway is completed by running it again", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const killed = await ctx.run(["install", "demo-pkg", "--env", "app"], {
    env: { GESTVENV_FAILPOINT: "installer.after_install:exit" },
  });
  assert(killed.code !== 0, "the failpoint kills the process");
  assert(
    await Deno.stat(join(ctx.envPath("app"), ".gestvenv-install.json")).then(() => true),
    "the plan was recorded before the install",
  );
  const again = await ctx.run(["install", "demo-pkg", "--env", "app"]);
  assertOk(again);
  assert(
    await Deno.stat(join(ctx.envPath("app"), ".gestvenv-install.json")).then(
      () => false,
      () => true,
    ),
  );
  const check = await python(
    ctx,
    "app",
    "import importlib.metadata as m, os\n" +
      "for d in ('demo-pkg', 'demo-dep'):\n" +
      "    dist = m.distribution(d)\n" +
      "    missing = [f for f in dist.files if not os.path.exists(dist.locate_file(f))]\n" +
      "    print(d, dist.version, len(missing))",
  );
  assertEquals(
    check.stdout.trim().split("\n").sort(),
    ["demo-dep 2.0.0 0", "demo-pkg 1.1.0 0"],
    check.stderr,
  );
  const listed = await ctx.run(["check", "app", "--format", "json"]);
  assertOk(listed);
  assertEquals(JSON.parse(listed.stdout).data.problems, []);
  await assertConsistent(ctx);
});

Deno.test("native: two processes fill two environments from one cache at once; files are stored once", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a"]));
  assertOk(await ctx.run(["create", "b"]));
  const [x, y] = await Promise.all([
    ctx.run(["install", "demo-pkg", "--env", "a"]),
    ctx.run(["install", "demo-pkg", "--env", "b"]),
  ]);
  assertOk(x);
  assertOk(y);
  const inA = await Deno.stat(join(sitePackages(ctx, "a"), "demo_pkg", "__init__.py"));
  const inB = await Deno.stat(join(sitePackages(ctx, "b"), "demo_pkg", "__init__.py"));
  assertEquals(inA.ino, inB.ino, "one stored file, linked into both");
  await assertConsistent(ctx);
});

Deno.test("native: clone on the same interpreter re-links from the cache and downloads nothing", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg"]));
  const requests = ctx.index.requests.length;
  const cloned = await ctx.run(["clone", "app", "copy", "--format", "json"]);
  assertOk(cloned);
  assertEquals(JSON.parse(cloned.stdout).data.method, "relink");
  assertEquals(ctx.index.requests.length, requests, "no request");
  const cli = await ctx.exec(join(ctx.envPath("copy"), "bin", "demo-cli"), []);
  assertEquals(cli.stdout.trim(), "demo-pkg 1.1.0", cli.stderr);
  assertEquals(
    (await Deno.stat(join(sitePackages(ctx, "copy"), "demo_pkg", "__init__.py"))).ino,
    (await Deno.stat(join(sitePackages(ctx, "app"), "demo_pkg", "__init__.py"))).ino,
  );
  await assertConsistent(ctx);
});

Deno.test("native: an sdist is built by its PEP 517 backend, itself installed from the index, once", async () => {
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
    const run = await python(
      ctx,
      "app",
      "import demo_proj, demo_dep; print(demo_proj.ANSWER, demo_dep.VERSION)",
    );
    assertEquals(run.stdout.trim(), "demo-proj 1.0.0", run.stderr);
    const hooks = (await readCounter(counter)).map((c) => c.hook);
    assert(hooks.includes("build_wheel"), `the backend built it: ${hooks}`);
    // Its PKG-INFO is Metadata-Version 2.1 (dynamic): the resolver asked the backend itself.
    assert(
      hooks.includes("prepare_metadata_for_build_wheel"),
      `metadata from the backend: ${hooks}`,
    );
    // The build ran in an isolated build environment filled from the index, not in `app`.
    const builtIn = (await readCounter(counter)).find((c) => c.hook === "build_wheel")!.prefix;
    assert(!builtIn.startsWith(ctx.envPath("app")), builtIn);
    assert(
      await Deno.stat(join(sitePackages(ctx, "app"), "tiny_backend")).then(() => false, () => true),
      "the build backend is not installed into the environment",
    );
    // A second environment reuses the wheel built from that sdist: the backend does not run.
    const builds = hooks.filter((h) => h === "build_wheel").length;
    assertOk(await ctx.run(["create", "other", "--packages", "demo-proj"]));
    assertEquals(
      (await readCounter(counter)).filter((c) => c.hook === "build_wheel").length,
      builds,
    );
    await assertConsistent(ctx);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("native: an editable install (-e) is built with build_editable and imports from the project", async () => {
  await using ctx = await createTestContext();
  const project = await writeLocalProject(join(ctx.work, "proj"));
  assertOk(await ctx.run(["create", "app"]));
  const installed = await ctx.run(["install", "-e", project, "--env", "app"]);
  assertOk(installed);
  const run = await python(
    ctx,
    "app",
    "import localproj; print(localproj.ANSWER, localproj.__file__)",
  );
  assertStringIncludes(run.stdout, "42", run.stderr);
  assertStringIncludes(run.stdout, project, "imported from the project itself");
  await Deno.writeTextFile(join(project, "localproj", "__init__.py"), "ANSWER = 43\n");
  assertEquals(
    (await python(ctx, "app", "import localproj; print(localproj.ANSWER)")).stdout.trim(),
    "43",
  );
  const site = sitePackages(ctx, "app");
  const directUrl = JSON.parse(
    await Deno.readTextFile(join(site, "localproj-0.1.0.dist-info", "direct_url.json")),
  );
  assertEquals(directUrl.dir_info, { editable: true });
  assert(directUrl.url.startsWith("file://"), directUrl.url);
  const record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.requirements, [`-e ${project}`]);
});

Deno.test("native: a wheel whose file on the index does not match its hash installs nothing", async () => {
  const good = buildWheel({ name: "demo-pkg", version: "1.0.0" });
  const liar = {
    ...good,
    bytes: buildWheel({ name: "demo-pkg", version: "1.0.0", moduleSource: "X = 1\n" }).bytes,
  };
  await using ctx = await createTestContext([liar]);
  assertOk(await ctx.run(["create", "app"]));
  const before = await listTree(ctx.envPath("app"));
  const bad = await ctx.run(["install", "demo-pkg", "--env", "app"]);
  assertEquals(bad.code, 5, bad.stderr);
  assertStringIncludes(bad.stderr, "sha256");
  assertEquals(await listTree(ctx.envPath("app")), before);
  const artifacts = join(ctx.home, "cache", "artifacts-v1");
  assertEquals(
    (await listTree(artifacts).catch(() => [])).filter((p) => p.endsWith(".whl")),
    [],
    "nothing entered the cache",
  );
});

Deno.test("native: --link-mode copy makes independent files; --compile writes bytecode; a bad link mode is a config error", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  assertOk(
    await ctx.run(["install", "demo-pkg", "--env", "app", "--link-mode", "copy", "--compile"]),
  );
  const site = sitePackages(ctx, "app");
  assertEquals((await Deno.stat(join(site, "demo_pkg", "__init__.py"))).nlink, 1, "a copy");
  const cached = await Array.fromAsync(Deno.readDir(join(site, "demo_pkg", "__pycache__")));
  assert(cached.some((e) => e.name.endsWith(".pyc")), "byte-compiled");
  const bad = await ctx.run(["install", "other-pkg", "--env", "app"], {
    env: { GESTVENV_LINK_MODE: "symlink" },
  });
  assertEquals(bad.code, 10, bad.stderr);
  assertStringIncludes(bad.stderr, "GESTVENV_LINK_MODE");
});

Deno.test("uninstall --dependencies also removes what only the removed distributions needed", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg other-pkg"]));
  const dry = await ctx.run(
    ["uninstall", "demo-pkg", "--dependencies", "--env", "app", "--dry-run", "--format", "json"],
  );
  assertOk(dry);
  assertEquals(
    JSON.parse(dry.stdout).data.changes.map((c: { name: string }) => c.name).sort(),
    ["demo-dep", "demo-pkg"],
  );
  assertOk(await ctx.run(["uninstall", "demo-pkg", "--dependencies", "--env", "app"]));
  const record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages.map((p) => p.name), ["other-pkg"]);
  assertEquals(record.requirements, ["other-pkg"]);
  const lock = await Deno.readTextFile(join(ctx.envPath("app"), "pylock.toml"));
  assert(!lock.includes("demo-dep"), "the lock lost them too");
  await assertConsistent(ctx);
});

Deno.test("native: a no-op install from a requirements file asks nothing either", async () => {
  await using ctx = await createTestContext();
  const file = join(ctx.work, "requirements.txt");
  await Deno.writeTextFile(file, "demo-pkg>=1\nother-pkg\n");
  assertOk(await ctx.run(["create", "app", "-r", file]));
  const requests = ctx.index.requests.length;
  assertOk(await ctx.run(["install", "--env", "app", "-r", file]));
  assertEquals(ctx.index.requests.length, requests, "no request to the index");
  // A line that is not satisfied makes it resolve as usual.
  await Deno.writeTextFile(file, "demo-pkg>=1\nthird_pkg\n");
  assertOk(await ctx.run(["install", "--env", "app", "-r", file]));
  assert(ctx.index.requests.length > requests);
  const record = (await ctx.registry()).environments["app"]!;
  assert(record.packages.some((p) => p.name === "third_pkg"));
});

Deno.test("native: cache_path moves the package cache; GESTVENV_CACHE_DIR wins over it", async () => {
  await using ctx = await createTestContext();
  const moved = join(ctx.work, "moved-cache");
  assertOk(await ctx.run(["config", "set", "cache_path", moved]));
  assertOk(await ctx.run(["create", "app", "--packages", "other-pkg"]));
  assert(await Deno.stat(join(moved, "CACHEDIR.TAG")).then(() => true), "the cache is there");
  assert(await Deno.stat(join(moved, "artifacts-v1")).then(() => true));
  const shown = JSON.parse((await ctx.run(["config", "show", "--format", "json"])).stdout);
  assertEquals(shown.data.settings.cache_path.source, "config");
  const env = join(ctx.work, "env-cache");
  assertOk(
    await ctx.run(["create", "b", "--packages", "third_pkg"], {
      env: { GESTVENV_CACHE_DIR: env },
    }),
  );
  assert(await Deno.stat(join(env, "artifacts-v1")).then(() => true));
});

Deno.test("native: a wheel given by path is installed with its PEP 610 direct_url.json and REQUESTED", async () => {
  await using ctx = await createTestContext();
  const wheel = buildWheel({ name: "local-wheel", version: "0.5.0" });
  const path = join(ctx.work, wheel.filename);
  await Deno.writeFile(path, wheel.bytes);
  assertOk(await ctx.run(["create", "app"]));
  assertOk(await ctx.run(["install", path, "--env", "app"]));
  const info = join(sitePackages(ctx, "app"), "local_wheel-0.5.0.dist-info");
  const direct = JSON.parse(await Deno.readTextFile(join(info, "direct_url.json")));
  assert(direct.url.startsWith("file://") && direct.url.endsWith(wheel.filename), direct.url);
  assertEquals(direct.archive_info.hashes.sha256, wheel.sha256);
  assert(await Deno.stat(join(info, "REQUESTED")).then(() => true));
  const run = await python(ctx, "app", "import local_wheel; print(local_wheel.VERSION)");
  assertEquals(run.stdout.trim(), "0.5.0", run.stderr);
});
