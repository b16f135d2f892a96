/**
 * Configuration profiles (issue 12 §5, spec 001 "Profils de configuration"): the built-ins, user
 * profiles, activation and its place in precedence, apply to an environment, export, and the
 * profiler that now lives at `profile run`.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

/** `config show --format json`'s settings. */
async function settingsOf(
  ctx: TestContext,
  env: Record<string, string> = {},
  extra: string[] = [],
): Promise<Record<string, { value: unknown; source: string; origin: string; from: string }>> {
  const r = await ctx.run(["config", "show", "--format", "json", ...extra], { env });
  assertOk(r);
  return JSON.parse(r.stdout).data.settings;
}

Deno.test("profile list, show and activate: the built-ins, the active one, and what it sets", async (t) => {
  await using ctx = await createTestContext([]);
  const clean = (text: string) => filterText(text, [[ctx.home, "<HOME>"]]);
  const list = await ctx.run(["profile", "list"]);
  assertOk(list);
  await assertSnapshot(t, clean(list.stdout + list.stderr));
  const show = await ctx.run(["profile", "show", "prod"]);
  assertOk(show);
  await assertSnapshot(t, clean(show.stdout));
  const activate = await ctx.run(["profile", "activate", "dev"]);
  assertOk(activate);
  await assertSnapshot(t, clean(activate.stderr));
  assertStringIncludes(
    await Deno.readTextFile(join(ctx.home, "config.toml")),
    'active_profile = "dev"',
  );
  const json = JSON.parse((await ctx.run(["profile", "list", "--format", "json"])).stdout).data;
  assertEquals(json.active, "dev");
  assertEquals(
    json.profiles.map((p: { name: string; active: boolean }) => `${p.name}${p.active ? "*" : ""}`),
    ["dev*", "prod", "secure", "fast"],
  );
  // The profile's settings apply, labelled as the profile's.
  const s = await settingsOf(ctx);
  assertEquals([s.auto_sync!.value, s.auto_sync!.source, s.auto_sync!.from], [
    true,
    "profile",
    "profile dev (built-in)",
  ]);
  // `none` deactivates; an unknown profile is refused and changes nothing.
  const before = await Deno.readTextFile(join(ctx.home, "config.toml"));
  const unknown = await ctx.run(["profile", "activate", "nope"]);
  assertEquals(unknown.code, 10);
  assertStringIncludes(unknown.stderr, "No configuration profile `nope`");
  assertEquals(await Deno.readTextFile(join(ctx.home, "config.toml")), before);
  assertOk(await ctx.run(["profile", "activate", "none"]));
  assertEquals((await settingsOf(ctx)).auto_sync!.source, "default");
  assert(!(await Deno.readTextFile(join(ctx.home, "config.toml"))).includes("active_profile"));
});

Deno.test("a profile sits between config.toml and the project; variables and flags win", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["config", "set", "backend", "pip"]));
  assertOk(await ctx.run(["config", "set", "parallel_downloads", "2"]));
  assertEquals((await settingsOf(ctx)).backend!.source, "config");
  assertOk(await ctx.run(["profile", "activate", "fast"]));
  let s = await settingsOf(ctx);
  assertEquals([s.backend!.value, s.backend!.source], ["native", "profile"]);
  assertEquals(
    [s["performance.parallel_downloads"]!.value, s["performance.parallel_downloads"]!.source],
    [16, "profile"],
  );
  // Keys fast does not name stay the user's.
  assertOk(await ctx.run(["config", "set", "lock_timeout", "9"]));
  assertEquals((await settingsOf(ctx)).lock_timeout!.source, "config");
  // The project beats the profile.
  await Deno.writeTextFile(join(ctx.work, ".gestvenv.toml"), '[project]\nbackend = "uv"\n');
  s = await settingsOf(ctx);
  assertEquals([s.backend!.value, s.backend!.source], ["uv", "project"]);
  // GESTVENV_* beats the project; a flag beats everything (`create --backend` is the flag).
  s = await settingsOf(ctx, { GESTVENV_BACKEND: "pip" });
  assertEquals([s.backend!.value, s.backend!.source], ["pip", "env"]);
  // GESTVENV_PROFILE chooses another profile for one command, or none.
  s = await settingsOf(ctx, { GESTVENV_PROFILE: "prod" });
  assertEquals([s["performance.max_retries"]!.value, s["performance.max_retries"]!.source], [
    5,
    "profile",
  ]);
  s = await settingsOf(ctx, { GESTVENV_PROFILE: "none" });
  assertEquals(s["performance.parallel_downloads"]!.source, "config");
});

Deno.test("profile create validates everything first; export refuses to overwrite without --force", async () => {
  await using ctx = await createTestContext([]);
  const file = join(ctx.work, "team.toml");
  await Deno.writeTextFile(
    file,
    '[general]\npreferred_backend = "pip"\n[performance]\nparallel_downlods = 3\n',
  );
  const typo = await ctx.run(["profile", "create", "team", "--from-config", file]);
  assertEquals(typo.code, 10);
  assertStringIncludes(typo.stderr, "did you mean `performance.parallel_downloads`?");
  await Deno.stat(join(ctx.home, "profiles", "team.toml")).then(
    () => assert(false, "a refused profile was written"),
    () => {},
  );
  await Deno.writeTextFile(
    file,
    '[general]\npreferred_backend = "pip"\n[performance]\nparallel_downloads = 3\n',
  );
  const created = await ctx.run([
    "profile",
    "create",
    "team",
    "--from-config",
    file,
    "--description",
    "Our team",
  ]);
  assertOk(created);
  assertStringIncludes(created.stderr, "backend=pip performance.parallel_downloads=3");
  const again = await ctx.run(["profile", "create", "team", "--from-config", file]);
  assertEquals(again.code, 2);
  assertStringIncludes(again.stderr, "--force");
  assertEquals((await ctx.run(["profile", "create", "dev", "--from-config", file])).code, 2);
  assertEquals((await ctx.run(["profile", "create", "../x", "--from-config", file])).code, 10);

  // Export (JSON by its name), then create another profile from the export.
  const out = join(ctx.work, "team-config.json");
  assertOk(await ctx.run(["profile", "export", "team", out]));
  const exported = JSON.parse(await Deno.readTextFile(out));
  assertEquals(exported.settings, { backend: "pip", performance: { parallel_downloads: 3 } });
  assertEquals(exported.description, "Our team");
  const refused = await ctx.run(["profile", "export", "fast", out]);
  assertEquals(refused.code, 2);
  assertEquals(JSON.parse(await Deno.readTextFile(out)).name, "team", "not overwritten");
  assertOk(await ctx.run(["profile", "export", "fast", join(ctx.work, "fast.toml")]));
  assertOk(await ctx.run(["profile", "create", "copy", "--from-config", out]));
  const show = JSON.parse((await ctx.run(["profile", "show", "copy", "--json"])).stdout).data;
  assertEquals(show.settings, { backend: "pip", "performance.parallel_downloads": 3 });
  assertEquals(show.kind, "user");
  assertOk(await ctx.run(["profile", "activate", "copy"]));
  assertEquals((await settingsOf(ctx)).backend!.from.endsWith("copy.toml)"), true);
});

Deno.test("profile apply writes the environment-level settings into the record, under --dry-run nothing", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["create", "web"]));
  await Deno.writeTextFile(
    join(ctx.work, "p.toml"),
    '[settings]\nbackend = "pip"\nauto_sync = true\nlock_timeout = 5\n',
  );
  assertOk(await ctx.run(["profile", "create", "team", "--from-config", join(ctx.work, "p.toml")]));
  const before = await Deno.readTextFile(join(ctx.home, "environments.json"));
  const dry = await ctx.run(["profile", "apply", "team", "--to-env", "web", "--dry-run"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr, "Would set backend for `web`: native → pip");
  assertEquals(await Deno.readTextFile(join(ctx.home, "environments.json")), before);
  const applied = await ctx.run(["profile", "apply", "team", "--to-env", "web"]);
  assertOk(applied);
  assertStringIncludes(applied.stderr, "Set auto_sync for `web`: (unset) → true");
  const record = (await ctx.registry()).environments["web"]!;
  assertEquals(record.backend, "pip");
  assertEquals(record.settings?.auto_sync, true);
  // Applied again: nothing to change. A profile without environment-level keys: refused.
  assertStringIncludes(
    (await ctx.run(["profile", "apply", "team", "--to-env", "web"])).stderr,
    "already has",
  );
  assertEquals((await ctx.run(["profile", "apply", "prod", "--to-env", "nope"])).code, 3);
  const secure = await ctx.run(["profile", "apply", "secure", "--to-env", "web"]);
  assertEquals(secure.code, 2);
  assertStringIncludes(secure.stderr, "no environment-level setting");
  // The operation log names the environment.
  const log = JSON.parse((await ctx.run(["logs", "--format", "json"])).stdout).data.operations;
  const entry = log.find((o: { command: string }) => o.command === "profile apply");
  assertEquals(entry.environments, ["web"]);
});

Deno.test("profile run COMMAND profiles it, also for the names of the profile commands", async () => {
  await using ctx = await createTestContext([]);
  const run = await ctx.run(["profile", "run", "--format", "json", "list"]);
  assertOk(run);
  const profile = JSON.parse(run.stdout).data;
  assertEquals(profile.command, "gestvenv list");
  assert(profile.phases.some((p: { phase: string }) => p.phase === "startup"));
  // Any other first word still profiles (backwards compatible).
  const bare = await ctx.run(["profile", "--format", "json", "deactivate"]);
  assertOk(bare);
  assertEquals(JSON.parse(bare.stdout).data.command, "gestvenv deactivate");
  // `profile` alone needs a command.
  assertEquals((await ctx.run(["profile"])).code, 2);
});

Deno.test("hook tables show as TOML in config get; profiles naming hooks are refused before any write", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["hook", "add", "pre-delete", "echo bk", "--timeout", "5"]));
  assertOk(await ctx.run(["hook", "add", "post-create", "echo one"]));
  assertOk(await ctx.run(["hook", "add", "post-create", "echo two", "--name", "second"]));
  const table = await ctx.run(["config", "get", "hooks.pre_delete"]);
  assertOk(table);
  assertEquals(table.stdout.trim(), '[{ command = "echo bk", timeout = 5 }]');
  const list = await ctx.run(["config", "get", "hooks.post_create"]);
  assertOk(list);
  assertEquals(list.stdout.trim(), '["echo one", { command = "echo two", name = "second" }]');
  const json = await ctx.run(["config", "get", "hooks.pre_delete", "--format", "json"]);
  assertOk(json);
  assertEquals(JSON.parse(json.stdout).data.value, [{ command: "echo bk", timeout: 5 }]);
  // config show lists them too, without crashing.
  assertOk(await ctx.run(["config", "show"]));

  // A profile with hook tables: refused by create (nothing written), show, activate and apply
  // (config.toml and the registry unchanged).
  assertOk(await ctx.run(["create", "e4"]));
  const file = join(ctx.work, "t2.toml");
  await Deno.writeTextFile(
    file,
    'version = 1\n[settings.hooks]\npost_create = ["echo one", "echo two"]\n' +
      'pre_delete = { command = "echo backup", timeout = 5 }\n',
  );
  const created = await ctx.run(["profile", "create", "t2", "--from-config", file]);
  assertEquals(created.code, 10, created.stderr);
  assertStringIncludes(created.stderr, "cannot be set by a profile");
  assert(!created.stderr.includes("Cannot convert"), created.stderr);
  await Deno.stat(join(ctx.home, "profiles", "t2.toml")).then(
    () => assert(false, "a refused profile was written"),
    () => {},
  );
  await Deno.mkdir(join(ctx.home, "profiles"), { recursive: true });
  await Deno.copyFile(file, join(ctx.home, "profiles", "t2.toml"));
  const config = await Deno.readTextFile(join(ctx.home, "config.toml"));
  const registry = await Deno.readTextFile(join(ctx.home, "environments.json"));
  for (
    const args of [["show", "t2"], ["activate", "t2"], ["apply", "t2", "--to-env", "e4"]]
  ) {
    const r = await ctx.run(["profile", ...args]);
    assertEquals(r.code, 10, `${args.join(" ")}: ${r.stderr}`);
    assertStringIncludes(r.stderr, "cannot be set by a profile");
  }
  assertEquals(await Deno.readTextFile(join(ctx.home, "config.toml")), config);
  assertEquals(await Deno.readTextFile(join(ctx.home, "environments.json")), registry);
});
