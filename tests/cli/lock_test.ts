import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { buildWheel } from "../helpers/build_wheel.ts";
import { assertOk, createTestContext, standardWheels } from "../helpers/test_context.ts";
import { parsePylock } from "../../lib/lock/mod.ts";

Deno.test("resolve prints a resolution in every format without creating anything", async () => {
  const wheels = standardWheels();
  await using ctx = await createTestContext(wheels);
  const table = await ctx.run(["resolve", "demo-pkg"]);
  assertOk(table);
  assertStringIncludes(table.stdout, "demo-pkg");
  assertStringIncludes(table.stdout, "1.1.0");
  const reqs = await ctx.run(["resolve", "demo-pkg", "demo-dep<2", "--format", "requirements"]);
  assertOk(reqs);
  assertEquals(reqs.stdout.trim().split("\n"), ["demo-dep==1.0.0", "demo-pkg==1.1.0"]);
  const json = JSON.parse((await ctx.run(["resolve", "demo-pkg", "--json"])).stdout);
  const dep = json.data.packages.find((p: { name: string }) => p.name === "demo-dep");
  const wheel = wheels.find((w) => w.filename === "demo_dep-2.0.0-py3-none-any.whl")!;
  assertEquals(dep.file.sha256, wheel.sha256);
  const pylock = await ctx.run(["resolve", "demo-pkg", "--format", "pylock"]);
  assertOk(pylock);
  assertEquals(parsePylock(pylock.stdout).packages.map((p) => `${p.name}==${p.version}`), [
    "demo-dep==2.0.0",
    "demo-pkg==1.1.0",
  ]);
  const created = await Deno.stat(join(ctx.home, "environments")).then(() => true, () => false);
  assert(!created, "resolve must not create environments");
});

Deno.test("a resolution conflict exits 1 and explains itself", async () => {
  await using ctx = await createTestContext();
  const result = await ctx.run(["resolve", "demo-pkg", "demo-dep<1"]);
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, "No solution satisfies the requirements");
  assertStringIncludes(result.stderr, "you require demo-dep<1 (no version of demo-dep matches <1)");
});

Deno.test("each environment keeps a pylock.toml of what it has, with the index's hashes", async () => {
  const wheels = standardWheels();
  await using ctx = await createTestContext(wheels);
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0"]));
  const lockPath = join(ctx.envPath("app"), "pylock.toml");
  let lock = parsePylock(await Deno.readTextFile(lockPath));
  assertEquals(lock.packages.map((p) => `${p.name}==${p.version}`), [
    "demo-dep==2.0.0",
    "demo-pkg==1.0.0",
  ]);
  const wheel = wheels.find((w) => w.filename === "demo_pkg-1.0.0-py3-none-any.whl")!;
  const entry = lock.packages.find((p) => p.name === "demo-pkg")!;
  assertEquals(entry.wheels[0]!.hashes.sha256, wheel.sha256);
  assertEquals(entry.dependencies, ["demo-dep"]);
  assertOk(await ctx.run(["install", "other-pkg", "--env", "app"]));
  lock = parsePylock(await Deno.readTextFile(lockPath));
  assert(lock.packages.some((p) => p.name === "other-pkg"), "the lock follows installs");
  assertOk(await ctx.run(["uninstall", "other-pkg", "--env", "app"]));
  lock = parsePylock(await Deno.readTextFile(lockPath));
  assert(!lock.packages.some((p) => p.name === "other-pkg"), "and uninstalls");

  const out = await ctx.run(["lock", "app", "-o", "app.lock.toml"]);
  assertOk(out);
  assertEquals(
    await Deno.readTextFile(join(ctx.work, "app.lock.toml")),
    await Deno.readTextFile(lockPath),
  );
  assertOk(await ctx.run(["export", "app", "pylock.app.toml"]));
  assertEquals(
    parsePylock(await Deno.readTextFile(join(ctx.work, "pylock.app.toml"))).packages.length,
    2,
  );
});

Deno.test("create --from-lock and sync --locked install exactly the lock; a bad hash fails", async () => {
  const wheels = standardWheels();
  await using ctx = await createTestContext(wheels);
  assertOk(await ctx.run(["lock", "demo-pkg==1.0.0", "demo-dep==1.0.0", "-o", "pylock.toml"]));
  const created = await ctx.run(["create", "locked", "--from-lock", "pylock.toml"]);
  assertOk(created);
  const run = await ctx.run([
    "run",
    "locked",
    "python",
    "-c",
    "import demo_pkg, demo_dep; print(demo_pkg.VERSION, demo_dep.VERSION)",
  ]);
  assertOk(run);
  assertEquals(run.stdout.trim(), "1.0.0 1.0.0");

  assertOk(await ctx.run(["install", "other-pkg", "demo-dep==2.0.0", "--env", "locked"]));
  const sync = await ctx.run(["sync", "locked", "--locked", "--lock-file", "pylock.toml"]);
  assertOk(sync);
  assertStringIncludes(sync.stderr, "removed other-pkg");
  const after = (await ctx.registry()).environments["locked"]!.packages.map((p) =>
    `${p.name}==${p.version}`
  );
  assertEquals(after, ["demo-dep==1.0.0", "demo-pkg==1.0.0"]);

  const text = await Deno.readTextFile(join(ctx.work, "pylock.toml"));
  const wheel = wheels.find((w) => w.filename === "demo_dep-1.0.0-py3-none-any.whl")!;
  await Deno.writeTextFile(join(ctx.work, "bad.toml"), text.replace(wheel.sha256, "0".repeat(64)));
  const bad = await ctx.run(["create", "tampered", "--from-lock", "bad.toml"]);
  assertEquals(bad.code, 5); // verified by gestvenv before any backend runs: an integrity failure
  assertStringIncludes(bad.stderr, "sha256 mismatch for demo-dep 1.0.0");
  assertEquals((await ctx.registry()).environments["tampered"], undefined);
});

Deno.test("why and tree follow the installed metadata", async () => {
  const wheels = [
    ...standardWheels(),
    buildWheel({ name: "top-app", version: "1.0", dependencies: ["demo-pkg", "other-pkg"] }),
  ];
  await using ctx = await createTestContext(wheels);
  assertOk(await ctx.run(["create", "app", "--packages", "top-app"]));
  const why = await ctx.run(["why", "app", "demo-dep"]);
  assertOk(why);
  assertEquals(why.stdout.trim(), "top-app 1.0 → demo-pkg 1.1.0 → demo-dep 2.0.0");
  const tree = await ctx.run(["tree", "app"]);
  assertOk(tree);
  assertEquals(tree.stdout.trim().split("\n"), [
    "top-app 1.0",
    "├── demo-pkg 1.1.0",
    "│   └── demo-dep 2.0.0 [>=1]",
    "└── other-pkg 2.0.0",
  ]);
  const json = JSON.parse((await ctx.run(["tree", "app", "--json"])).stdout);
  assertEquals(json.data.roots[0].dependencies[0].dependencies[0].name, "demo-dep");
  const missing = await ctx.run(["why", "app", "nothing-here"]);
  assertEquals(missing.code, 4);
});

Deno.test("lock keeps the previous lock's versions unless --upgrade", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["lock", "demo-pkg==1.0.0", "demo-dep==1.0.0"]));
  assertOk(await ctx.run(["lock", "demo-pkg==1.0.0"]));
  const kept = parsePylock(await Deno.readTextFile(join(ctx.work, "pylock.toml")));
  assertEquals(kept.packages.find((p) => p.name === "demo-dep")?.version, "1.0.0");
  assertOk(await ctx.run(["lock", "demo-pkg==1.0.0", "--upgrade"]));
  const upgraded = parsePylock(await Deno.readTextFile(join(ctx.work, "pylock.toml")));
  assertEquals(upgraded.packages.find((p) => p.name === "demo-dep")?.version, "2.0.0");
});
