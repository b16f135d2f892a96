/**
 * Hooks end to end (issue 12 §4): `hook add|list|remove|trust`, what a hook runs with, the
 * failure semantics (a failing pre-* hook changes nothing — proven by tree digests —, a failing
 * post-* hook's exit code becomes the command's), timeouts, and project trust.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";
import { treeDigest } from "../helpers/tree_digest.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** The envelope data of `hook list --format json`. */
async function listed(cli: TestContext, args: string[] = []) {
  const out = await cli.run(["hook", "list", "--format", "json", ...args]);
  assertOk(out);
  return JSON.parse(out.stdout).data as Array<Record<string, unknown>>;
}

Deno.test("hooks: add, list and remove global and environment hooks; what a hook runs with", async () => {
  await using cli = await createTestContext();
  const seen = join(cli.work, "seen.txt");
  const script = `printf '%s|%s|%s|%s|%s|%s\\n' "$GESTVENV_EVENT" "$GESTVENV_ENV" ` +
    `"$GESTVENV_ENV_PATH" "$VIRTUAL_ENV" "\${PATH%%:*}" "$(pwd)" >> '${seen}'`;
  const added = await cli.run(["hook", "add", "post-create", script]);
  assertOk(added);
  const id = added.stdout.trim();
  assert(/^g[0-9a-f]{6}$/.test(id), `a short global id: ${id}`);
  // The same hook again is refused; the id is stable (derived, not random).
  assertEquals((await cli.run(["hook", "add", "post-create", script])).code, 1);
  assertEquals(await cli.run(["hook", "add", "post_create", script]).then((r) => r.code), 1);

  assertOk(await cli.run(["create", "app"]));
  const path = cli.envPath("app");
  assertEquals(
    await Deno.readTextFile(seen),
    `post-create|app|${path}|${path}|${join(path, "bin")}|${path}\n`,
  );

  // An environment hook: kept in its record; `hook list --env` shows it with the global one.
  assertOk(await cli.run(["hook", "add", "post-install", "true", "--env", "app", "--name", "n"]));
  const registry = await cli.registry();
  assertEquals(
    (registry.environments["app"] as { settings?: unknown }).settings,
    { hooks: { post_install: [{ command: "true", name: "n" }] } },
  );
  const rows = await listed(cli, ["--env", "app"]);
  assertEquals(rows.map((r) => [r.event, r.scope, r.environment, r.command, r.trusted]), [
    ["post-create", "global", null, script, true],
    ["post-install", "environment", "app", "true", true],
  ]);
  assertEquals(rows[0]!.id, id);

  // --dry-run changes nothing; remove by id and by name.
  const home = await treeDigest(cli.home);
  assertOk(await cli.run(["hook", "add", "pre-delete", "false", "--dry-run"]));
  assertOk(await cli.run(["hook", "remove", id, "--dry-run"]));
  assertEquals(await treeDigest(cli.home), home);
  assertOk(await cli.run(["hook", "remove", id]));
  assertOk(await cli.run(["hook", "remove", "n"]));
  assertEquals(await listed(cli), []);
  assertEquals((await cli.run(["hook", "remove", id])).code, 2, "an unknown id is a usage error");
  assertEquals((await cli.run(["hook", "add", "post-nothing", "true"])).code, 2);

  // The operation log has the hook commands.
  const log = await Deno.readTextFile(join(cli.home, "logs", "operations.jsonl"));
  assertStringIncludes(log, '"command":"hook add"');
  assertStringIncludes(log, '"command":"hook remove"');
});

Deno.test("hooks: a failing pre-install hook refuses the install and the environment is byte-identical", async (t) => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  const copy = join(cli.work, "changes.json");
  const where = join(cli.work, "where.txt");
  assertOk(
    await cli.run([
      "hook",
      "add",
      "pre-install",
      'cp "$GESTVENV_CHANGES" "$OUT/changes.json"; echo "$GESTVENV_CHANGES" > "$OUT/where.txt"; ' +
      "echo refusing; exit 3",
      "--env",
      "app",
    ]),
  );
  const before = await treeDigest(cli.envPath("app"));
  // The hook inherits gestvenv's environment (OUT), plus its own variables.
  const refused = await cli.run(["install", "demo-pkg", "--env", "app"], {
    env: { OUT: cli.work },
  });
  assertEquals(refused.code, 1, refused.stderr);
  assertStringIncludes(refused.stderr, "refusing", "the hook's output is shown");
  assertEquals(await treeDigest(cli.envPath("app")), before, "nothing in the environment changed");
  const changes = JSON.parse(await Deno.readTextFile(copy)) as Array<Record<string, unknown>>;
  assertEquals(
    changes.map((c) => [c.name, c.before, c.after]).sort(),
    [["demo-dep", null, "2.0.0"], ["demo-pkg", null, "1.1.0"]],
  );
  assertEquals(await exists((await Deno.readTextFile(where)).trim()), false, "temp file removed");
  const message = refused.stderr.split("\n").filter((l) => !l.startsWith("[e")).join("\n");
  await assertSnapshot(t, filterText(message, [[cli.work, "<work>"]]));

  // Dry runs never run hooks.
  await Deno.remove(where);
  assertOk(
    await cli.run(["install", "demo-pkg", "--env", "app", "--dry-run"], { env: { OUT: cli.work } }),
  );
  assertEquals(await exists(where), false, "a dry run ran no hook");
});

Deno.test("hooks: pre-create and pre-delete refusals leave nothing made and nothing removed", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "keep"]));
  assertOk(await cli.run(["hook", "add", "pre-create", "echo no >&2; exit 2"]));
  // Locks and the operation log (which records the refused command) aside, the home is as it was.
  const state = async () =>
    (await treeDigest(cli.home)).filter((l) => !l.includes("locks/") && !l.includes("logs/"));
  const home = await state();
  const refused = await cli.run(["create", "other"]);
  assertEquals(refused.code, 1, refused.stderr);
  assertEquals(await exists(cli.envPath("other")), false);
  assertEquals((await cli.registry()).environments["other"], undefined);
  assertEquals(await state(), home);

  assertOk(await cli.run(["hook", "add", "pre-delete", "exit 9", "--env", "keep"]));
  const env = await treeDigest(cli.envPath("keep"));
  const kept = await cli.run(["delete", "keep", "--yes"]);
  assertEquals(kept.code, 1, kept.stderr);
  assertStringIncludes(kept.stderr, "failed (exit 9)");
  assertEquals(await treeDigest(cli.envPath("keep")), env);
  assert((await cli.registry()).environments["keep"] !== undefined);
});

Deno.test("hooks: a failing post-install hook keeps the install and gives its exit code; timeouts stop the process group", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  assertOk(await cli.run(["hook", "add", "post-install", "exit 5", "--env", "app"]));
  const done = await cli.run(["install", "other-pkg", "--env", "app"]);
  assertEquals(done.code, 5, done.stderr);
  assertStringIncludes(done.stderr, "failed (exit 5); the install itself is complete");
  const run = await cli.exec(join(cli.envPath("app"), "bin", "python"), ["-c", "import other_pkg"]);
  assertEquals(run.code, 0, "the install stands");

  // A pre-install hook past its timeout: stopped with what it started, the install refused.
  const pidFile = join(cli.work, "child.pid");
  assertOk(
    await cli.run([
      "hook",
      "add",
      "pre-install",
      `sleep 30 & echo $! > '${pidFile}'; wait`,
      "--env",
      "app",
      "--timeout",
      "1",
    ]),
  );
  const before = await treeDigest(cli.envPath("app"));
  const started = Date.now();
  const slow = await cli.run(["install", "third_pkg", "--env", "app"]);
  assertEquals(slow.code, 1, slow.stderr);
  assert(Date.now() - started < 20_000, "it did not wait for the 30 s child");
  assertStringIncludes(slow.stderr, "timed out after 1 s and was stopped");
  assertEquals(await treeDigest(cli.envPath("app")), before);
  const pid = Number((await Deno.readTextFile(pidFile)).trim());
  await new Promise((r) => setTimeout(r, 300));
  // Gone, or a zombie nobody reaped yet (a container's init may not): not running any more.
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  assert(stat === "" || / Z /.test(stat), `the background child was killed too: ${stat}`);
});

Deno.test("hooks: a project's hooks run only once trusted, and again only after an edit is trusted", async () => {
  await using cli = await createTestContext();
  const marker = join(cli.work, "ran.txt");
  const project = join(cli.work, ".gestvenv.toml");
  // A cloned repository's settings, written by someone else.
  await Deno.writeTextFile(
    project,
    `# theirs\nbackend = "native"\n\n[hooks]\npost_create = "echo \\"$GESTVENV_ENV\\" >> ran.txt"\n`,
  );
  const first = await cli.run(["create", "one"]);
  assertOk(first);
  assertStringIncludes(first.stderr, `gestvenv hook trust ${cli.work}`);
  assertEquals(await exists(marker), false, "an untrusted project's hook did not run");
  assertEquals((await listed(cli)).map((r) => [r.scope, r.trusted]), [["project", false]]);

  assertOk(await cli.run(["hook", "trust"]));
  assertOk(await cli.run(["create", "two"]));
  assertEquals(await Deno.readTextFile(marker), "two\n", "trusted: it ran, in the project");

  // Someone edits the hook: it stops running until trusted again.
  await Deno.writeTextFile(project, (await Deno.readTextFile(project)).replace("echo", "echo x"));
  const edited = await cli.run(["create", "three"]);
  assertOk(edited);
  assertStringIncludes(edited.stderr, "changed since it was trusted");
  assertEquals(await Deno.readTextFile(marker), "two\n");

  // The user's own `hook add --project` keeps a trusted project trusted (after trusting again),
  // and only rewrites the [hooks] section.
  assertOk(await cli.run(["hook", "trust", cli.work]));
  assertOk(
    await cli.run(["hook", "add", "post-activate", "echo activated >> ran.txt", "--project"]),
  );
  const text = await Deno.readTextFile(project);
  assert(text.startsWith('# theirs\nbackend = "native"\n'), text);
  assertOk(await cli.run(["activate", "two"]));
  assertEquals(await Deno.readTextFile(marker), "two\nactivated\n", "post-activate ran");

  assertOk(await cli.run(["hook", "trust", "--revoke"]));
  assertOk(await cli.run(["activate", "two"]));
  assertEquals(await Deno.readTextFile(marker), "two\nactivated\n", "revoked: it no longer runs");
  const trust = JSON.parse(await Deno.readTextFile(join(cli.home, "trust.json")));
  assertEquals(trust, { version: 1, projects: {} });
});

Deno.test("hooks: post-install hooks of `create --packages` run in the final environment, not the staging directory", async () => {
  await using cli = await createTestContext();
  const seen = join(cli.work, "seen.txt");
  assertOk(
    await cli.run([
      "hook",
      "add",
      "post-install",
      `echo "$VIRTUAL_ENV|$GESTVENV_ENV_PATH|$(pwd)" > '${seen}'; ` +
      `test -d "$VIRTUAL_ENV" && "$VIRTUAL_ENV/bin/python" -c "import demo_pkg" && ` +
      `python -c "import sys; print(sys.prefix)" >> '${seen}'`,
    ]),
  );
  const created = await cli.run(["create", "app", "--packages", "demo-pkg"]);
  assertOk(created, "the post-install hook succeeded");
  const path = cli.envPath("app");
  assertEquals(
    await Deno.readTextFile(seen),
    `${path}|${path}|${path}\n${path}\n`,
    "VIRTUAL_ENV, GESTVENV_ENV_PATH, the working directory and `python` are the environment's",
  );
});

Deno.test("hooks: a hook that leaves a background process running succeeds at once", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  const pidFile = join(cli.work, "bg.pid");
  assertOk(
    await cli.run([
      "hook",
      "add",
      "pre-delete",
      `sleep 30 & echo $! > '${pidFile}'; echo started`,
      "--env",
      "app",
      "--timeout",
      "10",
    ]),
  );
  const started = Date.now();
  const deleted = await cli.run(["delete", "app", "--yes"]);
  try {
    assertOk(deleted, "the shell exited 0: the hook succeeded");
    assert(
      Date.now() - started < 8_000,
      `not held by the background process: ${Date.now() - started} ms`,
    );
    assertStringIncludes(deleted.stderr, "started");
    assertEquals(await exists(cli.envPath("app")), false, "the delete went ahead");
  } finally {
    const pid = Number((await Deno.readTextFile(pidFile)).trim());
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
});

Deno.test("hooks: `hook trust` through a symbolic link trusts the real directory", async () => {
  await using cli = await createTestContext();
  await Deno.writeTextFile(
    join(cli.work, ".gestvenv.toml"),
    `[hooks]\npost_create = "echo \\"$GESTVENV_ENV\\" >> ran.txt"\n`,
  );
  const outside = await Deno.makeTempDir({ prefix: "gestvenv-link-" });
  try {
    const link = join(outside, "plink");
    await Deno.symlink(cli.work, link);
    const trusted = await cli.run(["hook", "trust", `${link}/`]);
    assertOk(trusted);
    const real = await Deno.realPath(cli.work);
    assertStringIncludes(trusted.stderr + trusted.stdout, real);
    const trust = JSON.parse(await Deno.readTextFile(join(cli.home, "trust.json")));
    assertEquals(Object.keys(trust.projects), [real], "kept by the real path");
    // gestvenv running in the project (the current directory) sees it trusted, and runs it.
    assertEquals((await listed(cli)).map((r) => [r.scope, r.trusted]), [["project", true]]);
    assertOk(await cli.run(["create", "one"]));
    assertEquals(await Deno.readTextFile(join(cli.work, "ran.txt")), "one\n");
    // Revoking through the link revokes it too.
    assertOk(await cli.run(["hook", "trust", link, "--revoke"]));
    assertEquals((await listed(cli)).map((r) => [r.scope, r.trusted]), [["project", false]]);
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("hooks: a profile cannot set hooks, so it never replaces the user's own", async () => {
  await using cli = await createTestContext();
  const team = join(cli.work, "team.toml");
  await Deno.writeTextFile(
    team,
    'version = 1\n[settings]\nbackend = "native"\n[settings.hooks]\npre_create = "echo PROFILE"\n',
  );
  const refused = await cli.run(["profile", "create", "team", "--from-config", team]);
  assertEquals(refused.code, 10, refused.stderr);
  assertStringIncludes(refused.stderr, "`hooks.pre_create` cannot be set by a profile");
  assertEquals(await exists(join(cli.home, "profiles", "team.toml")), false);

  // A profile file written by hand with hooks is refused when activated, and changes nothing.
  await Deno.mkdir(join(cli.home, "profiles"), { recursive: true });
  await Deno.copyFile(team, join(cli.home, "profiles", "team.toml"));
  assertOk(await cli.run(["hook", "add", "pre-create", "echo MINE >> mine.txt"]));
  const config = await Deno.readTextFile(join(cli.home, "config.toml"));
  const activate = await cli.run(["profile", "activate", "team"]);
  assertEquals(activate.code, 10, activate.stderr);
  assertEquals(await Deno.readTextFile(join(cli.home, "config.toml")), config);
  // The user's hook still runs.
  assertOk(await cli.run(["create", "e2"]));
  assertEquals(await Deno.readTextFile(join(cli.work, "mine.txt")), "MINE\n");
});
