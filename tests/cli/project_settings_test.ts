/**
 * Project settings (issue 10 §3): `[tool.gestvenv]` and `.gestvenv.toml` as a source of the
 * settings (`config show --sources`), `run-script` in the bound environment, and an
 * environment's own settings (`config set-env|unset-env|show-env`) with the `pre_run` hook.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot } from "../helpers/snapshot.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

const PYPROJECT = `[project]
name = "proj"
version = "0.1"
dependencies = ["demo-pkg"]

[tool.gestvenv]
backend = "pip"
auto_sync = true

[tool.gestvenv.scripts]
where = "python -c 'import os, sys; print(os.environ[\\"VIRTUAL_ENV\\"]); print(sys.argv[1:])'"
cli = "demo-cli"
`;

Deno.test("config show --sources names the project file; flags and GESTVENV_* still win", async () => {
  await using ctx = await createTestContext([]);
  await Deno.writeTextFile(join(ctx.work, "pyproject.toml"), PYPROJECT);
  await Deno.writeTextFile(join(ctx.work, ".gestvenv.toml"), 'backend = "uv"\n');
  const shown = await ctx.run(["config", "show", "--sources", "--format", "json"]);
  assertOk(shown);
  const data = JSON.parse(shown.stdout).data;
  assertEquals(data.settings.backend.value, "uv");
  assertEquals(data.settings.backend.source, "project");
  assertEquals(data.settings.backend.from, join(ctx.work, ".gestvenv.toml"));
  assertEquals(data.settings.auto_sync.value, true);
  assertEquals(data.settings.auto_sync.from, `${join(ctx.work, "pyproject.toml")} [tool.gestvenv]`);
  assertEquals(Object.keys(data.project.scripts), ["where", "cli"]);

  const fromEnv = await ctx.run(["config", "show", "--format", "json"], {
    env: { GESTVENV_BACKEND: "native", GESTVENV_AUTO_SYNC: "0" },
  });
  const envData = JSON.parse(fromEnv.stdout).data;
  assertEquals(envData.settings.backend.source, "env");
  assertEquals(envData.settings.auto_sync, {
    value: false,
    source: "env",
    origin: "GESTVENV_AUTO_SYNC",
    from: "GESTVENV_AUTO_SYNC",
  });

  const table = await ctx.run(["config", "show", "--sources"]);
  assertOk(table);
  assertStringIncludes(table.stdout, join(ctx.work, ".gestvenv.toml"));
  assertStringIncludes(table.stderr, `Project: ${ctx.work}`);
  assertStringIncludes(table.stderr, "scripts: where, cli");

  // A pyproject.toml that is not TOML does not stop other commands; it is said once.
  await Deno.writeTextFile(join(ctx.work, "pyproject.toml"), "[project\n");
  const broken = await ctx.run(["list", "--format", "json"]);
  assertOk(broken);
  assertStringIncludes(broken.stderr, "is not valid TOML");
});

Deno.test("run-script runs a project script in the bound environment, with the pre_run hook", async (t) => {
  await using ctx = await createTestContext();
  await Deno.writeTextFile(join(ctx.work, "pyproject.toml"), PYPROJECT);
  await Deno.writeTextFile(join(ctx.work, ".gestvenv.toml"), 'environment = "web"\n');
  assertOk(await ctx.run(["create", "web", "--backend", "native"]));
  assertOk(await ctx.run(["install", "demo-pkg", "--env", "web"]));

  const listed = await ctx.run(["run-script", "--format", "json"]);
  assertOk(listed);
  assertEquals(Object.keys(JSON.parse(listed.stdout).data.scripts), ["where", "cli"]);

  const where = await ctx.run(["run-script", "where", "a", "b c"]);
  assertOk(where);
  assertEquals(where.stdout.trim().split("\n"), [ctx.envPath("web"), "['a', 'b c']"]);
  const cli = await ctx.run(["run-script", "cli"]);
  assertOk(cli);
  assert(cli.stdout.length > 0, "the console script printed nothing");

  const unknown = await ctx.run(["run-script", "nope"]);
  assertEquals(unknown.code, 2, unknown.stderr);
  assertStringIncludes(unknown.stderr, "Its scripts: where, cli");

  // The hook runs first, in the environment; a failing hook stops the script.
  const marker = join(ctx.work, "hook-ran");
  assertOk(
    await ctx.run([
      "config",
      "set-env",
      "web",
      "hooks.pre_run",
      `python -c "import os; open('${marker}', 'w').write(os.environ['VIRTUAL_ENV'])"`,
    ]),
  );
  assertOk(await ctx.run(["run-script", "where"]));
  assertEquals(await Deno.readTextFile(marker), ctx.envPath("web"));
  assertOk(await ctx.run(["config", "set-env", "web", "hooks.pre_run", "exit 3"]));
  const failed = await ctx.run(["run-script", "where"]);
  assertEquals(failed.code, 1, failed.stderr);
  assertEquals(failed.stdout, "");
  assertStringIncludes(failed.stderr, "hook e"); // An environment hook's id (issue 12 §4).
  assertStringIncludes(failed.stderr, "(exit 3) of `web` failed (exit 3)");
  const runFailed = await ctx.run(["run", "web", "python", "-c", "print('ran')"]);
  assertEquals(runFailed.code, 1, runFailed.stderr);
  assertEquals(runFailed.stdout, "");
  assertOk(await ctx.run(["config", "unset-env", "web", "hooks.pre_run"]));

  // `run ENV NAME` runs the project script NAME; a path or another program runs as it is.
  const viaRun = await ctx.run(["run", "web", "where", "x"]);
  assertOk(viaRun);
  assertEquals(viaRun.stdout.trim().split("\n"), [ctx.envPath("web"), "['x']"]);
  assertStringIncludes(viaRun.stderr, "Running script `where` in `web`");
  const program = await ctx.run(["run", "web", "python", "-c", "print('plain')"]);
  assertOk(program);
  assertEquals(program.stdout.trim(), "plain");

  // Without a binding: a usage error that says how to bind one.
  await Deno.remove(join(ctx.work, ".gestvenv.toml"));
  const unbound = await ctx.run(["run-script", "where"]);
  assertEquals(unbound.code, 2, unbound.stderr);
  await assertSnapshot(t, unbound.stderr.replaceAll(ctx.work, "<project>"));
  assertOk(await ctx.run(["run-script", "where", "--env", "web"]));
});

Deno.test("config set-env / unset-env / show-env: an environment's own settings", async (t) => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["create", "web", "--backend", "native"]));

  const before = JSON.stringify(await ctx.registry());
  const dry = await ctx.run(["config", "set-env", "web", "auto_sync", "true", "--dry-run"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr, "Would set auto_sync = true");
  assertEquals(JSON.stringify(await ctx.registry()), before);

  assertOk(await ctx.run(["config", "set-env", "web", "auto_sync", "yes"]));
  assertOk(await ctx.run(["config", "set-env", "web", "backend", "pip"]));
  const record = (await ctx.registry()).environments.web!;
  assertEquals(record.settings, { auto_sync: true });
  assertEquals(record.backend, "pip");

  const shown = await ctx.run(["config", "show-env", "web", "--format", "json"]);
  assertOk(shown);
  const data = JSON.parse(shown.stdout).data;
  assertEquals(data.settings.auto_sync, true);
  assertEquals(data.effective.auto_sync.source, "environment");
  const overridden = await ctx.run(["config", "show-env", "web", "--format", "json"], {
    env: { GESTVENV_AUTO_SYNC: "false" },
  });
  assertEquals(JSON.parse(overridden.stdout).data.effective.auto_sync.value, false);
  const table = await ctx.run(["config", "show-env", "web"]);
  assertOk(table);
  await assertSnapshot(t, table.stdout + table.stderr);

  const cases: Array<[string[], number, string]> = [
    [["bogus", "1"], 2, "Unknown environment setting `bogus`"],
    [["backend", "conda"], 10, "Invalid backend `conda`"],
    [["auto_sync", "perhaps"], 10, "Invalid switch"],
    [["groups", "dev"], 2, "is not bound to a project"],
  ];
  for (const [args, code, message] of cases) {
    const result = await ctx.run(["config", "set-env", "web", ...args]);
    assertEquals(result.code, code, result.stderr);
    assertStringIncludes(result.stderr, message);
  }
  const missing = await ctx.run(["config", "set-env", "nope", "auto_sync", "1"]);
  assertEquals(missing.code, 3, missing.stderr);

  assertOk(await ctx.run(["config", "unset-env", "web", "auto_sync"]));
  assertEquals((await ctx.registry()).environments.web!.settings, undefined);
});
