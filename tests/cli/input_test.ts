/**
 * Input is checked before anything runs: requirements (command line and files) with our PEP 508
 * parser, import files by what they are, environment names against typos; and `update --all`
 * keeps the user's pins.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { filterText } from "../helpers/snapshot.ts";
import { assertSnapshot } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

/** Everything under an environment's site-packages, to prove nothing was installed. */
async function sitePackages(ctx: TestContext, name: string): Promise<string[]> {
  const lib = join(ctx.envPath(name), "lib");
  const names: string[] = [];
  for await (const version of Deno.readDir(lib)) {
    for await (const entry of Deno.readDir(join(lib, version.name, "site-packages"))) {
      names.push(entry.name);
    }
  }
  return names.sort();
}

Deno.test("install refuses an invalid requirement before anything runs, from the command line or a file", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "other-pkg"]));
  const registryBefore = await ctx.registry();
  const filesBefore = await sitePackages(ctx, "app");
  const requestsBefore = ctx.index.requests.length;

  const bad = await ctx.run(["install", "demo-pkg", "requests>>2", "--env", "app"]);
  assertEquals(bad.code, 2, bad.stderr);
  assertStringIncludes(bad.stderr, "command line: invalid requirement `requests>>2` at column 10");
  assertStringIncludes(bad.stderr, "hint: Did you mean `requests>2`?");
  await assertSnapshot(t, bad.stderr);

  const file = join(ctx.work, "requirements.txt");
  await Deno.writeTextFile(file, "# web\ndemo-pkg\ndemo-dep=>1  # typo\n");
  const fromFile = await ctx.run(["install", "--env", "app", "-r", file]);
  assertEquals(fromFile.code, 2, fromFile.stderr);
  assertStringIncludes(
    fromFile.stderr,
    `${file}:3: invalid requirement \`demo-dep=>1\` at column 9`,
  );
  assertStringIncludes(fromFile.stderr, "Did you mean `demo-dep>=1`?");
  await assertSnapshot(t, filterText(fromFile.stderr, [[ctx.work, "<WORK>"]]));

  // The older `install ENV PKG...` form and `--format json` say the same, in the envelope.
  const legacy = await ctx.run(["install", "app", "demo-pkg (>>1)", "--format", "json"]);
  assertEquals(legacy.code, 2);
  const envelope = JSON.parse(legacy.stdout);
  assertEquals(envelope.status, "error");
  assertEquals(envelope.errors[0].code, "invalid_syntax");
  assertEquals(envelope.errors[0].hint, "Did you mean `demo-pkg (>1)`?");

  // Paths and URLs are not PEP 508 and go to the backend as they are (pip's rule).
  const wheel = join(ctx.work, "dist", "missing-1.0-py3-none-any.whl");
  const path = await ctx.run(["install", wheel, "--env", "app"]);
  assert(path.code !== 2 && path.code !== 0, `a path is not a syntax error: ${path.stderr}`);

  assertEquals(await ctx.registry(), registryBefore, "nothing recorded");
  assertEquals(await sitePackages(ctx, "app"), filesBefore, "nothing installed");
  assertEquals(ctx.index.requests.length, requestsBefore, "no backend ran: no index request");
});

Deno.test("create and import check requirement files before making anything", async () => {
  await using ctx = await createTestContext();
  const file = join(ctx.work, "req.txt");
  await Deno.writeTextFile(file, "demo-pkg \\\n  >= 1.0\nother-pkg==2.0.0,\n");
  const imported = await ctx.run(["import", file, "fromreq"]);
  assertEquals(imported.code, 2, imported.stderr);
  assertStringIncludes(imported.stderr, `${file}:3: invalid requirement \`other-pkg==2.0.0,\``);
  assertStringIncludes(imported.stderr, "Did you mean `other-pkg==2.0.0`?");
  const registry = await Deno.readTextFile(join(ctx.home, "environments.json")).catch(() => "{}");
  assert(!registry.includes("fromreq"), "nothing registered");
  assert(!(await Deno.stat(ctx.envPath("fromreq")).then(() => true, () => false)), "no directory");
});

Deno.test("import says what a file is when it is not an export, and creates nothing", async (t) => {
  await using ctx = await createTestContext([]);
  const cases: Array<[string, string | Uint8Array]> = [
    ["wheel.whl", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])],
    ["garbage.bin", new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x00])],
    ["package.json", '{"name": "left-pad", "version": "1.3.0"}'],
    ["broken.json", '{"gestvenv_export_version": 1, '],
    ["future.json", '{"gestvenv_export_version": 7, "freeze": []}'],
    ["pyproject.toml", '[project]\nname = "x"\n'],
    ["settings.cfg", "[tool.black]\nline-length = 100\n"],
    ["list.txt", '["demo-pkg"]'],
    ["pylock.toml", "lock-version = [\n"],
    ["nonsense.toml", "a = = b\n"],
    ["empty.txt", "\n  \n"],
    ["notes.txt", "Remember to buy milk!\n"],
    ["export.json", '{"gestvenv_export_version": 1, "python": {"version": 3}, "freeze": []}'],
  ];
  const messages: string[] = [];
  for (const [name, content] of cases) {
    const path = join(ctx.work, name);
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
    const result = await ctx.run(["import", path, "x"]);
    assertEquals(result.code, 2, `${name}: ${result.stderr}`);
    messages.push(filterText(result.stderr, [[ctx.work, "<WORK>"]]));
  }
  await assertSnapshot(t, messages.join("\n---\n"));
  assert(!(await Deno.stat(ctx.envPath("x")).then(() => true, () => false)), "nothing created");
  const registry = await Deno.readTextFile(join(ctx.home, "environments.json")).catch(() => "{}");
  assert(!registry.includes('"x"'), "nothing registered");
});

Deno.test("export --format pylock, then import recreates the same versions from the lock", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "orig", "--packages", "demo-pkg==1.0.0 demo-dep==1.0.0"]));
  const lockFile = join(ctx.work, "pylock.toml");
  assertOk(await ctx.run(["export", "orig", lockFile, "--format", "pylock"]));
  assertStringIncludes(await Deno.readTextFile(lockFile), 'lock-version = "1.0"');
  const imported = await ctx.run(["import", lockFile, "copy"]);
  assertOk(imported);
  const doc = await ctx.registry();
  assertEquals(doc.environments["copy"]!.packages, doc.environments["orig"]!.packages);
  assertEquals(doc.environments["copy"]!.packages, [
    { name: "demo-dep", version: "1.0.0" },
    { name: "demo-pkg", version: "1.0.0" },
  ]);
  assertEquals(doc.environments["copy"]!.requirements, ["demo-pkg==1.0.0", "demo-dep==1.0.0"]);
  const python = join(ctx.envPath("copy"), "bin", "python");
  const version = await ctx.exec(python, [
    "-c",
    "import importlib.metadata as m; print(m.version('demo-pkg'))",
  ]);
  assertEquals(version.stdout.trim(), "1.0.0");

  // A lock under another name is detected by its content; `--as pylock` says it outright.
  const renamed = join(ctx.work, "environment.lock");
  await Deno.copyFile(lockFile, renamed);
  assertOk(await ctx.run(["import", renamed, "copy2"]));
  assertOk(await ctx.run(["import", renamed, "copy3", "--as", "pylock", "--dry-run"]));
  assertEquals((await ctx.registry()).environments["copy2"]!.packages, [
    { name: "demo-dep", version: "1.0.0" },
    { name: "demo-pkg", version: "1.0.0" },
  ]);
  assertEquals((await ctx.registry()).environments["copy3"], undefined, "dry run");

  // A JSON export records the original requirements, not the frozen versions.
  const jsonFile = join(ctx.work, "orig.json");
  assertOk(await ctx.run(["create", "loose", "--packages", "demo-pkg"]));
  assertOk(await ctx.run(["export", "loose", jsonFile]));
  assertOk(await ctx.run(["import", jsonFile, "loose2"]));
  const loose2 = (await ctx.registry()).environments["loose2"]!;
  assertEquals(loose2.requirements, ["demo-pkg"]);
  assertEquals(loose2.packages, (await ctx.registry()).environments["loose"]!.packages);
});

Deno.test("update --all holds back what the user pinned; naming it or --force-unpin moves it", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  assertOk(await ctx.run(["install", "demo-pkg==1.0.0", "demo-dep==1.0.0", "--env", "app"]));

  const held = await ctx.run(["update", "--all", "--env", "app"]);
  assertOk(held);
  assertStringIncludes(
    held.stderr,
    "held back: demo-dep==1.0.0 (pinned; `update demo-dep` or `--force-unpin` to move it)",
  );
  await assertSnapshot(t, held.stderr);
  let record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages, [
    { name: "demo-dep", version: "1.0.0" },
    { name: "demo-pkg", version: "1.0.0" },
  ]);
  assertEquals(record.requirements, ["demo-pkg==1.0.0", "demo-dep==1.0.0"]);

  const json = await ctx.run(["update", "--all", "--env", "app", "--format", "json"]);
  assertOk(json);
  const data = JSON.parse(json.stdout).data;
  assertEquals(
    data.held_back.map((h: { name: string; requirement: string; reason: string }) =>
      `${h.name} ${h.requirement} ${h.reason}`
    ),
    ["demo-dep demo-dep==1.0.0 pinned", "demo-pkg demo-pkg==1.0.0 pinned"],
  );
  assertEquals(data.changes, []);

  // Naming a pinned distribution moves it, and loosens its pin.
  assertOk(await ctx.run(["update", "demo-dep", "--env", "app"]));
  record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages.find((p) => p.name === "demo-dep")?.version, "2.0.0");
  assertEquals(record.requirements, ["demo-pkg==1.0.0", "demo-dep"]);

  // --force-unpin moves every pin.
  const forced = await ctx.run(["update", "--all", "--force-unpin", "--env", "app"]);
  assertOk(forced);
  assert(!forced.stderr.includes("held back"), forced.stderr);
  record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages, [
    { name: "demo-dep", version: "2.0.0" },
    { name: "demo-pkg", version: "1.1.0" },
  ]);
  assertEquals(record.requirements, ["demo-pkg", "demo-dep"]);

  assertEquals((await ctx.run(["update", "demo-pkg", "--force-unpin", "--env", "app"])).code, 2);
  assertEquals((await ctx.run(["update", "demo-pkg>=1", "--env", "app"])).code, 2);
});

Deno.test("update --all keeps recorded ranges and adds no transitive requirement", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "rng", "--packages", "demo-pkg==1.0.0 demo-dep<2"]));
  assertOk(await ctx.run(["create", "bare", "--packages", "demo-pkg==1.0.0"]));
  assertOk(await ctx.run(["update", "--all", "--env", "rng", "--force-unpin"]));
  const rng = (await ctx.registry()).environments["rng"]!;
  assertEquals(rng.packages, [
    { name: "demo-dep", version: "1.0.0" },
    { name: "demo-pkg", version: "1.1.0" },
  ], "demo-dep stays below 2 as asked");
  assertEquals(rng.requirements, ["demo-pkg", "demo-dep<2"]);
  assertOk(await ctx.run(["update", "--all", "--force-unpin", "--env", "bare"]));
  assertEquals((await ctx.registry()).environments["bare"]!.requirements, ["demo-pkg"]);
});

Deno.test("a misspelt environment is refused with the close names, in every spelling", async (t) => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["create", "monapp"]));
  const before = await ctx.registry();

  const legacy = await ctx.run(["install", "monap", "six"]);
  assertEquals(legacy.code, 2, legacy.stderr);
  assertStringIncludes(legacy.stderr, "`monap` is not an environment; did you mean `monapp`?");
  await assertSnapshot(t, legacy.stderr);
  assertEquals((await ctx.run(["uninstall", "monap", "six"])).code, 2);
  assertEquals((await ctx.run(["update", "monap", "--all"])).code, 2);

  const flag = await ctx.run(["install", "six", "--env", "monap"]);
  assertEquals(flag.code, 3);
  assertStringIncludes(flag.stderr, "hint: Did you mean `monapp`?");
  const info = await ctx.run(["info", "mnoapp", "--format", "json"]);
  assertEquals(info.code, 3);
  assertStringIncludes(JSON.parse(info.stdout).errors[0].hint, "Did you mean `monapp`?");
  for (const args of [["run", "monap", "python"], ["activate", "monap"], ["delete", "monap"]]) {
    const result = await ctx.run(args);
    assertEquals(result.code, 3, args.join(" "));
    assertStringIncludes(result.stderr, "Did you mean `monapp`?", args.join(" "));
  }
  const far = await ctx.run(["info", "zzz"]);
  assertEquals(far.code, 3);
  assert(!far.stderr.includes("Did you mean"), "no suggestion when nothing is close");
  assertEquals(await ctx.registry(), before, "nothing changed");
});
