import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertOk, createTestContext } from "../helpers/test_context.ts";
import { writeLocalProject } from "../helpers/local_project.ts";

Deno.test("install, update, uninstall and packages keep the registry equal to the disk", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const install = await ctx.run(["install", "demo-pkg==1.0.0", "demo-dep==1.0.0", "--env", "app"]);
  assertOk(install);
  assertStringIncludes(install.stderr, "+ demo-pkg==1.0.0");
  let record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages, [{ name: "demo-dep", version: "1.0.0" }, {
    name: "demo-pkg",
    version: "1.0.0",
  }]);
  assertEquals(record.requirements, ["demo-pkg==1.0.0", "demo-dep==1.0.0"]);

  const check = await ctx.run(["check", "--env", "app", "--outdated", "--format", "json"]);
  assertOk(check);
  const outdated = JSON.parse(check.stdout).data.packages.map((
    p: { name: string; latest_version: string },
  ) => `${p.name}:${p.latest_version}`);
  assertEquals(outdated.sort(), ["demo-dep:2.0.0", "demo-pkg:1.1.0"]);

  const update = await ctx.run(["update", "demo-pkg", "--env", "app"]);
  assertOk(update);
  assertStringIncludes(update.stderr, "demo-pkg 1.0.0 → 1.1.0");
  record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages.find((p) => p.name === "demo-pkg")?.version, "1.1.0");

  const all = await ctx.run(["update", "--all", "--force-unpin", "--env", "app"]);
  assertOk(all);
  record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages, [{ name: "demo-dep", version: "2.0.0" }, {
    name: "demo-pkg",
    version: "1.1.0",
  }]);
  assertEquals(record.requirements, ["demo-pkg", "demo-dep"], "upgrades loosen pins, add nothing");

  const freeze = await ctx.run(["packages", "--env", "app", "--format", "requirements"]);
  assertOk(freeze);
  assertEquals(freeze.stdout.trim().split("\n"), ["demo-dep==2.0.0", "demo-pkg==1.1.0"]);

  const uninstall = await ctx.run(["uninstall", "demo-pkg", "--env", "app"]);
  assertOk(uninstall);
  record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages, [{ name: "demo-dep", version: "2.0.0" }]);
  assertEquals(record.requirements, ["demo-dep"]);
  const gone = await ctx.exec(join(ctx.envPath("app"), "bin", "python"), ["-c", "import demo_pkg"]);
  assertEquals(gone.code, 1);
});

Deno.test("the older `COMMAND ENV PKG...` form and the active environment are understood", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "legacy"]));
  assertOk(await ctx.run(["install", "legacy", "other-pkg"]));
  assertEquals((await ctx.registry()).environments["legacy"]!.packages, [{
    name: "other-pkg",
    version: "2.0.0",
  }]);
  const active = await ctx.run(["install", "third_pkg"], {
    env: { VIRTUAL_ENV: ctx.envPath("legacy") },
  });
  assertOk(active);
  assertEquals((await ctx.registry()).environments["legacy"]!.packages.map((p) => p.name), [
    "other-pkg",
    "third_pkg",
  ]);
  assertOk(await ctx.run(["remove", "legacy", "other-pkg"]));
  assertEquals((await ctx.registry()).environments["legacy"]!.packages.map((p) => p.name), [
    "third_pkg",
  ]);
  const none = await ctx.run(["install", "other-pkg"]);
  assertEquals(none.code, 2);
  assertStringIncludes(none.stderr, "--env NAME");
});

Deno.test("install -r FILE reads a requirements file and records its lines", async () => {
  await using ctx = await createTestContext();
  const file = join(ctx.work, "requirements.txt");
  await Deno.writeTextFile(file, "# tools\ndemo-dep==1.0.0  # pinned\nother-pkg\n");
  assertOk(await ctx.run(["create", "req", "-r", file]));
  const record = (await ctx.registry()).environments["req"]!;
  assertEquals(record.requirements, ["demo-dep==1.0.0", "other-pkg"]);
  assertEquals(record.packages.map((p) => `${p.name}==${p.version}`), [
    "demo-dep==1.0.0",
    "other-pkg==2.0.0",
  ]);
});

Deno.test("install -r FILE records the requirements of the files it includes (-r), as written", async () => {
  await using ctx = await createTestContext();
  const file = join(ctx.work, "requirements.txt");
  await Deno.mkdir(join(ctx.work, "more"));
  await Deno.writeTextFile(file, "demo-dep==1.0.0\n-r more/extra.txt\n");
  await Deno.writeTextFile(join(ctx.work, "more", "extra.txt"), "Other_Pkg>=1  # included\n");
  assertOk(await ctx.run(["create", "inc"]));
  assertOk(await ctx.run(["install", "-r", file, "--env", "inc"]));
  const record = (await ctx.registry()).environments["inc"]!;
  assertEquals(record.requirements, ["demo-dep==1.0.0", "Other_Pkg>=1"]);
  assertEquals(record.packages.map((p) => p.name).sort(), ["demo-dep", "other-pkg"]);
});

Deno.test("errors carry the spec's exit codes and a hint", async () => {
  await using ctx = await createTestContext();
  const missingEnv = await ctx.run(["install", "demo-pkg", "--env", "nowhere"]);
  assertEquals(missingEnv.code, 3);
  assertStringIncludes(missingEnv.stderr, "error: Environment `nowhere` does not exist");
  assertStringIncludes(missingEnv.stderr, "hint:");
  assert(!missingEnv.stderr.includes("    at "), "no stack trace without --verbose");
  assertOk(await ctx.run(["create", "e"]));
  const missingPkg = await ctx.run(["install", "does-not-exist", "--env", "e"]);
  assertEquals(missingPkg.code, 4);
  const notInstalled = await ctx.run(["uninstall", "demo-pkg", "--env", "e"]);
  assertEquals(notInstalled.code, 4);
  const badOption = await ctx.run(["list", "--bogus"]);
  assertEquals(badOption.code, 2);
  const badKey = await ctx.run(["config", "set", "nope", "1"]);
  assertEquals(badKey.code, 10);
  const jsonError = await ctx.run(["info", "nowhere", "--format", "json"]);
  assertEquals(jsonError.code, 3);
  assertEquals(JSON.parse(jsonError.stdout).errors[0].code, "environment_not_found");
  const verbose = await ctx.run(["--verbose", "info", "nowhere"]);
  assertStringIncludes(verbose.stderr, "at ");
});

Deno.test("two concurrent installs into one environment both land in the registry", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "busy"]));
  const [a, b] = await Promise.all([
    ctx.run(["install", "other-pkg", "--env", "busy"]),
    ctx.run(["install", "third_pkg", "--env", "busy"]),
  ]);
  assertOk(a);
  assertOk(b);
  const record = (await ctx.registry()).environments["busy"]!;
  assertEquals(record.packages.map((p) => p.name), ["other-pkg", "third_pkg"]);
  assertEquals(record.requirements.sort(), ["other-pkg", "third_pkg"]);
});

Deno.test("concurrent creates and installs across environments lose no registry entry", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "one"]));
  const results = await Promise.all([
    ctx.run(["create", "two"]),
    ctx.run(["create", "three"]),
    ctx.run(["install", "other-pkg", "--env", "one"]),
    ctx.run(["create", "four", "--packages", "third_pkg"]),
  ]);
  for (const r of results) assertOk(r);
  const doc = await ctx.registry();
  assertEquals(Object.keys(doc.environments).sort(), ["four", "one", "three", "two"]);
  assertEquals(doc.environments["one"]!.packages.map((p) => p.name), ["other-pkg"]);
  assertEquals(doc.environments["four"]!.packages.map((p) => p.name), ["third_pkg"]);
});

Deno.test("install -e PATH installs a local project in editable mode, in either spelling", async () => {
  await using ctx = await createTestContext();
  const project = await writeLocalProject(join(ctx.work, "proj"));
  assertOk(await ctx.run(["create", "dev"]));
  assertOk(await ctx.run(["install", "dev", "-e", project]));
  const python = join(ctx.envPath("dev"), "bin", "python");
  const first = await ctx.exec(python, ["-c", "import localproj; print(localproj.ANSWER)"]);
  assertEquals(first.stdout.trim(), "42");
  await Deno.writeTextFile(join(project, "localproj", "__init__.py"), "ANSWER = 43\n");
  const edited = await ctx.exec(python, ["-c", "import localproj; print(localproj.ANSWER)"]);
  assertEquals(edited.stdout.trim(), "43", "the environment sees edits without reinstalling");
  const record = (await ctx.registry()).environments["dev"]!;
  assertEquals(record.requirements, [`-e ${project}`]);
  const freeze = await ctx.run(["packages", "--env", "dev", "--format", "requirements"]);
  assertStringIncludes(freeze.stdout, "-e file://");
  assertOk(await ctx.run(["install", "--env", "dev", "--editable", project]));
});

Deno.test("gestvenv's index_url setting overrides pip's own index", async () => {
  await using ctx = await createTestContext();
  const env = { PIP_INDEX_URL: "http://127.0.0.1:9/simple" };
  assertOk(await ctx.run(["config", "set", "index_url", ctx.index.url], { env }));
  assertOk(await ctx.run(["create", "idx", "--packages", "other-pkg"], { env }));
  assertEquals((await ctx.registry()).environments["idx"]!.packages, [{
    name: "other-pkg",
    version: "2.0.0",
  }]);
});

Deno.test("a half-installed distribution is not reported as installed, and install repairs it", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "half", "--packages", "demo-pkg==1.0.0"]));
  const site = join(ctx.envPath("half"), "lib");
  const py = (await Array.fromAsync(Deno.readDir(site)))[0]!.name;
  const sitePackages = join(site, py, "site-packages");
  // As an installer killed midway leaves it: files partly there, no RECORD.
  await Deno.remove(join(sitePackages, "demo_pkg-1.0.0.dist-info", "RECORD"));
  await Deno.remove(join(sitePackages, "demo_pkg", "__init__.py"));
  const listed = await ctx.run(["packages", "--env", "half", "--format", "json"]);
  assertOk(listed);
  assert(!listed.stdout.includes("demo-pkg"), listed.stdout);
  const again = await ctx.run(["install", "demo-dep", "--env", "half"]);
  assertOk(again);
  assertStringIncludes(again.stderr, "demo-pkg 1.0.0 was half installed in `half`");
  const python = join(ctx.envPath("half"), "bin", "python");
  const imported = await ctx.exec(python, ["-c", "import demo_pkg; print(demo_pkg.VERSION)"]);
  assertOk(imported);
  assertEquals(imported.stdout.trim(), "1.0.0");
  const record = (await ctx.registry()).environments["half"]!;
  assertEquals(record.packages.map((p) => `${p.name}==${p.version}`).sort(), [
    "demo-dep==2.0.0",
    "demo-pkg==1.0.0",
  ]);
  assertEquals(record.requirements, ["demo-pkg==1.0.0", "demo-dep"]);
});
