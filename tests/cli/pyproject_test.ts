/**
 * `create-from-pyproject` (issue 10 §1) on the local index: a project with `[project]`
 * dependencies, an extra, two PEP 735 groups (one including the other) and a console script,
 * built by its own in-tree PEP 517/660 backend and installed editable.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { writeLocalProject } from "../helpers/local_project.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  createTestContext,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";

const PYPROJECT = `[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]

[project]
name = "webapp"
version = "0.3.0"
requires-python = ">=3.8"
dependencies = ["demo-pkg>=1"]

[project.optional-dependencies]
fast = ["other-pkg"]

[project.scripts]
webapp-hello = "webapp:hello"

[dependency-groups]
test = ["demo-dep<2"]
Dev = [{include-group = "test"}, "third-pkg"]
`;

/** The project `webapp`, built by the in-tree PEP 517/660 backend of the local-project helper. */
function writeProject(dir: string, pyproject = PYPROJECT): Promise<string> {
  return writeLocalProject(dir, {
    name: "webapp",
    version: "0.3.0",
    metadata: "Requires-Dist: demo-pkg>=1\nProvides-Extra: fast\n" +
      'Requires-Dist: other-pkg; extra == "fast"\n',
    entryPoints: "[console_scripts]\nwebapp-hello = webapp:hello\n",
    pyproject,
    module: 'ANSWER = 1\n\ndef hello():\n    print("hello from webapp", ANSWER)\n',
  });
}

async function python(ctx: TestContext, env: string, code: string) {
  return await ctx.exec(join(ctx.envPath(env), "bin", "python"), ["-c", code]);
}

/** The registered environment names (none when the registry was never written). */
async function registered(ctx: TestContext): Promise<string[]> {
  return Object.keys((await ctx.registry().catch(() => ({ environments: {} }))).environments);
}

function wheels() {
  return [...standardWheels(), buildWheel({ name: "third-pkg", version: "1.0.0" })];
}

Deno.test("create-from-pyproject --groups dev: deps, dev and the group it includes, the project editable, its script", async () => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(join(ctx.work, "webapp"));
  const created = await ctx.run(["create-from-pyproject", project, "app", "--groups", "dev"]);
  assertOk(created);
  const record = (await ctx.registry()).environments["app"]!;
  assertEquals(record.packages.map((p) => `${p.name}==${p.version}`), [
    "demo-dep==1.0.0",
    "demo-pkg==1.1.0",
    "third-pkg==1.0.0",
    "webapp==0.3.0",
  ]);
  const { synced_sha256, ...binding } = record.project!;
  assertEquals(binding, { path: project, groups: ["dev"], extras: [], installed: true });
  assertEquals(synced_sha256?.length, 64, "the hash auto_sync compares");
  assertEquals(record.requirements.includes(`-e ${project}`), true, record.requirements.join());
  const imported = await python(ctx, "app", "import webapp; print(webapp.ANSWER, webapp.__file__)");
  assertEquals(
    imported.stdout.trim(),
    `1 ${join(project, "webapp", "__init__.py")}`,
    imported.stderr,
  );
  // Editable (PEP 660): a source edit shows without reinstalling.
  await Deno.writeTextFile(
    join(project, "webapp", "__init__.py"),
    'ANSWER = 2\n\ndef hello():\n    print("hello from webapp", ANSWER)\n',
  );
  const script = await ctx.exec(join(ctx.envPath("app"), "bin", "webapp-hello"), []);
  assertEquals(script.stdout.trim(), "hello from webapp 2", script.stderr);
  const info = await ctx.run(["info", "app"]);
  assertOk(info);
  assertStringIncludes(info.stdout, `${project} (editable)`);
  assertStringIncludes(info.stdout, "Groups");
});

Deno.test("create-from-pyproject --no-project --extras fast, from ./pyproject.toml: the project is left out", async () => {
  await using ctx = await createTestContext(wheels());
  // No FILE: ./pyproject.toml (the CLI runs in ctx.work).
  const project = await writeProject(ctx.work);
  const created = await ctx.run([
    "create-from-pyproject",
    "lean",
    "--no-project",
    "--extras",
    "fast",
  ]);
  assertOk(created);
  const record = (await ctx.registry()).environments["lean"]!;
  assertEquals(record.packages.map((p) => p.name), ["demo-dep", "demo-pkg", "other-pkg"]);
  assertEquals({ ...record.project!, synced_sha256: undefined }, {
    path: project,
    groups: [],
    extras: ["fast"],
    installed: false,
    synced_sha256: undefined,
  });
  const missing = await python(
    ctx,
    "lean",
    "import importlib.metadata as m\ntry:\n  m.version('webapp'); print('installed')\nexcept m.PackageNotFoundError: print('absent')",
  );
  assertEquals(missing.stdout.trim(), "absent", missing.stderr);
  assert(
    await Deno.stat(join(ctx.envPath("lean"), "bin", "webapp-hello")).then(() => false, () => true),
    "no script of the project",
  );
});

Deno.test("create-from-pyproject: no interpreter satisfies requires-python, the ones found are listed", async () => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(
    join(ctx.work, "webapp"),
    PYPROJECT.replace('requires-python = ">=3.8"', 'requires-python = ">=9.1"'),
  );
  const failed = await ctx.run(["create-from-pyproject", project, "app"]);
  assertEquals(failed.code, 1, failed.stderr);
  assertStringIncludes(
    failed.stderr,
    "No interpreter satisfies the project's requires-python `>=9.1`",
  );
  assertStringIncludes(failed.stderr, "found: ");
  assertStringIncludes(failed.stderr, "CPython 3.");
  assertEquals(await registered(ctx), []);
  const request = await ctx.run(["create-from-pyproject", project, "app", "--python", "3.11"]);
  assertStringIncludes(request.stderr, "does not satisfy the project's requires-python `>=9.1`");
});

Deno.test("create-from-pyproject: a group cycle or an unknown include is a config error (exit 10)", async (t) => {
  await using ctx = await createTestContext(wheels());
  const cases = [
    '[dependency-groups]\ntest = [{include-group = "dev"}]\ndev = [{include-group = "test"}]\n',
    '[dependency-groups]\ndev = [{include-group = "lint"}, "ruff"]\n',
  ];
  for (const [i, groups] of cases.entries()) {
    const project = await writeProject(
      join(ctx.work, `p${i}`),
      PYPROJECT.slice(0, PYPROJECT.indexOf("[dependency-groups]")) + groups,
    );
    // The file itself, or its directory.
    const given = i === 0 ? join(project, "pyproject.toml") : project;
    const failed = await ctx.run(["create-from-pyproject", given, `app${i}`, "--groups", "dev"]);
    assertEquals(failed.code, 10, failed.stderr);
    await assertSnapshot(t, filterText(failed.stderr, [[ctx.work, "<WORK>"]]));
  }
  assertEquals(await registered(ctx), []);
});

Deno.test("create-from-pyproject --python that satisfies requires-python is used; --dry-run changes nothing", async () => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(join(ctx.work, "webapp"));
  const dry = await ctx.run(["create-from-pyproject", project, "app", "--python", "3.12", "-n"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr + dry.stdout, "Would create `app`");
  assertStringIncludes(dry.stderr + dry.stdout, `-e ${project}`);
  assertEquals(await registered(ctx), []);
  assertOk(await ctx.run(["create-from-pyproject", project, "app", "--python", "3.12"]));
  const record = (await ctx.registry()).environments["app"]!;
  assert(record.python.version.startsWith("3.12."), record.python.version);
});
