import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertOk, createTestContext, standardWheels } from "../helpers/test_context.ts";
import type { BuiltWheel } from "../helpers/build_wheel.ts";

Deno.test("create with packages installs from the index: import works, console script runs, registry knows", async () => {
  await using ctx = await createTestContext();
  const created = await ctx.run([
    "create",
    "web",
    "--packages",
    "demo-pkg",
    "--description",
    "demo",
  ]);
  assertOk(created);
  assertStringIncludes(created.stderr, "Created `web`");
  const path = ctx.envPath("web");
  const imported = await ctx.exec(join(path, "bin", "python"), [
    "-c",
    "import demo_pkg, demo_dep, sys; print(demo_pkg.VERSION, demo_dep.VERSION, sys.prefix)",
  ]);
  assertOk(imported);
  assertEquals(imported.stdout.trim(), `1.1.0 2.0.0 ${path}`);
  const script = await ctx.exec(join(path, "bin", "demo-cli"), []);
  assertOk(script);
  assertEquals(script.stdout.trim(), "demo-pkg 1.1.0");
  const record = (await ctx.registry()).environments["web"]!;
  assertEquals(record.path, path);
  assertEquals(record.description, "demo");
  assertEquals(record.backend, "native");
  assertEquals(record.requirements, ["demo-pkg"]);
  assertEquals(record.packages, [{ name: "demo-dep", version: "2.0.0" }, {
    name: "demo-pkg",
    version: "1.1.0",
  }]);
  const info = await ctx.run(["info", "web", "--format", "json"]);
  assertOk(info);
  const data = JSON.parse(info.stdout).data;
  assertEquals(data.packages.length, 2);
  assertEquals(data.exists, true);
});

Deno.test("create without packages makes a PEP 405 environment Python accepts", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "empty"]));
  const path = ctx.envPath("empty");
  const cfg = await Deno.readTextFile(join(path, "pyvenv.cfg"));
  assertMatch(cfg, /^home = .+$/m);
  assertMatch(cfg, /^gestvenv = \d+\.\d+\.\d+$/m);
  assertMatch(cfg, /^include-system-site-packages = false$/m);
  assertMatch(cfg, /^prompt = empty$/m);
  const probe = await ctx.exec(join(path, "bin", "python"), [
    "-c",
    "import sys, site; print(sys.prefix); print(sys.prefix != sys.base_prefix); print(site.getsitepackages()[0])",
  ]);
  assertOk(probe);
  const [prefix, isVenv, site] = probe.stdout.trim().split("\n");
  assertEquals(prefix, path);
  assertEquals(isVenv, "True");
  assert(site!.startsWith(join(path, "lib")), site);
  for (
    const name of [
      "activate",
      "activate.csh",
      "activate.fish",
      "activate.nu",
      "Activate.ps1",
      "activate.bat",
      "deactivate.bat",
    ]
  ) {
    assert((await Deno.stat(join(path, "bin", name))).isFile, name);
  }
  const bash = await ctx.exec("bash", [
    "-c",
    `. '${
      join(path, "bin", "activate")
    }' && command -v python && echo "$VIRTUAL_ENV" && deactivate && echo "\${VIRTUAL_ENV:-none}"`,
  ]);
  assertOk(bash);
  assertEquals(bash.stdout.trim().split("\n"), [join(path, "bin", "python"), path, "none"]);
});

Deno.test("create --dry-run changes nothing", async () => {
  await using ctx = await createTestContext();
  const result = await ctx.run(["create", "ghost", "--packages", "demo-pkg", "--dry-run"]);
  assertOk(result);
  assertStringIncludes(result.stderr, "Would create `ghost`");
  await Deno.stat(ctx.envPath("ghost")).then(() => {
    throw new Error("directory was created");
  }, () => {});
  await Deno.stat(join(ctx.home, "environments.json")).then(() => {
    throw new Error("registry was written");
  }, () => {});
});

Deno.test("a failed create removes what it made and registers nothing", async () => {
  await using ctx = await createTestContext();
  const result = await ctx.run(["create", "broken", "--packages", "no-such-dist"]);
  assertEquals(result.code, 4, result.stderr);
  assertStringIncludes(result.stderr, "no-such-dist");
  assertStringIncludes(result.stderr, "hint:");
  await Deno.stat(ctx.envPath("broken")).then(() => {
    throw new Error("directory left behind");
  }, () => {});
  const list = await ctx.run(["list", "--format", "json"]);
  assertEquals(JSON.parse(list.stdout).data.environments, []);
});

Deno.test("create refuses a directory that exists and is not empty, and never deletes it", async () => {
  await using ctx = await createTestContext();
  const dir = join(ctx.work, "mine");
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "precious.txt"), "keep me");
  const result = await ctx.run(["create", "mine", "--path", dir]);
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, "already exists");
  assertEquals(await Deno.readTextFile(join(dir, "precious.txt")), "keep me");
});

Deno.test("invalid names are usage errors", async () => {
  await using ctx = await createTestContext();
  for (const name of ["../evil", "a/b", ".hidden", "x".repeat(65), "sp ace"]) {
    const result = await ctx.run(["create", name]);
    assertEquals(result.code, 2, `${name}: ${result.stderr}`);
    assertStringIncludes(result.stderr, "Invalid environment name");
  }
});

Deno.test("--python picks the newest matching interpreter and reports what was found otherwise", async () => {
  await using ctx = await createTestContext();
  const versions = JSON.parse((await ctx.run(["pyversions", "--format", "json"])).stdout)
    .data as Array<{ version: string; version_info: number[] }>;
  assert(versions.length > 0);
  const v = versions.find((i) => i.version_info[0] === 3 && i.version_info[1]! >= 7)!;
  const minor = `${v.version_info[0]}.${v.version_info[1]}`;
  assertOk(await ctx.run(["create", "pinned", "--python", minor]));
  const record = (await ctx.registry()).environments["pinned"]!;
  assert(record.python.version.startsWith(`${minor}.`), record.python.version);
  const missing = await ctx.run(["create", "nope", "--python", "2.1"]);
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, "No interpreter satisfies `2.1`; found:");
});

/** The pip wheel Python bundles for `ensurepip` (found through the first `python3`), to serve. */
async function bundledPipWheel(): Promise<BuiltWheel> {
  const out = await new Deno.Command("python3", {
    args: ["-c", "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))"],
    stdout: "piped",
  }).output();
  const dir = join(new TextDecoder().decode(out.stdout).trim(), "_bundled");
  const filename =
    (await Array.fromAsync(Deno.readDir(dir))).find((e) => e.name.startsWith("pip-"))!
      .name;
  const bytes = await Deno.readFile(join(dir, filename));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return {
    filename,
    bytes,
    sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
    name: "pip",
    version: filename.split("-")[1]!,
  };
}

Deno.test("create --seed puts a working pip into the environment (installed by gestvenv)", async () => {
  await using ctx = await createTestContext([...standardWheels(), await bundledPipWheel()]);
  assertOk(await ctx.run(["create", "seeded", "--seed"]));
  const pip = await ctx.exec(join(ctx.envPath("seeded"), "bin", "python"), [
    "-m",
    "pip",
    "--version",
  ]);
  assertOk(pip);
  assertStringIncludes(pip.stdout, ctx.envPath("seeded"));
  assertEquals(
    (await ctx.registry()).environments["seeded"]!.packages.some((p) => p.name === "pip"),
    true,
  );
  // Seeding is not a requirement the user asked for.
  assertEquals((await ctx.registry()).environments["seeded"]!.requirements, []);
});

Deno.test("create checks every requirement before anything is made", async () => {
  await using ctx = await createTestContext();
  const bad = await ctx.run(["create", "bad", "--packages", "demo-pkg requests>>2"]);
  assertEquals(bad.code, 2, bad.stderr);
  assertStringIncludes(bad.stderr, "column");
  assertEquals(await Deno.lstat(ctx.envPath("bad")).then(() => true, () => false), false);
  assertEquals(ctx.index.requests.length, 0, "no index request");
});

Deno.test("create: --python and --backend beat GESTVENV_PYTHON and GESTVENV_BACKEND (settings resolved once)", async () => {
  await using ctx = await createTestContext();
  const bogus = { GESTVENV_PYTHON: "9.99", GESTVENV_BACKEND: "uv", GESTVENV_UV: "/nonexistent/uv" };
  // The variables alone apply: no interpreter 9.99 exists.
  const fromEnv = await ctx.run(["create", "a", "--dry-run", "--json"], { env: bogus });
  assertEquals(fromEnv.code, 1, fromEnv.stderr);
  assertStringIncludes(fromEnv.stderr, "9.99");
  // The flags win over them, and the record shows what the flags asked for.
  const python = (await ctx.exec("python3", ["-c", "import sys; print(sys.executable)"])).stdout
    .trim();
  const created = await ctx.run(["create", "b", "--python", python, "--backend", "pip", "--json"], {
    env: bogus,
  });
  assertOk(created);
  const record = (await ctx.registry()).environments["b"]!;
  assertEquals(record.backend, "pip");
  const version =
    (await ctx.exec(python, ["-c", "import platform; print(platform.python_version())"]))
      .stdout.trim();
  assertEquals(record.python.version, version);
});

Deno.test("create --packages splits on spaces and on commas between requirements, not inside one", async () => {
  await using ctx = await createTestContext();
  const planned = await ctx.run([
    "create",
    "w",
    "--packages",
    "demo-pkg>=1,<2,other-pkg demo-dep[x,y]",
    "--dry-run",
    "--json",
  ]);
  assertOk(planned);
  assertEquals(JSON.parse(planned.stdout).data.requirements, [
    "demo-pkg>=1,<2",
    "other-pkg",
    "demo-dep[x,y]",
  ]);
});
