/**
 * Moving environments: `export --include-metadata|--production-ready|--packages-only`,
 * `import --merge [--resolve-conflicts]`, `clone --packages-only` (issue 9 §3b, spec 000
 * "Import et export").
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { buildWheel } from "../helpers/build_wheel.ts";
import { assertOk, createTestContext, standardWheels } from "../helpers/test_context.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { writeLocalProject } from "../helpers/local_project.ts";

/** A file's lines that are not comments or blank. */
function contentLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
}

Deno.test("export --include-metadata adds the registry's metadata, --packages-only drops the settings", async (t) => {
  await using ctx = await createTestContext();
  assertOk(
    await ctx.run([
      "create",
      "orig",
      "--packages",
      "demo-pkg==1.0.0",
      "--description",
      "the original",
    ]),
  );
  const record = (await ctx.registry()).environments["orig"]!;

  const plain = join(ctx.work, "plain.json");
  assertOk(await ctx.run(["export", "orig", plain]));
  const doc = JSON.parse(await Deno.readTextFile(plain));
  assertEquals(doc.gestvenv_export_version, 2);
  assertEquals(doc.contents, "environment");
  assertEquals(doc.production_ready, false);
  assertEquals(doc.metadata, undefined);
  assertEquals(doc.python.implementation, record.python.implementation);
  assertEquals(doc.freeze, ["demo-dep==2.0.0", "demo-pkg==1.0.0"]);

  const full = join(ctx.work, "full.json");
  assertOk(await ctx.run(["export", "orig", full, "--include-metadata"]));
  const meta = JSON.parse(await Deno.readTextFile(full)).metadata;
  assertEquals(meta.description, "the original");
  assertEquals(meta.created_at, record.created_at);
  assertEquals(meta.updated_at, record.last_used_at);
  assertEquals(meta.backend, record.backend);
  assertEquals(meta.requirements, ["demo-pkg==1.0.0"]);
  assertEquals(meta.python, record.python);
  assertEquals(meta.groups, undefined); // no groups before projects exist

  const txt = await ctx.run(["export", "orig", "-", "--as", "requirements", "--include-metadata"]);
  assertOk(txt);
  assertStringIncludes(txt.stdout, `# created: ${record.created_at}`);
  assertStringIncludes(txt.stdout, `# python: ${record.python.implementation}`);
  assertEquals(contentLines(txt.stdout), ["demo-dep==2.0.0", "demo-pkg==1.0.0"]);

  const pkgs = join(ctx.work, "pkgs.json");
  assertOk(await ctx.run(["export", "orig", pkgs, "--packages-only"]));
  const only = JSON.parse(await Deno.readTextFile(pkgs));
  assertEquals(only.contents, "packages");
  for (const key of ["name", "description", "python", "backend", "requirements", "metadata"]) {
    assertEquals(only[key], undefined, key);
  }
  assertEquals(only.freeze, ["demo-dep==2.0.0", "demo-pkg==1.0.0"]);
  const pkgTxt = await ctx.run(["export", "orig", "-", "--as", "requirements", "--packages-only"]);
  assertEquals(pkgTxt.stdout.trim().split("\n"), ["demo-dep==2.0.0", "demo-pkg==1.0.0"]);

  // The package list alone imports on the configured Python, with the same versions.
  assertOk(await ctx.run(["import", pkgs, "fromlist"]));
  const imported = (await ctx.registry()).environments["fromlist"]!;
  assertEquals(imported.packages, record.packages);
  assertEquals(imported.description, null);
  // And the default document still imports with its description (version 2 read back).
  assertOk(await ctx.run(["import", full, "again"]));
  assertEquals((await ctx.registry()).environments["again"]!.description, "the original");

  // Contradictory options are refused before anything is written.
  const bad = await ctx.run([
    "export",
    "orig",
    join(ctx.work, "x.json"),
    "--include-metadata",
    "--packages-only",
  ]);
  assertEquals(bad.code, 2);
  const badLock = await ctx.run([
    "export",
    "orig",
    join(ctx.work, "pylock.toml"),
    "--include-metadata",
  ]);
  assertEquals(badLock.code, 2);
  await assertSnapshot(
    t,
    filterText([bad.stderr, badLock.stderr].join("---\n"), [[ctx.work, "<WORK>"], [
      ctx.home,
      "<HOME>",
    ]]),
  );
});

Deno.test("export --production-ready: pins with hashes that pip installs with --require-hashes, no unrequested tooling", async () => {
  // A `pip` on the index, so `--seed` puts one into the environment that nobody asked for.
  const served = [...standardWheels(), buildWheel({ name: "pip", version: "99.0" })];
  await using ctx = await createTestContext(served);
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.1.0", "--seed"]));
  const installed = (await ctx.registry()).environments["app"]!.packages.map((p) => p.name);
  assert(installed.includes("pip"), `pip is seeded: ${installed}`);

  const prod = join(ctx.work, "prod.txt");
  assertOk(await ctx.run(["export", "app", prod, "--production-ready"]));
  const text = await Deno.readTextFile(prod);
  assert(!/^pip==/m.test(text), text);
  assertStringIncludes(text, "# left out (build tooling nobody asked for): pip");
  const wheels = new Map(served.map((w) => [`${w.name}==${w.version}`, w.sha256]));
  const pins = [...text.matchAll(/^([\w.-]+==[\w.]+) \\\n\s+--hash=sha256:([0-9a-f]{64})$/gm)]
    .map((m) => [m[1], m[2]]);
  assertEquals(pins, [
    ["demo-dep==2.0.0", wheels.get("demo-dep==2.0.0")],
    ["demo-pkg==1.1.0", wheels.get("demo-pkg==1.1.0")],
  ]);

  // pip, in a plain venv, against the same local index, with hashes required.
  const venv = join(ctx.work, "plain-venv");
  assertOk(await ctx.exec("python3", ["-m", "venv", "--without-pip", venv]));
  const hostPip = ["-m", "pip", "--python", join(venv, "bin", "python")];
  const install = await ctx.exec("python3", [
    ...hostPip,
    "install",
    "--require-hashes",
    "--index-url",
    ctx.index.url,
    "-r",
    prod,
  ]);
  assertOk(install, "pip install --require-hashes");
  assertOk(await ctx.exec(join(venv, "bin", "python"), ["-c", "import demo_pkg, demo_dep"]));

  // A changed hash is refused by pip: the hashes really are checked.
  const tampered = join(ctx.work, "tampered.txt");
  await Deno.writeTextFile(
    tampered,
    text.replace(/--hash=sha256:([0-9a-f])/, (_, c) => `--hash=sha256:${c === "0" ? "1" : "0"}`),
  );
  const venv2 = join(ctx.work, "plain-venv-2");
  assertOk(await ctx.exec("python3", ["-m", "venv", "--without-pip", venv2]));
  const refused = await ctx.exec("python3", [
    "-m",
    "pip",
    "--python",
    join(venv2, "bin", "python"),
    "install",
    "--require-hashes",
    "--index-url",
    ctx.index.url,
    "-r",
    tampered,
  ]);
  assert(refused.code !== 0, "pip accepted a wrong hash");
  assertStringIncludes(refused.stderr, "HASH");

  // The JSON form carries the hashes and the lock of the set, and imports from that lock.
  const json = join(ctx.work, "prod.json");
  assertOk(await ctx.run(["export", "app", json, "--production-ready"]));
  const doc = JSON.parse(await Deno.readTextFile(json));
  assertEquals(doc.production_ready, true);
  assertEquals(doc.left_out, ["pip"]);
  assertEquals(doc.packages.map((p: { name: string }) => p.name), ["demo-dep", "demo-pkg"]);
  assertEquals(doc.packages[1].hashes, [`sha256:${wheels.get("demo-pkg==1.1.0")}`]);
  assertStringIncludes(doc.pylock, "lock-version");
  assert(!doc.pylock.includes('name = "pip"'));
  assertOk(await ctx.run(["import", json, "deployed"]));
  const deployed = (await ctx.registry()).environments["deployed"]!;
  assertEquals(deployed.packages.map((p) => `${p.name}==${p.version}`).sort(), [
    "demo-dep==2.0.0",
    "demo-pkg==1.1.0",
  ]);
  assertEquals(deployed.requirements, ["demo-pkg==1.1.0"]);

  // A lock without pip, too.
  const lock = await ctx.run(["export", "app", "-", "--as", "pylock", "--production-ready"]);
  assertOk(lock);
  assert(!lock.stdout.includes('name = "pip"'), lock.stdout);
  assertStringIncludes(lock.stdout, 'name = "demo-pkg"');

  // pip asked for by the user stays.
  assertOk(await ctx.run(["create", "tools", "--packages", "pip other-pkg"]));
  const tools = await ctx.run([
    "export",
    "tools",
    "-",
    "--as",
    "requirements",
    "--production-ready",
  ]);
  assertOk(tools);
  assertMatch(tools.stdout, /^pip==99\.0 \\$/m);
});

Deno.test("import into an existing name needs --merge, which adds what is missing and keeps the rest", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "env", "--packages", "demo-pkg==1.0.0"])); // demo-dep 2.0.0
  assertOk(await ctx.run(["create", "other", "--packages", "other-pkg demo-dep==1.0.0"]));
  const file = join(ctx.work, "other.json");
  assertOk(await ctx.run(["export", "other", file]));

  const refused = await ctx.run(["import", file, "env"]);
  assertEquals(refused.code, 1);
  await assertSnapshot(t, filterText(refused.stderr, [[ctx.work, "<WORK>"], [ctx.home, "<HOME>"]]));

  const dry = await ctx.run(["import", file, "env", "--merge", "--dry-run", "--format", "json"]);
  assertOk(dry);
  assertEquals(JSON.parse(dry.stdout).data.changes, [
    { name: "other-pkg", before: null, after: "2.0.0", kind: "added" },
  ]);
  assertEquals((await ctx.registry()).environments["env"]!.packages.length, 2);

  const merged = await ctx.run(["import", file, "env", "--merge"]);
  assertOk(merged);
  assertStringIncludes(merged.stderr, "demo-dep: kept 2.0.0 (the file wants demo-dep==1.0.0)");
  const env = (await ctx.registry()).environments["env"]!;
  assertEquals(env.packages.map((p) => `${p.name}==${p.version}`).sort(), [
    "demo-dep==2.0.0",
    "demo-pkg==1.0.0",
    "other-pkg==2.0.0",
  ]);
  // What the file asked for and the environment lacked is now asked for; the rest is as it was.
  assertEquals(env.requirements, ["demo-pkg==1.0.0", "other-pkg"]);
  assertOk(
    await ctx.exec(join(ctx.envPath("env"), "bin", "python"), ["-c", "import other_pkg, demo_pkg"]),
  );
  // The environment's lock describes it.
  const lock = await Deno.readTextFile(join(ctx.envPath("env"), "pylock.toml"));
  assertStringIncludes(lock, 'name = "other-pkg"');

  // Merging needs an environment to merge into.
  assertEquals((await ctx.run(["import", file, "nowhere", "--merge"])).code, 3);

  // Merging again changes nothing.
  const again = await ctx.run(["import", file, "env", "--merge", "--format", "json"]);
  assertOk(again);
  assertEquals(JSON.parse(again.stdout).data.changes, []);
});

Deno.test("import --merge --resolve-conflicts resolves the union again and reports the upgrades", async () => {
  await using ctx = await createTestContext();
  const write = async (name: string, doc: unknown) => {
    const path = join(ctx.work, name);
    await Deno.writeTextFile(path, JSON.stringify(doc));
    return path;
  };
  const python = { version: "3", implementation: "cpython" };
  // `env` asks for demo-pkg, and has the old versions.
  const old = await write("old.json", {
    gestvenv_export_version: 2,
    contents: "environment",
    production_ready: false,
    python,
    requirements: ["demo-pkg"],
    packages: [],
    freeze: ["demo-dep==1.0.0", "demo-pkg==1.0.0"],
    exported_at: "2026-01-01T00:00:00Z",
  });
  assertOk(await ctx.run(["import", old, "env"]));
  const newer = await write("newer.json", {
    gestvenv_export_version: 2,
    contents: "environment",
    production_ready: false,
    python,
    requirements: ["demo-pkg>=1.1", "other-pkg"],
    packages: [],
    freeze: ["demo-dep==2.0.0", "demo-pkg==1.1.0", "other-pkg==2.0.0"],
    exported_at: "2026-01-01T00:00:00Z",
  });

  // A plain merge keeps the versions the environment has.
  const plain = await ctx.run(["import", newer, "env", "--merge", "--format", "json"]);
  assertOk(plain);
  const kept = JSON.parse(plain.stdout).data.kept.map((k: { name: string }) => k.name);
  assertEquals(kept, ["demo-dep", "demo-pkg"]);
  const versions = async () =>
    (await ctx.registry()).environments["env"]!.packages.map((p) => `${p.name}==${p.version}`)
      .sort();
  assertEquals(await versions(), ["demo-dep==1.0.0", "demo-pkg==1.0.0", "other-pkg==2.0.0"]);

  const resolved = await ctx.run([
    "import",
    newer,
    "env",
    "--merge",
    "--resolve-conflicts",
    "--format",
    "json",
  ]);
  assertOk(resolved);
  assertEquals(JSON.parse(resolved.stdout).data.changes, [
    { name: "demo-dep", before: "1.0.0", after: "2.0.0", kind: "upgraded" },
    { name: "demo-pkg", before: "1.0.0", after: "1.1.0", kind: "upgraded" },
  ]);
  assertEquals(await versions(), ["demo-dep==2.0.0", "demo-pkg==1.1.0", "other-pkg==2.0.0"]);
  assertEquals((await ctx.registry()).environments["env"]!.requirements, [
    "demo-pkg>=1.1",
    "other-pkg",
  ]);
  // A union nothing satisfies fails with the resolver's explanation, and changes nothing.
  const clash = await write("clash.json", {
    gestvenv_export_version: 1,
    python,
    requirements: ["demo-pkg<1.1"],
    freeze: ["demo-pkg==1.0.0"],
  });
  const failed = await ctx.run(["import", clash, "env", "--merge", "--resolve-conflicts"]);
  assertEquals(failed.code, 1, failed.stderr);
  assertStringIncludes(failed.stderr, "demo-pkg");
  assertEquals(await versions(), ["demo-dep==2.0.0", "demo-pkg==1.1.0", "other-pkg==2.0.0"]);

  // The old file again, resolving: demo-pkg>=1.1 (recorded) holds, and its pin of demo-dep is
  // preferred, so demo-dep goes back; `--resolve-conflicts` alone implies `--merge`.
  const back = await ctx.run(["import", old, "env", "--resolve-conflicts"]);
  assertOk(back);
  assertMatch(back.stdout, /demo-dep\s*│\s*downgraded\s*│\s*2\.0\.0\s*│\s*1\.0\.0/);
  assertEquals(await versions(), ["demo-dep==1.0.0", "demo-pkg==1.1.0", "other-pkg==2.0.0"]);
});

Deno.test("clone carries the files put into an environment by hand; clone --packages-only leaves them", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "src", "--packages", "demo-pkg"]));
  const src = ctx.envPath("src");
  const site = (await ctx.exec(join(src, "bin", "python"), [
    "-c",
    "import sysconfig; print(sysconfig.get_paths()['purelib'])",
  ])).stdout.trim();
  const rel = site.slice(src.length + 1);
  await Deno.mkdir(join(src, "data"));
  await Deno.writeTextFile(join(src, "data", "notes.txt"), "mine\n");
  await Deno.writeTextFile(join(src, "bin", "my-tool"), `#!${src}/bin/python\nprint("tool")\n`, {
    mode: 0o755,
  });
  await Deno.mkdir(join(ctx.work, "extra-path"));
  await Deno.writeTextFile(join(ctx.work, "extra-path", "handmade.py"), "VALUE = 42\n");
  await Deno.writeTextFile(join(site, "handmade.pth"), join(ctx.work, "extra-path") + "\n");

  const full = await ctx.run(["clone", "src", "full", "--format", "json"]);
  assertOk(full);
  const fullData = JSON.parse(full.stdout).data;
  assertEquals(fullData.method, "relink");
  assertEquals(fullData.extra_files, ["bin/my-tool", "data", `${rel}/handmade.pth`]);
  const dst = ctx.envPath("full");
  assertEquals(await Deno.readTextFile(join(dst, "data", "notes.txt")), "mine\n");
  // The hand-made script names the clone's interpreter, not the source's.
  assertEquals(
    (await Deno.readTextFile(join(dst, "bin", "my-tool"))).split("\n")[0],
    `#!${dst}/bin/python`,
  );
  assertEquals((await ctx.exec(join(dst, "bin", "my-tool"), [])).stdout.trim(), "tool");
  assertEquals(
    (await ctx.exec(join(dst, "bin", "python"), [
      "-c",
      "import handmade, demo_pkg; print(handmade.VALUE)",
    ]))
      .stdout.trim(),
    "42",
  );

  const lean = await ctx.run(["clone", "src", "lean", "--packages-only", "--format", "json"]);
  assertOk(lean);
  const leanData = JSON.parse(lean.stdout).data;
  assertEquals(leanData.method, "relink");
  assertEquals(leanData.packages_only, true);
  assertEquals(leanData.extra_files, fullData.extra_files);
  const clean = ctx.envPath("lean");
  for (const path of ["data", "bin/my-tool", `${rel}/handmade.pth`]) {
    assertEquals(await Deno.lstat(join(clean, path)).then(() => true, () => false), false, path);
  }
  // The same distributions, importable.
  const doc = await ctx.registry();
  assertEquals(doc.environments["lean"]!.packages, doc.environments["src"]!.packages);
  assertEquals(doc.environments["lean"]!.requirements, doc.environments["src"]!.requirements);
  assertOk(await ctx.exec(join(clean, "bin", "python"), ["-c", "import demo_pkg, demo_dep"]));
  const noHandmade = await ctx.exec(join(clean, "bin", "python"), ["-c", "import handmade"]);
  assert(noHandmade.code !== 0);
  // The source is untouched.
  assertEquals(await Deno.readTextFile(join(src, "data", "notes.txt")), "mine\n");

  // Without the cache's files, --packages-only installs the source's lock (downloading them).
  await Deno.remove(join(ctx.home, "cache"), { recursive: true }).catch(() => {});
  const fetched = await ctx.run(["clone", "src", "fetched", "--packages-only", "--format", "json"]);
  assertOk(fetched);
  assertEquals(JSON.parse(fetched.stdout).data.method, "lock");
  assertOk(
    await ctx.exec(join(ctx.envPath("fetched"), "bin", "python"), ["-c", "import demo_pkg"]),
  );
});

Deno.test("an editable project: export --production-ready refuses it (exit 4), --resolve-conflicts keeps it", async () => {
  await using ctx = await createTestContext();
  const project = await writeLocalProject(join(ctx.work, "proj"));
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0"]));
  assertOk(await ctx.run(["install", "-e", project, "--env", "app"]));

  const prod = await ctx.run(["export", "app", join(ctx.work, "prod.txt"), "--production-ready"]);
  assertEquals(prod.code, 4, prod.stderr);
  assertStringIncludes(prod.stderr, "localproj 0.1.0");
  assertEquals(await Deno.lstat(join(ctx.work, "prod.txt")).then(() => true, () => false), false);

  const file = join(ctx.work, "more.txt");
  await Deno.writeTextFile(file, "other-pkg\n");
  const merged = await ctx.run(["import", file, "app", "--resolve-conflicts", "--format", "json"]);
  assertOk(merged);
  const changes = JSON.parse(merged.stdout).data.changes.map((c: { name: string; kind: string }) =>
    `${c.name}:${c.kind}`
  );
  assert(changes.includes("other-pkg:added"), changes.join());
  assert(!changes.some((c: string) => c.startsWith("localproj:removed")), changes.join());
  const run = await ctx.exec(join(ctx.envPath("app"), "bin", "python"), [
    "-c",
    "import localproj, other_pkg, demo_pkg; print(localproj.ANSWER)",
  ]);
  assertEquals(run.stdout.trim(), "42", run.stderr);
});
