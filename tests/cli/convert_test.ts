/**
 * Issue 10 §2: `convert`, `generate`, `update pyproject.toml --add-missing` and
 * `create-from-requirements` on the local index. The round trips of §5: a requirements set with
 * includes and markers, and a Pipfile with sources, scripts and dev-packages, become
 * pyproject.toml files that `validate` accepts and whose resolution (the packages
 * `create-from-pyproject` installs) equals the original's (`create -r`). Merging keeps every
 * comment; a declared value is never overwritten without `--force` or a yes.
 */
import { join } from "node:path";
import { parse } from "smol-toml";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  createTestContext,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";

function wheels() {
  return [
    ...standardWheels(),
    buildWheel({ name: "third-pkg", version: "1.0.0" }),
    buildWheel({ name: "tool-pkg", version: "0.5.0" }),
  ];
}

/** `name==version` of what an environment has installed, sorted. */
async function installed(ctx: TestContext, env: string): Promise<string[]> {
  const record = (await ctx.registry()).environments[env]!;
  return record.packages.map((p) => `${p.name}==${p.version}`).sort();
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
}

async function readToml(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(JSON.stringify(parse(await Deno.readTextFile(path))));
}

/**
 * The converted pyproject.toml in `dir` is valid, and its environment (`conv`, group dev) holds
 * the same name==version set as the environment made from the originals (`orig`).
 */
async function assertSameResolution(ctx: TestContext, dir: string): Promise<void> {
  assertOk(await ctx.run(["validate", join(dir, "pyproject.toml")]));
  assertOk(
    await ctx.run([
      "create-from-pyproject",
      join(dir, "pyproject.toml"),
      "conv",
      "--groups",
      "dev",
      "--no-project",
      "--python",
      "python3",
    ]),
  );
  const original = await installed(ctx, "orig");
  assertEquals(original, [
    "demo-dep==1.0.0",
    "demo-pkg==1.1.0",
    "other-pkg==2.0.0",
    "third-pkg==1.0.0",
  ]);
  assertEquals(await installed(ctx, "conv"), original);
}

Deno.test("convert round trip: a requirements set with includes and markers resolves the same", async () => {
  await using ctx = await createTestContext(wheels());
  const dir = join(ctx.work, "reqs");
  await write(dir, {
    "requirements.txt": [
      "# the application",
      `--index-url ${ctx.index.url}`,
      "demo-pkg>=1  # with its dependency",
      'other-pkg; python_version >= "3"',
      'tool-pkg; sys_platform == "no-such-platform"',
      "-r common.txt",
    ].join("\n") + "\n",
    "common.txt": "third-pkg\n",
    "requirements-test.txt": "-r requirements.txt\ndemo-dep<2\n",
    "requirements-dev.txt": "-r requirements-test.txt\n",
  });
  // The original: what installing the files gives.
  assertOk(
    await ctx.run([
      "create",
      "orig",
      "--python",
      "python3",
      "-r",
      join(dir, "requirements.txt"),
      "-r",
      join(dir, "requirements-dev.txt"),
    ]),
  );
  assertOk(
    await ctx.run([
      "convert",
      join(dir, "requirements.txt"),
      "--to",
      join(dir, "pyproject.toml"),
      "--detect-groups",
    ]),
  );
  assertEquals(await readToml(join(dir, "pyproject.toml")), {
    project: {
      name: "reqs",
      version: "0.1.0",
      dependencies: [
        "demo-pkg>=1",
        'other-pkg; python_version >= "3"',
        'tool-pkg; sys_platform == "no-such-platform"',
        "third-pkg",
      ],
    },
    "dependency-groups": { dev: [{ "include-group": "test" }], test: ["demo-dep<2"] },
    tool: { gestvenv: { index_url: ctx.index.url } },
  });
  await assertSameResolution(ctx, dir);
});

Deno.test("convert round trip: a Pipfile with sources, scripts and dev-packages resolves the same", async (t) => {
  await using ctx = await createTestContext(wheels());
  const dir = join(ctx.work, "pipenv-app");
  await write(dir, {
    "Pipfile": `[[source]]
url = "${ctx.index.url}"
verify_ssl = true
name = "local"

[packages]
demo-pkg = "*"
other-pkg = {version = ">=2", markers = "python_version >= '3'"}
tool-pkg = {version = "*", sys_platform = "== 'no-such-platform'"}

[dev-packages]
demo-dep = "<2"
third-pkg = "==1.0.0"

[requires]
python_version = "3.8"

[scripts]
hello = "python -c 'print(1)'"

[pipenv]
allow_prereleases = false
`,
    // What pipenv installs for `pipenv install --dev`, written as pip requirements.
    "expected.txt": [
      "demo-pkg",
      "other-pkg>=2; python_version >= '3'",
      "tool-pkg; sys_platform == 'no-such-platform'",
      "demo-dep<2",
      "third-pkg==1.0.0",
    ].join("\n") + "\n",
  });
  assertOk(
    await ctx.run(["create", "orig", "--python", "python3", "-r", join(dir, "expected.txt")]),
  );
  const converted = await ctx.run(["convert", join(dir, "Pipfile"), "--preserve-scripts"]);
  assertOk(converted);
  await assertSnapshot(
    t,
    filterText(converted.stderr, [[dir, "<DIR>"], [ctx.index.url, "<INDEX>"]]),
  );
  const data = await readToml(join(dir, "pyproject.toml"));
  assertEquals(data, {
    project: {
      name: "pipenv-app",
      version: "0.1.0",
      "requires-python": ">=3.8",
      dependencies: [
        "demo-pkg",
        "other-pkg>=2; python_version >= '3'",
        "tool-pkg; sys_platform == 'no-such-platform'",
      ],
    },
    "dependency-groups": { dev: ["demo-dep<2", "third-pkg==1.0.0"] },
    tool: {
      gestvenv: {
        index_url: ctx.index.url,
        python_version: "3.8",
        scripts: { hello: "python -c 'print(1)'" },
      },
    },
  });
  await assertSameResolution(ctx, dir);
});

const EXISTING = `# Our project: keep this header.
[project]
name = "app"  # the name
version = "1.0"
requires-python = ">=3.8"
dependencies = [
    # pinned for a reason
    "demo-pkg==1.0.0",  # see ticket 12
]

[tool.ruff]
line-length = 100  # wide screens
`;

Deno.test("convert into an existing pyproject.toml keeps every comment; conflicts need --force", async (t) => {
  await using ctx = await createTestContext([]);
  await write(ctx.work, {
    "pyproject.toml": EXISTING,
    "requirements.txt": "demo-pkg>=1\nother-pkg\n",
    "requirements-dev.txt": "pytest\n",
  });
  const target = join(ctx.work, "pyproject.toml");
  // No terminal and no --force: refused, the file untouched.
  const refused = await ctx.run(["convert", "requirements.txt", "--detect-groups"]);
  assertEquals(refused.code, 2, refused.stderr);
  assertEquals(await Deno.readTextFile(target), EXISTING);
  await assertSnapshot(t, filterText(refused.stderr, [[ctx.work, "<WORK>"]]));
  // --dry-run prints the merge (declared values kept) and writes nothing.
  const dry = await ctx.run(["convert", "requirements.txt", "--detect-groups", "--dry-run"]);
  assertOk(dry);
  assertStringIncludes(
    dry.stderr,
    "1 declared value(s) differ and are kept (--force replaces them)",
  );
  assertStringIncludes(dry.stdout, '"demo-pkg==1.0.0",  # see ticket 12');
  assertStringIncludes(dry.stdout, '"other-pkg",');
  assertEquals(await Deno.readTextFile(target), EXISTING);
  // --force: the declared pin is replaced in place; every comment line is still there.
  assertOk(await ctx.run(["convert", "requirements.txt", "--detect-groups", "--force"]));
  const merged = await Deno.readTextFile(target);
  for (const line of EXISTING.split("\n")) {
    if (!line.includes("#")) continue;
    // The replaced item keeps its comment (toml-patch keeps it in the same column).
    const kept = line.includes("demo-pkg==1.0.0") ? "# see ticket 12" : line;
    assert(merged.includes(kept), `lost: ${kept}\n${merged}`);
  }
  assertStringIncludes(merged, '"demo-pkg>=1",      # see ticket 12\n');
  assert(merged.startsWith(EXISTING.split("dependencies")[0]!), merged);
  assertEquals((await readToml(target)).project, {
    name: "app",
    version: "1.0",
    "requires-python": ">=3.8",
    dependencies: ["demo-pkg>=1", "other-pkg"],
  });
  assertEquals((await readToml(target))["dependency-groups"], { dev: ["pytest"] });
  // Converting again changes nothing.
  const again = await ctx.run(["convert", "requirements.txt", "--detect-groups"]);
  assertOk(again);
  assertStringIncludes(again.stderr, "already holds everything");
  assertEquals(await Deno.readTextFile(target), merged);
});

Deno.test("convert refuses hostile input with exit 10 and writes nothing", async () => {
  await using ctx = await createTestContext([]);
  await write(ctx.work, {
    "Pipfile": "[packages\nrequests = *\n",
    "cycle/requirements.txt": "-r a.txt\n",
    "cycle/a.txt": "-r requirements.txt\nsix\n",
    "cfg/setup.cfg": "[metadata]\nname = demo\nversion = %(missing)s\n",
  });
  const notToml = await ctx.run(["convert", "Pipfile"]);
  assertEquals(notToml.code, 10, notToml.stderr);
  assertStringIncludes(notToml.stderr, "is not a valid Pipfile (TOML)");
  const cycle = await ctx.run(["convert", "cycle/requirements.txt"]);
  assertEquals(cycle.code, 10, cycle.stderr);
  assertStringIncludes(cycle.stderr, "requirements.txt -> a.txt -> requirements.txt");
  const interpolation = await ctx.run(["convert", "cfg/setup.cfg"]);
  assertEquals(interpolation.code, 10, interpolation.stderr);
  assertStringIncludes(interpolation.stderr, "%(missing)s");
  const unknown = await ctx.run(["convert", "setup.py"]);
  assertEquals(unknown.code, 2, unknown.stderr);
  for (const dir of [".", "cycle", "cfg"]) {
    assertEquals(await Deno.stat(join(ctx.work, dir, "pyproject.toml")).catch(() => null), null);
  }
});

Deno.test("convert setup.cfg: metadata, options and entry points into a valid pyproject.toml", async () => {
  await using ctx = await createTestContext([]);
  await write(ctx.work, {
    "setup.cfg": `[metadata]
name = demo-tool
version = 1.2.0
description = A demo
author = Ada
author_email = ada@example.org
license = MIT

[options]
python_requires = >=3.9
install_requires =
    demo-pkg>=1
    other-pkg; python_version < "4"

[options.extras_require]
extra = third-pkg

[options.entry_points]
console_scripts =
    demo = demo_tool.cli:main
`,
  });
  const result = await ctx.run(["convert", "setup.cfg", "--format", "json"]);
  assertOk(result);
  const envelope = JSON.parse(result.stdout);
  assertEquals(envelope.data.kind, "setup.cfg");
  assertEquals(envelope.data.written, true);
  const data = await readToml(join(ctx.work, "pyproject.toml"));
  assertEquals(data["build-system"], {
    requires: ["setuptools>=61"],
    "build-backend": "setuptools.build_meta",
  });
  assertEquals((data.project as Record<string, unknown>).scripts, { demo: "demo_tool.cli:main" });
  assertEquals((data.project as Record<string, unknown>).dependencies, [
    "demo-pkg>=1",
    'other-pkg; python_version < "4"',
  ]);
  const valid = await ctx.run(["validate", "pyproject.toml"]);
  assertOk(valid);
  assertStringIncludes(valid.stderr, "0 error(s)");
});

Deno.test("generate pyproject.toml --from: defaults, --interactive without a terminal, --force", async () => {
  await using ctx = await createTestContext([]);
  const dir = join(ctx.work, "My Project");
  await write(dir, { "requirements.txt": "demo-pkg>=1\n", "README.md": "# hi\n" });
  const target = join(dir, "pyproject.toml");
  const made = await ctx.run([
    "generate",
    target,
    "--from",
    join(dir, "requirements.txt"),
    "--interactive",
    "--requires-python",
    ">=3.9",
  ]);
  assertOk(made);
  assertStringIncludes(made.stderr, "not a terminal, so nothing is asked; using the defaults");
  const data = await readToml(target);
  const project = data.project as Record<string, unknown>;
  assertEquals(project.name, "My-Project");
  assertEquals(project.version, "0.1.0");
  assertEquals(project.readme, "README.md");
  assertEquals(project["requires-python"], ">=3.9");
  assertEquals(project.dependencies, ["demo-pkg>=1"]);
  assertOk(await ctx.run(["validate", target]));
  // An existing file is not replaced without --force (no terminal to ask).
  await Deno.writeTextFile(target, "# mine\n");
  const refused = await ctx.run(["generate", target, "--name", "other"]);
  assertEquals(refused.code, 2, refused.stderr);
  assertEquals(await Deno.readTextFile(target), "# mine\n");
  assertOk(await ctx.run(["generate", target, "--name", "other", "--force"]));
  assertEquals(((await readToml(target)).project as Record<string, unknown>).name, "other");
  // Only pyproject.toml is generated.
  assertEquals((await ctx.run(["generate", "setup.py"])).code, 2);
});

Deno.test("update pyproject.toml --add-missing declares the environment's undeclared top-level packages", async () => {
  await using ctx = await createTestContext(wheels());
  const project = join(ctx.work, "proj");
  const pyproject = `[project]
name = "proj"
version = "0.1.0"
dependencies = [
    "demo-pkg>=1",  # the core
]

[dependency-groups]
dev = ["third-pkg"]
`;
  await write(project, { "pyproject.toml": pyproject });
  const file = join(project, "pyproject.toml");
  assertOk(
    await ctx.run([
      "create-from-pyproject",
      file,
      "env1",
      "--no-project",
      "--groups",
      "dev",
    ]),
  );
  assertOk(await ctx.run(["install", "other-pkg", "tool-pkg==0.5.0", "--env", "env1"]));
  // The environment is bound to the project: no --env needed. Dry run first.
  const dry = await ctx.run(["update", file, "--add-missing", "--dry-run"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr, "Would add 2 dependencies of `env1`");
  assertEquals(await Deno.readTextFile(file), pyproject);
  const result = await ctx.run(["update", file, "--add-missing", "--format", "json"]);
  assertOk(result);
  assertEquals(JSON.parse(result.stdout).data.added, ["other-pkg>=2.0.0", "tool-pkg==0.5.0"]);
  const text = await Deno.readTextFile(file);
  assertStringIncludes(text, '    "demo-pkg>=1",  # the core\n');
  assertEquals(((await readToml(file)).project as Record<string, unknown>).dependencies, [
    "demo-pkg>=1",
    "other-pkg>=2.0.0",
    "tool-pkg==0.5.0",
  ]);
  const again = await ctx.run(["update", file, "--add-missing", "--env", "env1"]);
  assertOk(again);
  assertStringIncludes(again.stderr, "already declares every top-level package");
  // The environment form of `update` is unchanged; the file form needs --add-missing.
  assertEquals((await ctx.run(["update", file])).code, 2);
  assertOk(await ctx.run(["update", "env1", "other-pkg"]));
});

Deno.test("create-from-requirements FILE NAME [--write-pyproject]", async () => {
  await using ctx = await createTestContext(wheels());
  const dir = join(ctx.work, "svc");
  await write(dir, { "requirements.txt": "demo-pkg==1.0.0\nthird-pkg\n" });
  assertOk(await ctx.run(["create-from-requirements", join(dir, "requirements.txt"), "plain"]));
  assertEquals(await installed(ctx, "plain"), [
    "demo-dep==2.0.0",
    "demo-pkg==1.0.0",
    "third-pkg==1.0.0",
  ]);
  assertEquals(await Deno.stat(join(dir, "pyproject.toml")).catch(() => null), null);
  assertEquals((await ctx.registry()).environments["plain"]!.project, undefined);

  assertOk(
    await ctx.run([
      "create-from-requirements",
      join(dir, "requirements.txt"),
      "bound",
      "--write-pyproject",
    ]),
  );
  assertEquals(await installed(ctx, "bound"), await installed(ctx, "plain"));
  assertEquals((await readToml(join(dir, "pyproject.toml"))).project as Record<string, unknown>, {
    name: "svc",
    version: "0.1.0",
    dependencies: ["demo-pkg==1.0.0", "third-pkg"],
  });
  assertEquals((await ctx.registry()).environments["bound"]!.project, {
    path: dir,
    groups: [],
    extras: [],
    installed: false,
  });
  // A missing file fails before anything is created.
  const missing = await ctx.run(["create-from-requirements", join(dir, "nope.txt"), "x"]);
  assert(missing.code !== 0);
  assertEquals((await ctx.registry()).environments["x"], undefined);
});

Deno.test("user files: a symlinked 0600 pyproject.toml stays a symlink to a 0600 file; a directory target is a typed error", async () => {
  await using ctx = await createTestContext([]);
  await write(ctx.work, {
    "requirements.txt": "demo-pkg>=1\n",
    "real/pyproject.toml": '[project]\nname = "app"\nversion = "1.0"\n',
    "d/pyproject.toml/.keep": "",
  });
  const real = join(ctx.work, "real", "pyproject.toml");
  await Deno.chmod(real, 0o600);
  await Deno.symlink("real/pyproject.toml", join(ctx.work, "pyproject.toml"));
  assertOk(await ctx.run(["convert", "requirements.txt"]));
  assertEquals((await Deno.lstat(join(ctx.work, "pyproject.toml"))).isSymlink, true);
  assertEquals((await Deno.stat(real)).mode! & 0o777, 0o600);
  assertEquals(((await readToml(real)).project as Record<string, unknown>).dependencies, [
    "demo-pkg>=1",
  ]);
  // --to a directory: exit 10 naming the path, not a raw "Is a directory (os error 21)".
  const dir = await ctx.run(["convert", "requirements.txt", "--to", "d/pyproject.toml"]);
  assertEquals(dir.code, 10, dir.stderr);
  assertStringIncludes(dir.stderr, "pyproject.toml: it is a directory");
  assert(!dir.stderr.includes("os error"), dir.stderr);
  // generate over a directory: the same.
  const gen = await ctx.run(["generate", "d/pyproject.toml", "--force"]);
  assertEquals(gen.code, 10, gen.stderr);
});

Deno.test("a concurrent edit of pyproject.toml is detected: nothing is written", async () => {
  await using ctx = await createTestContext([]);
  await write(ctx.work, {
    "requirements.txt": "demo-pkg>=1\n",
    "pyproject.toml": '[project]\nname = "app"\nversion = "1.0"\n',
  });
  const target = join(ctx.work, "pyproject.toml");
  const child = ctx.run(["convert", "requirements.txt"], {
    env: { GESTVENV_FAILPOINT: "user-file.before-check:sleep:3000" },
  });
  // The temp file is written and the command sleeps before its check: the user edits now.
  const tempWritten = async () =>
    (await Array.fromAsync(Deno.readDir(ctx.work))).some((e) => e.name.endsWith(".tmp"));
  for (let i = 0; i < 600 && !(await tempWritten()); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert(await tempWritten(), "the command never wrote its temp file");
  await Deno.writeTextFile(target, '[project]\nname = "app"\nversion = "2.0"\n');
  const result = await child;
  assertEquals(result.code, 1, result.stderr);
  assertStringIncludes(result.stderr, "changed while gestvenv worked on it");
  assertEquals(await Deno.readTextFile(target), '[project]\nname = "app"\nversion = "2.0"\n');
  assertEquals((await Array.fromAsync(Deno.readDir(ctx.work))).map((e) => e.name).sort(), [
    "pyproject.toml",
    "requirements.txt",
  ]);
});

Deno.test("an invalid pyproject.toml is never written with exit 0", async () => {
  await using ctx = await createTestContext([]);
  const dynamicProject = '[project]\nname = "app"\nversion = "1.0"\ndynamic = ["dependencies"]\n';
  await write(ctx.work, {
    "dyn/requirements.txt": "demo-pkg>=1\n",
    "dyn/pyproject.toml": dynamicProject,
    "_s2 x_/setup.cfg": "[metadata]\nversion = 1.0\n[options]\ninstall_requires = demo-pkg\n",
  });
  // A key the project declares dynamic is skipped, with a warning.
  const dyn = await ctx.run(["convert", "dyn/requirements.txt"]);
  assertOk(dyn);
  assertStringIncludes(dyn.stderr, "[project] dependencies is not written");
  assertEquals(await Deno.readTextFile(join(ctx.work, "dyn", "pyproject.toml")), dynamicProject);
  // Bad flags are refused up front.
  const badName = await ctx.run(["generate", "pyproject.toml", "--name", "bad name!"]);
  assertEquals(badName.code, 2, badName.stderr);
  const badPython = await ctx.run(["generate", "pyproject.toml", "--requires-python", "banana"]);
  assertEquals(badPython.code, 2, badPython.stderr);
  assertEquals(await Deno.stat(join(ctx.work, "pyproject.toml")).catch(() => null), null);
  // setup.cfg without a name in a directory whose name is not one: a valid name is made.
  assertOk(await ctx.run(["convert", "_s2 x_/setup.cfg"]));
  const cfg = await readToml(join(ctx.work, "_s2 x_", "pyproject.toml"));
  assertEquals((cfg.project as Record<string, unknown>).name, "s2-x");
  assertOk(await ctx.run(["validate", join(ctx.work, "_s2 x_", "pyproject.toml")]));
});

Deno.test("update --add-missing uses the environment .gestvenv.toml names, and says which", async () => {
  await using ctx = await createTestContext(wheels());
  const project = join(ctx.work, "proj");
  await write(project, {
    "pyproject.toml": '[project]\nname = "proj"\nversion = "0.1.0"\ndependencies = []\n',
    ".gestvenv.toml": 'environment = "named"\n',
  });
  assertOk(await ctx.run(["create", "named", "--python", "python3"]));
  assertOk(await ctx.run(["install", "third-pkg", "--env", "named"]));
  assertOk(await ctx.run(["create", "other", "--python", "python3"]));
  assertOk(await ctx.run(["install", "tool-pkg", "--env", "other"]));
  const file = join(project, "pyproject.toml");
  const result = await ctx.run(["update", file, "--add-missing"], {
    env: { VIRTUAL_ENV: (await ctx.registry()).environments["other"]!.path },
  });
  assertOk(result);
  assertStringIncludes(result.stderr, "Environment: `named` (the environment the project names");
  assertEquals(((await readToml(file)).project as Record<string, unknown>).dependencies, [
    "third-pkg>=1.0.0",
  ]);
});

Deno.test("create-from-requirements --write-pyproject: a directory in the way fails before anything is created", async () => {
  await using ctx = await createTestContext(wheels());
  const dir = join(ctx.work, "svc");
  await write(dir, { "requirements.txt": "demo-pkg==1.0.0\n", "pyproject.toml/.keep": "" });
  const result = await ctx.run([
    "create-from-requirements",
    join(dir, "requirements.txt"),
    "svc",
    "--write-pyproject",
  ]);
  assertEquals(result.code, 10, result.stderr);
  assertStringIncludes(result.stderr, "it is a directory");
  // No registry was even written, and no environment directory made.
  assertEquals(await Deno.stat(join(ctx.home, "environments.json")).catch(() => null), null);
  assertEquals(await Deno.stat(ctx.envPath("svc")).catch(() => null), null);
});
