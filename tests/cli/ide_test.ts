/**
 * `gestvenv ide vscode|pycharm|status` and `info --format json`'s interpreter: settings.json
 * edited with its comments and trailing commas kept byte for byte, an invalid one refused and
 * unchanged, PyCharm's misc.xml, the project's bound environment as the default, a deleted
 * environment seen as stale.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

const SETTINGS = `{
    // Team settings: keep this comment.
    "editor.tabSize": 4, /* and this one */
    "files.exclude": {
        "**/.git": true,
        "**/__pycache__": true, // trailing comma inside
    },
    "python.defaultInterpreterPath": "/old/python", // replaced value, comment kept
}
`;

async function project(ctx: TestContext, name: string): Promise<string> {
  const dir = join(ctx.work, name);
  await Deno.mkdir(join(dir, ".vscode"), { recursive: true });
  return dir;
}

const paths = (ctx: TestContext): Array<[string, string]> => [[ctx.home, "<HOME>"], [
  ctx.work,
  "<WORK>",
]];

Deno.test("ide vscode keeps comments, trailing commas and formatting byte for byte", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  const dir = await project(ctx, "site");
  const file = join(dir, ".vscode", "settings.json");
  await Deno.writeTextFile(file, SETTINGS);

  // A dry run shows the diff and writes nothing.
  const dry = await ctx.run(["ide", "vscode", "web", "--project", dir, "--dry-run"]);
  assertOk(dry);
  assertEquals(await Deno.readTextFile(file), SETTINGS);
  assertStringIncludes(dry.stdout, '-    "python.defaultInterpreterPath": "/old/python"');
  await assertSnapshot(t, filterText(dry.stdout, paths(ctx)));

  const done = await ctx.run(["ide", "vscode", "web", "--project", dir, "--format", "json"]);
  assertOk(done);
  const data = JSON.parse(done.stdout).data;
  const python = join(ctx.envPath("web"), "bin", "python");
  assertEquals([data.environment, data.interpreter, data.written], ["web", python, true]);
  const after = await Deno.readTextFile(file);
  // Everything but the changed value, and the two keys added at the end, is the same bytes.
  const [head, tail] = SETTINGS.split('"/old/python"');
  assert(after.startsWith(head!), after);
  assert(after.includes(`${JSON.stringify(python)}, // replaced value, comment kept\n`), after);
  assertEquals(after.slice(after.lastIndexOf("}")), tail!.slice(tail!.lastIndexOf("}")));
  await assertSnapshot(t, filterText(after, paths(ctx)));
  // The file names an interpreter that runs.
  const settings = await ctx.exec(python, ["-c", "import sys; print(sys.prefix)"]);
  assertOk(settings);
  assertEquals(settings.stdout.trim(), ctx.envPath("web"));

  // Run again: nothing to change, the bytes stay.
  assertOk(await ctx.run(["ide", "vscode", "web", "--project", dir]));
  assertEquals(await Deno.readTextFile(file), after);
});

Deno.test("ide vscode refuses a settings.json that is not valid JSONC and leaves it unchanged", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  const dir = await project(ctx, "broken");
  const file = join(dir, ".vscode", "settings.json");
  for (const text of ['{\n  "a": 1,\n  "b": \n}\n', "[1, 2]\n", '{ "a": 1 } trailing']) {
    await Deno.writeTextFile(file, text);
    const refused = await ctx.run(["ide", "vscode", "web", "--project", dir]);
    assertEquals(refused.code, 10, refused.stderr);
    assertEquals(await Deno.readTextFile(file), text);
    await assertSnapshot(t, filterText(refused.stderr, paths(ctx)));
  }
  // No file yet: a new one, and .vscode/ is made.
  const fresh = join(ctx.work, "fresh");
  await Deno.mkdir(fresh);
  assertOk(await ctx.run(["ide", "vscode", "web", "--project", fresh]));
  const settings = JSON.parse(await Deno.readTextFile(join(fresh, ".vscode", "settings.json")));
  assertEquals(settings, {
    "python.defaultInterpreterPath": join(ctx.envPath("web"), "bin", "python"),
    "python.venvPath": join(ctx.home, "environments"),
    "python.terminal.activateEnvironment": true,
  });
  // An unknown environment: exit 3, nothing written.
  const missing = join(ctx.work, "missing");
  await Deno.mkdir(missing);
  assertEquals((await ctx.run(["ide", "vscode", "nope", "--project", missing])).code, 3);
  assertEquals(await Deno.stat(join(missing, ".vscode")).then(() => true, () => false), false);
});

Deno.test("ide uses the project's bound environment; ide status sees a deleted environment as stale", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  assertOk(await ctx.run(["create", "api"]));
  const dir = await project(ctx, "bound");
  await Deno.writeTextFile(
    join(dir, "pyproject.toml"),
    '[project]\nname = "bound"\nversion = "1"\n',
  );
  await Deno.writeTextFile(join(dir, ".gestvenv.toml"), 'environment = "api"\n');
  // No ENV: the environment the project binds (.gestvenv.toml), not the first or the last.
  const bound = await ctx.run(["ide", "vscode", "--project", dir, "--format", "json"]);
  assertOk(bound);
  assertEquals(JSON.parse(bound.stdout).data.environment, "api");

  // PyCharm: the interpreter on stdout; misc.xml keeps its other components.
  await Deno.mkdir(join(dir, ".idea"));
  const misc = join(dir, ".idea", "misc.xml");
  await Deno.writeTextFile(
    misc,
    '<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n' +
      '  <component name="Black">\n    <option name="sdkName" value="x" />\n  </component>\n' +
      '  <component name="ProjectRootManager" version="2" project-jdk-name="Python 3.9" ' +
      'project-jdk-type="Python SDK" />\n</project>\n',
  );
  const pycharm = await ctx.run(["ide", "pycharm", "api", "--project", dir]);
  assertOk(pycharm);
  assertEquals(pycharm.stdout.trim(), join(ctx.envPath("api"), "bin", "python"));
  assertStringIncludes(pycharm.stderr, "gestvenv (api)");
  assertEquals(
    await Deno.readTextFile(misc),
    '<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n' +
      '  <component name="Black">\n    <option name="sdkName" value="x" />\n  </component>\n' +
      '  <component name="ProjectRootManager" version="2" project-jdk-name="gestvenv (api)" ' +
      'project-jdk-type="Python SDK" />\n</project>\n',
  );

  const ok = await ctx.run(["ide", "status", "--project", dir, "--format", "json"]);
  assertOk(ok);
  const rows = JSON.parse(ok.stdout).data.editors;
  assertEquals(
    rows.map((r: Record<string, unknown>) => [r.editor, r.environment, r.state]),
    [["vscode", "api", "ok"], ["pycharm", "api", "ok"]],
  );

  assertOk(await ctx.run(["delete", "api", "--force"]));
  const stale = await ctx.run(["ide", "status", "--project", dir, "--format", "json"]);
  assertEquals(stale.code, 1, stale.stderr);
  const after = JSON.parse(stale.stdout).data.editors;
  assertEquals(
    after.map((r: Record<string, unknown>) => [r.editor, r.environment, r.state, r.problem]),
    [
      ["vscode", "api", "stale", "the environment `api` is not registered (deleted)"],
      ["pycharm", "api", "stale", "the environment `api` is not registered (deleted)"],
    ],
  );
  const table = await ctx.run(["ide", "status", "--project", dir]);
  assertEquals(table.code, 1);
  assertStringIncludes(table.stdout, "stale");
  // Nothing configured: not_configured, exit 0.
  const empty = join(ctx.work, "empty");
  await Deno.mkdir(empty);
  const none = await ctx.run(["ide", "status", "--project", empty, "--format", "json"]);
  assertOk(none);
  assertEquals(
    JSON.parse(none.stdout).data.editors.map((r: Record<string, unknown>) => r.state),
    ["not_configured", "not_configured"],
  );
});

Deno.test("info --format json has the environment's interpreter, and it runs", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  const info = await ctx.run(["info", "web", "--format", "json"]);
  assertOk(info);
  const data = JSON.parse(info.stdout).data;
  assertEquals(data.interpreter, join(ctx.envPath("web"), "bin", "python"));
  // The other fields are unchanged.
  for (const key of ["name", "path", "python", "backend", "exists", "size_bytes", "packages"]) {
    assert(key in data, key);
  }
  const run = await ctx.exec(data.interpreter, ["-c", "import sys"]);
  assertOk(run);
});

Deno.test("ide vscode and pycharm refuse editor files that lead outside the project (planted symlinks)", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  const outside = join(ctx.work, "outside");
  await Deno.mkdir(outside);
  // A dangling settings.json -> a file outside: nothing is created there.
  const dangling = await project(ctx, "dangling");
  await Deno.symlink(join(outside, "x.json"), join(dangling, ".vscode", "settings.json"));
  const refused = await ctx.run(["ide", "vscode", "web", "--project", dangling]);
  assertEquals(refused.code, 10, refused.stderr);
  assertStringIncludes(refused.stderr, "symlink to nothing");
  assertStringIncludes(refused.stderr, "hint:");
  assertEquals(await Deno.stat(join(outside, "x.json")).then(() => true, () => false), false);
  // `.vscode -> userconf/`: the user's own settings.json is left alone.
  const linked = join(ctx.work, "linked");
  await Deno.mkdir(linked);
  const userconf = join(ctx.work, "userconf");
  await Deno.mkdir(userconf);
  await Deno.writeTextFile(join(userconf, "settings.json"), '{ "editor.tabSize": 2 }\n');
  await Deno.symlink(userconf, join(linked, ".vscode"));
  for (const args of [["--dry-run"], []]) {
    const out = await ctx.run(["ide", "vscode", "web", "--project", linked, ...args]);
    assertEquals(out.code, 10, out.stderr);
    assertStringIncludes(out.stderr, "outside the project");
  }
  assertEquals(
    await Deno.readTextFile(join(userconf, "settings.json")),
    '{ "editor.tabSize": 2 }\n',
  );
  // PyCharm: `.idea/misc.xml -> outside`.
  const idea = join(ctx.work, "idea");
  await Deno.mkdir(join(idea, ".idea"), { recursive: true });
  const target = join(outside, "misc.xml");
  await Deno.writeTextFile(target, '<project version="4">\n</project>\n');
  await Deno.symlink(target, join(idea, ".idea", "misc.xml"));
  const pycharm = await ctx.run(["ide", "pycharm", "web", "--project", idea]);
  assertEquals(pycharm.code, 10, pycharm.stderr);
  assertEquals(await Deno.readTextFile(target), '<project version="4">\n</project>\n');
  // A symlink that stays inside the project is followed (and stays a symlink).
  const inside = await project(ctx, "inside");
  await Deno.writeTextFile(join(inside, "shared.json"), "{}\n");
  await Deno.symlink(join(inside, "shared.json"), join(inside, ".vscode", "settings.json"));
  assertOk(await ctx.run(["ide", "vscode", "web", "--project", inside]));
  assertStringIncludes(
    await Deno.readTextFile(join(inside, "shared.json")),
    "python.defaultInterpreterPath",
  );
  assert((await Deno.lstat(join(inside, ".vscode", "settings.json"))).isSymlink);
});

Deno.test("ide status: runnable fixes, a PATH command, ${env:…}, and the problem of an `other` row", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "api"]));
  const dir = await project(ctx, "my proj");
  assertOk(await ctx.run(["ide", "vscode", "api", "--project", dir]));
  await Deno.mkdir(join(dir, ".idea"));
  const pycharm = await ctx.run(["ide", "pycharm", "api", "--project", dir]);
  assertOk(pycharm);
  assert(!pycharm.stderr.includes("has no .idea/"), pycharm.stderr);
  // The interpreter gone: the fix repairs it (doctor only diagnoses).
  await Deno.remove(join(ctx.envPath("api"), "bin", "python"));
  const missing = await ctx.run(["ide", "status", "--project", dir, "--format", "json"]);
  assertEquals(missing.code, 1, missing.stderr);
  assertEquals(
    JSON.parse(missing.stdout).data.editors.map((r: Record<string, unknown>) => r.fix),
    [
      "gestvenv repair api --fix env.interpreter",
      "gestvenv repair api --fix env.interpreter",
    ],
  );
  // Deleted: the fix is a command that runs (the project named, quoted), not `ide vscode ENV`.
  assertOk(await ctx.run(["delete", "api", "--force"]));
  const stale = await ctx.run(["ide", "status", "--project", dir, "--format", "json"]);
  assertEquals(
    JSON.parse(stale.stdout).data.editors.map((r: Record<string, unknown>) => r.fix),
    [`gestvenv ide vscode --project '${dir}'`, `gestvenv ide pycharm --project '${dir}'`],
  );
  // "python" is looked up on PATH by VS Code, not a file in the project.
  const settings = join(dir, ".vscode", "settings.json");
  await Deno.writeTextFile(settings, '{ "python.defaultInterpreterPath": "python3" }\n');
  await Deno.remove(join(dir, ".idea", "misc.xml"));
  const bare = await ctx.run(["ide", "status", "--project", dir, "--format", "json"]);
  assertOk(bare);
  const row = JSON.parse(bare.stdout).data.editors[0];
  assertEquals([row.interpreter, row.state, row.interpreter_exists, row.problem], [
    "python3",
    "other",
    true,
    null,
  ]);
  // ${env:NAME} expanded; a missing `other` interpreter shows its problem in the table.
  await Deno.writeTextFile(
    settings,
    '{ "python.defaultInterpreterPath": "${env:GV_TEST_PY}/bin/python" }\n',
  );
  const expanded = await ctx.run(["ide", "status", "--project", dir, "--format", "json"], {
    env: { GV_TEST_PY: join(ctx.work, "nowhere") },
  });
  assertOk(expanded);
  assertEquals(
    JSON.parse(expanded.stdout).data.editors[0].interpreter,
    join(ctx.work, "nowhere", "bin", "python"),
  );
  const table = await ctx.run(["ide", "status", "--project", dir], {
    env: { GV_TEST_PY: join(ctx.work, "nowhere") },
  });
  assertStringIncludes(table.stdout, "does not exist");
  // PyCharm never opened a project without .idea/: said, and misc.xml still written.
  const fresh = join(ctx.work, "fresh");
  await Deno.mkdir(fresh);
  assertOk(await ctx.run(["create", "web"]));
  const first = await ctx.run(["ide", "pycharm", "web", "--project", fresh]);
  assertOk(first);
  assertStringIncludes(first.stderr, "has no .idea/");
  assert(await Deno.stat(join(fresh, ".idea", "misc.xml")).then(() => true, () => false));
});

Deno.test("ide status reads a BOM settings.json and reports an unreadable file in its own row", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  const dir = await project(ctx, "bom");
  const python = join(ctx.envPath("web"), "bin", "python");
  const settings = join(dir, ".vscode", "settings.json");
  await Deno.writeTextFile(
    settings,
    `\uFEFF{\n  "python.defaultInterpreterPath": "${python}"\n}\n`,
  );
  // Two ProjectRootManager components: that row is unreadable, the VS Code row still made.
  await Deno.mkdir(join(dir, ".idea"));
  await Deno.writeTextFile(
    join(dir, ".idea", "misc.xml"),
    `<project version="4">\n  <component name="ProjectRootManager" project-jdk-name="a" />\n` +
      `  <component name="ProjectRootManager" project-jdk-name="b" />\n</project>\n`,
  );
  const status = await ctx.run(["ide", "status", "--project", dir, "--format", "json"]);
  assertEquals(status.code, 1, status.stderr);
  const rows = JSON.parse(status.stdout).data.editors;
  assertEquals(rows.map((r: Record<string, unknown>) => [r.editor, r.state]), [
    ["vscode", "ok"],
    ["pycharm", "unreadable"],
  ]);
  assertStringIncludes(rows[1].problem, "2 ProjectRootManager components");
  // ide vscode edits it and keeps the mark; ide pycharm refuses the ambiguous file.
  assertOk(await ctx.run(["ide", "vscode", "web", "--project", dir]));
  assert((await Deno.readTextFile(settings)).startsWith("\uFEFF{"));
  assertEquals((await ctx.run(["ide", "pycharm", "web", "--project", dir])).code, 1);
});
