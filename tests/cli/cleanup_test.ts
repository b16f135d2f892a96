/**
 * `cleanup` and `delete` never destroy what gestvenv cannot prove it made; a damaged registry is
 * repaired, not a reason to delete environments; odd names and broken entries are ordinary.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertConsistent } from "../helpers/consistency.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

async function names(ctx: TestContext): Promise<string[]> {
  return Object.keys((await ctx.registry()).environments).sort();
}

Deno.test("after registry damage, cleanup --remove-unregistered deletes nothing, even with --yes", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a", "--packages", "other-pkg"]));
  assertOk(await ctx.run(["create", "b"]));
  // A user's own directory whose pyvenv.cfg merely mentions gestvenv.
  const mine = join(ctx.home, "environments", "mine");
  await Deno.mkdir(join(mine, "data"), { recursive: true });
  await Deno.writeTextFile(join(mine, "pyvenv.cfg"), "gestvenv = 0.1.0\n");
  await Deno.writeTextFile(join(mine, "data", "results.csv"), "1,2,3\n");
  await Deno.writeTextFile(join(ctx.home, "environments.json"), "\u0000\u0001 garbage");
  const result = await ctx.run(["cleanup", "--orphaned", "--remove-unregistered", "--yes"]);
  assertOk(result);
  assertStringIncludes(result.stderr, "was damaged");
  assert(!result.stderr.includes("Deleted"), result.stderr);
  for (const name of ["a", "b"]) {
    assert(await exists(ctx.envPath(name)), `${name} is still there`);
    assertStringIncludes(result.stderr, `Left \`${name}\` alone`);
  }
  assert(await exists(join(mine, "data", "results.csv")), "the user's data is still there");
  // What the user should do instead: adopt them again.
  assertOk(await ctx.run(["cleanup", "--orphaned"]));
  assertEquals(await names(ctx), ["a", "b"]);
  const python = await ctx.exec(join(ctx.envPath("a"), "bin", "python"), [
    "-c",
    "import other_pkg",
  ]);
  assertOk(python);
});

Deno.test("unregistered environments gestvenv made are deleted only after confirmation", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "gone"]));
  assertOk(await ctx.run(["create", "kept"]));
  const doc = await ctx.registry();
  delete (doc.environments as Record<string, unknown>)["gone"];
  await Deno.writeTextFile(join(ctx.home, "environments.json"), JSON.stringify(doc));
  // Made by someone else (python -m venv) in the environments directory: never deleted.
  const venv = await ctx.exec("python3", ["-m", "venv", "--without-pip", ctx.envPath("foreign")]);
  assertOk(venv);
  const dry = await ctx.run(["cleanup", "--orphaned", "--remove-unregistered", "--dry-run"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr, "Would delete unregistered `gone`");
  assertStringIncludes(dry.stderr, "Left `foreign` alone: gestvenv did not create it");
  const refused = await ctx.run(["cleanup", "--orphaned", "--remove-unregistered"]);
  assertEquals(refused.code, 2, refused.stderr);
  assertStringIncludes(refused.stderr, "without confirmation");
  assert(await exists(ctx.envPath("gone")));
  const done = await ctx.run(["cleanup", "--orphaned", "--remove-unregistered", "--yes"]);
  assertOk(done);
  assertStringIncludes(done.stderr, "Deleted unregistered `gone`");
  assert(!(await exists(ctx.envPath("gone"))));
  assert(await exists(ctx.envPath("foreign")));
  assertEquals(await names(ctx), ["kept"]);
});

Deno.test("cleanup --restore-registry brings back entries from a copy moved aside; removal offers it", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "one"]));
  assertOk(await ctx.run(["create", "two"]));
  const file = join(ctx.home, "environments.json");
  const whole = await Deno.readTextFile(file);
  await Deno.writeTextFile(`${file}.corrupt-2026-01-01T00-00-00.000Z`, whole);
  const doc = JSON.parse(whole);
  delete doc.environments["two"];
  await Deno.writeTextFile(file, JSON.stringify(doc));
  const remove = await ctx.run(["cleanup", "--orphaned", "--remove-unregistered", "--yes"]);
  assertOk(remove);
  assertStringIncludes(remove.stderr, "a registry moved aside after damage");
  assertStringIncludes(remove.stderr, "gestvenv cleanup --restore-registry");
  assert(await exists(ctx.envPath("two")));
  const restore = await ctx.run(["cleanup", "--restore-registry"]);
  assertOk(restore);
  assertStringIncludes(restore.stderr, "Restored `two`");
  assertEquals(await names(ctx), ["one", "two"]);
  await assertConsistent(ctx);
});

Deno.test("null and empty registry entries do not make list unusable; cleanup drops them", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "fine"]));
  const file = join(ctx.home, "environments.json");
  const doc = JSON.parse(await Deno.readTextFile(file));
  doc.environments.nul = null;
  doc.environments.empty = {};
  await Deno.writeTextFile(file, JSON.stringify(doc));
  const list = await ctx.run(["list"]);
  assertOk(list);
  assertStringIncludes(list.stdout, "fine");
  assertStringIncludes(list.stderr, "The registry entry `nul` is not a valid record");
  const json = await ctx.run(["list", "--format", "json"]);
  assertOk(json);
  assertEquals(
    JSON.parse(json.stdout).data.environments.map((r: { name: string }) => r.name),
    ["fine"],
  );
  assertOk(await ctx.run(["cleanup", "--orphaned"]));
  assertEquals(Object.keys(JSON.parse(await Deno.readTextFile(file)).environments), ["fine"]);
});

Deno.test("an environment without pyvenv.cfg is reported broken by cleanup, never dropped", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "hurt", "--packages", "other-pkg"]));
  await Deno.remove(join(ctx.envPath("hurt"), "pyvenv.cfg"));
  const result = await ctx.run(["cleanup", "--orphaned"]);
  assertOk(result);
  assertStringIncludes(result.stderr, "Left `hurt` alone: it is broken: it has no pyvenv.cfg");
  assertEquals(await names(ctx), ["hurt"]);
  assert(await exists(join(ctx.envPath("hurt"), "lib")));
  // Its marker proves the directory is gestvenv's, so delete can remove it.
  assertOk(await ctx.run(["delete", "hurt", "--force"]));
  assert(!(await exists(ctx.envPath("hurt"))));
});

Deno.test("cleanup --orphaned adopts only complete environments", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "src", "--packages", "demo-pkg"]));
  // A half-made copy: its scripts still run the source's Python.
  assertOk(await ctx.exec("cp", ["-a", ctx.envPath("src"), ctx.envPath("half")]));
  // An environment whose interpreter link points nowhere.
  assertOk(await ctx.exec("python3", ["-m", "venv", "--without-pip", ctx.envPath("dangling")]));
  await Deno.remove(join(ctx.envPath("dangling"), "bin", "python"));
  await Deno.symlink("/nonexistent/python3", join(ctx.envPath("dangling"), "bin", "python"));
  // A complete one made by another tool.
  assertOk(await ctx.exec("python3", ["-m", "venv", "--without-pip", ctx.envPath("whole")]));
  const result = await ctx.run(["cleanup", "--orphaned"]);
  assertOk(result);
  assertStringIncludes(result.stderr, "Adopted `whole`");
  assertStringIncludes(result.stderr, "Left `half` alone");
  assertStringIncludes(result.stderr, "runs " + join(ctx.envPath("src"), "bin", "python"));
  assertStringIncludes(result.stderr, "Left `dangling` alone");
  assertStringIncludes(result.stderr, "interpreter link");
  assertEquals(await names(ctx), ["src", "whole"]);
});

Deno.test("delete of a --path environment removes what gestvenv made and keeps the user's files", async () => {
  await using ctx = await createTestContext();
  const dir = join(ctx.work, "proj", ".venv");
  assertOk(await ctx.run(["create", "p", "--path", dir, "--packages", "demo-pkg"]));
  await Deno.writeTextFile(join(dir, "notes.txt"), "mine\n");
  await Deno.writeTextFile(join(dir, "bin", "mytool"), "#!/bin/sh\necho mine\n");
  const deleted = await ctx.run(["delete", "p", "--force"]);
  assertOk(deleted);
  assertStringIncludes(deleted.stderr, "Kept 2 file(s) gestvenv did not make");
  const left: string[] = [];
  for await (const e of Deno.readDir(dir)) left.push(e.name);
  assertEquals(left.sort(), ["bin", "notes.txt"]);
  assertEquals((await Array.fromAsync(Deno.readDir(join(dir, "bin")))).map((e) => e.name), [
    "mytool",
  ]);
  assertEquals(await names(ctx), []);
});

Deno.test("rename of a --path environment renames the entry only, unless --move", async () => {
  await using ctx = await createTestContext();
  const dir = join(ctx.work, "proj");
  assertOk(await ctx.run(["create", "proj", "--path", dir, "--packages", "demo-pkg"]));
  const renamed = await ctx.run(["rename", "proj", "app"]);
  assertOk(renamed);
  assertStringIncludes(renamed.stderr, "stays where it is");
  assertEquals((await ctx.registry()).environments["app"]!.path, dir);
  assert(await exists(join(dir, "pyvenv.cfg")));
  const moved = await ctx.run(["rename", "app", "tool", "--move"]);
  assertOk(moved);
  const target = join(ctx.work, "tool");
  assertEquals((await ctx.registry()).environments["tool"]!.path, target);
  assert(!(await exists(dir)));
  const script = await ctx.exec(join(target, "bin", "demo-cli"), []);
  assertOk(script);
  await assertConsistent(ctx);
});

Deno.test("environment names that are JavaScript object properties work like any other", async () => {
  await using ctx = await createTestContext();
  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    assertOk(await ctx.run(["create", name]), name);
  }
  assertOk(await ctx.run(["install", "other-pkg", "--env", "constructor"]));
  const list = await ctx.run(["list", "--format", "json"]);
  assertOk(list);
  assertEquals(
    JSON.parse(list.stdout).data.environments.map((r: { name: string }) => r.name),
    ["__proto__", "constructor", "hasOwnProperty", "toString"],
  );
  assertOk(await ctx.run(["rename", "toString", "valueOf"]));
  assertOk(await ctx.run(["delete", "__proto__", "--force"]));
  assertEquals((await ctx.run(["info", "__proto__"])).code, 3);
  assertEquals(await names(ctx), ["constructor", "hasOwnProperty", "valueOf"]);
  await assertConsistent(ctx);
});

Deno.test("what list and cleanup say about orphans and interrupted commands (snapshot)", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "kept"]));
  assertOk(await ctx.run(["create", "gone"]));
  await Deno.remove(ctx.envPath("gone"), { recursive: true });
  assertOk(await ctx.exec("python3", ["-m", "venv", "--without-pip", ctx.envPath("found")]));
  const killed = await ctx.run(["create", "half"], {
    env: { GESTVENV_FAILPOINT: "create.after-staging:exit" },
  });
  assertEquals(killed.code, 137);
  const filter = (text: string) =>
    filterText(text, [[ctx.home, "<HOME>"], [ctx.work, "<WORK>"]])
      .replace(/\.gestvenv-staging-half-\d+-\d+/g, ".gestvenv-staging-half-<PID>-<MS>")
      .replace(/\(\d+(\.\d+)? (B|KiB|MiB)\)/g, "(<SIZE>)");
  const list = await ctx.run(["list"]);
  assertOk(list);
  await assertSnapshot(t, filter(list.stderr));
  const plan = await ctx.run(["cleanup", "--orphaned", "--dry-run"]);
  assertOk(plan);
  await assertSnapshot(t, filter(plan.stderr));
  const done = await ctx.run(["cleanup", "--orphaned"]);
  assertOk(done);
  await assertSnapshot(t, filter(done.stderr));
  await assertConsistent(ctx);
});
