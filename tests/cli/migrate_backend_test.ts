/**
 * `migrate-backend` (issue 11 §4): an environment re-installed from its lock by pip and back by
 * gestvenv's installer, validated (same distributions and versions, check clean, equal RECORD
 * hashes), recorded in the registry and the operation log; a validation failure and a failure
 * before the registry write both restore the environment exactly; a kill midway is journaled,
 * so the next locking command (`migrate-backend`, `install`) or `cleanup --orphaned` puts the
 * verified copy back (or only removes it once the registry was written); `--all`/`--filter` choose environments; `--dry-run` changes nothing.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  type CliResult,
  createTestContext,
  type TestContext,
} from "../helpers/test_context.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function data(result: CliResult): Json {
  assertOk(result);
  const envelope = JSON.parse(result.stdout);
  assertEquals(envelope.command, "migrate-backend");
  return envelope.data;
}

/** `name==version` of every distribution, and each one's INSTALLER, read from the disk. */
async function installed(ctx: TestContext, env: string): Promise<Map<string, string>> {
  const out = await ctx.exec(join(ctx.envPath(env), "bin", "python"), [
    "-c",
    "import importlib.metadata as m\n" +
    "for d in m.distributions():\n" +
    "    print(d.metadata['Name'].lower() + '==' + d.version, (d.read_text('INSTALLER') or '').strip())",
  ]);
  assertOk(out);
  return new Map(
    out.stdout.trim().split("\n").filter(Boolean).map((l) => l.split(" ") as [string, string]),
  );
}

async function backendOf(ctx: TestContext, env: string): Promise<string> {
  const registry = await ctx.registry();
  return (registry.environments as Json)[env].backend;
}

/** Entries of `dir` that are staging or trash leftovers. */
async function leftovers(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.startsWith(".gestvenv-")) out.push(e.name);
  return out;
}

Deno.test("migrate-backend --to pip --validate, then --to native: same distributions, the package imports", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  const before = await installed(ctx, "web");
  assertEquals([...before.keys()].sort(), ["demo-dep==2.0.0", "demo-pkg==1.1.0"]);
  assertEquals(await backendOf(ctx, "web"), "native");

  const toPip = data(
    await ctx.run(["migrate-backend", "web", "--to", "pip", "--validate", "--format", "json"]),
  );
  assertEquals(toPip.failures, []);
  const [r] = toPip.results;
  assertEquals([r.name, r.from, r.to, r.unchanged], ["web", "native", "pip", false]);
  assertEquals(r.validation.ok, true);
  assertEquals(r.validation.compared, 2);
  assertEquals(r.validation.differences, []);
  assertEquals(await backendOf(ctx, "web"), "pip");
  const afterPip = await installed(ctx, "web");
  assertEquals([...afterPip.keys()].sort(), [...before.keys()].sort());
  // pip really installed them.
  for (const installer of afterPip.values()) assertEquals(installer, "pip");

  const back = await ctx.run(["migrate-backend", "web", "--to", "native", "--validate"]);
  assertOk(back);
  assertStringIncludes(back.stderr, "Migrated `web` from pip to native");
  assertStringIncludes(back.stderr, "2 compared file by file");
  assertEquals(await backendOf(ctx, "web"), "native");
  const afterNative = await installed(ctx, "web");
  assertEquals([...afterNative.keys()].sort(), [...before.keys()].sort());
  assertEquals([...afterNative.values()], [...before.values()]);
  // The package imports and its script runs.
  const imported = await ctx.exec(join(ctx.envPath("web"), "bin", "python"), [
    "-c",
    "import demo_pkg, demo_dep; print('ok')",
  ]);
  assertOk(imported);
  assertEquals(imported.stdout.trim(), "ok");
  assertEquals(await leftovers(join(ctx.home, "environments")), []);

  // Both migrations are in the operation log, with the environment and its distributions.
  const log = (await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"))).trim()
    .split("\n").map((l) => JSON.parse(l)).filter((e) => e.command === "migrate-backend");
  assertEquals(log.length, 2);
  assertEquals(log[0].environments, ["web"]);
  assertEquals(
    log[0].changes.map((c: Json) => `${c.name} ${c.before}->${c.after}`).sort(),
    ["demo-dep 2.0.0->2.0.0", "demo-pkg 1.1.0->1.1.0"],
  );
  assertEquals(log[1].exit_code, 0);

  // uv, when the machine has it (the CI's `.tools/py/bin/uv`): the same round trip.
  const uv = Deno.env.get("GESTVENV_TEST_UV");
  if (uv !== undefined) {
    assertOk(
      await ctx.run(["migrate-backend", "web", "--to", "uv", "--validate"], {
        env: { GESTVENV_UV: uv },
      }),
    );
    assertEquals(await backendOf(ctx, "web"), "uv");
    const afterUv = await installed(ctx, "web");
    assertEquals([...afterUv.keys()].sort(), [...before.keys()].sort());
    for (const installer of afterUv.values()) assertEquals(installer, "uv");
    assertOk(
      await ctx.run(["migrate-backend", "web", "--to", "native", "--validate"], {
        env: { GESTVENV_UV: uv },
      }),
    );
  }

  // Already there: nothing to do.
  const again = await ctx.run(["migrate-backend", "web", "--to", "native"]);
  assertOk(again);
  assertStringIncludes(again.stderr, "already uses native");
});

Deno.test("migrate-backend --validate: a lock that differs from the disk is refused and the environment restored", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "old", "--packages", "demo-dep==1.0.0"]));
  assertOk(await ctx.run(["create", "new", "--packages", "demo-dep==2.0.0"]));
  // `new` gets `old`'s lock: installing it gives demo-dep 1.0.0, not what `new` has.
  await Deno.copyFile(
    join(ctx.envPath("old"), "pylock.toml"),
    join(ctx.envPath("new"), "pylock.toml"),
  );
  const result = await ctx.run(["migrate-backend", "new", "--to", "pip", "--validate"]);
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, "did not give the same environment");
  assertStringIncludes(result.stderr, "demo-dep was 2.0.0 and is now 1.0.0");
  await assertSnapshot(t, filterText(result.stderr, [[ctx.home, "[HOME]"]]));
  assertEquals(await backendOf(ctx, "new"), "native");
  const after = await installed(ctx, "new");
  assertEquals([...after.keys()], ["demo-dep==2.0.0"]);
  assertEquals(await leftovers(join(ctx.home, "environments")), []);
  const log = (await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"))).trim()
    .split("\n").map((l) => JSON.parse(l)).at(-1);
  assertEquals([log.command, log.exit_code, log.error.code], [
    "migrate-backend",
    1,
    "migrate_not_identical",
  ]);
});

Deno.test("migrate-backend: an error before the registry write restores everything; a kill midway is undone by the next run", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  const before = await installed(ctx, "web");
  const failed = await ctx.run(["migrate-backend", "web", "--to", "pip"], {
    env: { GESTVENV_FAILPOINT: "migrate-backend.before-register:error" },
  });
  assertEquals(failed.code, 1);
  assertEquals(await backendOf(ctx, "web"), "native");
  assertEquals(await installed(ctx, "web"), before);
  assertEquals(await leftovers(join(ctx.home, "environments")), []);

  // A kill after the copy: the next run of any locking command puts the copy back first.
  for (const point of ["migrate-backend.after-backup", "migrate-backend.after-uninstall"]) {
    const killed = await ctx.run(["migrate-backend", "web", "--to", "pip"], {
      env: { GESTVENV_FAILPOINT: `${point}:exit` },
    });
    assert(killed.code !== 0, point);
    assertEquals(await backendOf(ctx, "web"), "native");
    assertEquals((await leftovers(join(ctx.home, "environments"))).length, 1, point);
    const rerun = await ctx.run(["migrate-backend", "web", "--to", "pip", "--validate"]);
    assertOk(rerun);
    assertStringIncludes(rerun.stderr, "was interrupted; put back the copy of `web`");
    assertEquals(await leftovers(join(ctx.home, "environments")), []);
    assertEquals(await backendOf(ctx, "web"), "pip");
    assertEquals([...(await installed(ctx, "web")).keys()].sort(), [...before.keys()].sort());
    assertOk(await ctx.run(["migrate-backend", "web", "--to", "native"]));
  }
});

/** The journal entries of the home (file names). */
async function journal(ctx: TestContext): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(join(ctx.home, "journal"))) out.push(e.name);
  } catch { /* no journal yet */ }
  return out;
}

Deno.test("migrate-backend killed midway: cleanup --orphaned puts the copy back instead of deleting it", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  const before = await installed(ctx, "web");
  const envs = join(ctx.home, "environments");
  const killed = await ctx.run(["migrate-backend", "web", "--to", "pip"], {
    env: { GESTVENV_FAILPOINT: "migrate-backend.after-uninstall:exit" },
  });
  assert(killed.code !== 0);
  assertEquals((await journal(ctx)).length, 1);
  // Reported as an interrupted operation, not as a leftover to remove.
  const dry = await ctx.run(["cleanup", "--orphaned", "--dry-run"]);
  assertOk(dry);
  assert(!dry.stderr.includes("Would remove the leftover"), dry.stderr);
  const cleanup = await ctx.run(["cleanup", "--orphaned", "--yes"]);
  assertOk(cleanup);
  assertStringIncludes(cleanup.stderr, "put back the copy of `web`");
  assertEquals(await leftovers(envs), []);
  assertEquals(await journal(ctx), []);
  assertEquals(await backendOf(ctx, "web"), "native");
  assertEquals(await installed(ctx, "web"), before);
});

Deno.test("migrate-backend killed midway: the next install puts the copy back before installing", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  const before = await installed(ctx, "web");
  const killed = await ctx.run(["migrate-backend", "web", "--to", "pip"], {
    env: { GESTVENV_FAILPOINT: "migrate-backend.after-uninstall:exit" },
  });
  assert(killed.code !== 0);
  const install = await ctx.run(["install", "web", "other-pkg"]);
  assertOk(install);
  assertStringIncludes(install.stderr, "put back the copy of `web`");
  const after = await installed(ctx, "web");
  for (const [dist, installer] of before) assertEquals(after.get(dist), installer, dist);
  assert(after.has("other-pkg==2.0.0"));
  assertEquals(await leftovers(join(ctx.home, "environments")), []);
  assertEquals(await journal(ctx), []);
});

Deno.test("migrate-backend killed after the registry write: the copy is removed, never put back", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  const envs = join(ctx.home, "environments");
  const killed = await ctx.run(["migrate-backend", "web", "--to", "pip"], {
    env: { GESTVENV_FAILPOINT: "migrate-backend.after-register:exit" },
  });
  assert(killed.code !== 0);
  assertEquals(await backendOf(ctx, "web"), "pip");
  const [copy] = await leftovers(envs);
  assert(copy !== undefined);
  const pipInstalled = await installed(ctx, "web");
  for (const installer of pipInstalled.values()) assertEquals(installer, "pip");
  // The next command sees the migration was committed: it only throws the copy away.
  const next = await ctx.run(["install", "web", "other-pkg"]);
  assertOk(next);
  assertStringIncludes(next.stderr, "had been migrated to pip; removed its copy");
  assertEquals(await leftovers(envs), []);
  const after = await installed(ctx, "web");
  assertEquals(after.get("demo-pkg==1.1.0"), "pip");
  assertEquals(await backendOf(ctx, "web"), "pip");
});

Deno.test("migrate-backend: a copy that does not match its manifest is never put over the environment", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  const envs = join(ctx.home, "environments");
  const killed = await ctx.run(["migrate-backend", "web", "--to", "pip"], {
    env: { GESTVENV_FAILPOINT: "migrate-backend.after-uninstall:exit" },
  });
  assert(killed.code !== 0);
  const [copy] = await leftovers(envs);
  // Part of the copy is gone (as a recursive remove cut short leaves it), its marker is not.
  await Deno.remove(join(envs, copy!, "bin"), { recursive: true });
  const next = await ctx.run(["migrate-backend", "web", "--to", "pip"]);
  assertStringIncludes(next.stderr, "is damaged, so nothing was put back");
  // Both stay: the copy was not put in place, and cleanup refuses to delete it.
  assert(await Deno.stat(join(envs, copy!, ".gestvenv-migrate-backup.json")).then(() => true));
  assert(await Deno.stat(join(envs, "web", "bin", "python")).then(() => true));
  const cleanup = await ctx.run(["cleanup", "--orphaned", "--yes"]);
  assertOk(cleanup);
  assertStringIncludes(cleanup.stderr, "the copy an interrupted migrate-backend made");
  assertEquals(await leftovers(envs), [copy!]);
});

Deno.test("migrate-backend --filter / --all choose environments; --dry-run and usage errors change nothing", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web-a", "--packages", "other-pkg"]));
  assertOk(await ctx.run(["create", "api"]));
  const registry = await Deno.readTextFile(join(ctx.home, "environments.json"));

  const dry = await ctx.run([
    "migrate-backend",
    "--filter",
    "name=web*",
    "--to",
    "pip",
    "--dry-run",
  ]);
  assertOk(dry);
  assertStringIncludes(
    dry.stderr,
    "Dry run: would re-install 1 distribution of `web-a` with pip",
  );
  assert(!dry.stderr.includes("`api`"));
  await assertSnapshot(t, filterText(dry.stderr, [[ctx.home, "[HOME]"]]));
  assertEquals(await Deno.readTextFile(join(ctx.home, "environments.json")), registry);

  for (
    const args of [
      ["migrate-backend", "--to", "pip"],
      ["migrate-backend", "web-a", "--all", "--to", "pip"],
      ["migrate-backend", "--filter", "colour=red", "--to", "pip"],
    ]
  ) {
    const r = await ctx.run(args);
    assertEquals(r.code, 2, args.join(" "));
  }
  const missing = await ctx.run(["migrate-backend", "nope", "--to", "pip"]);
  assertEquals(missing.code, 3);

  const all = data(await ctx.run(["migrate-backend", "--all", "--to", "pip", "--format", "json"]));
  assertEquals(all.results.map((r: Json) => r.name), ["api", "web-a"]);
  assertEquals(await backendOf(ctx, "api"), "pip");
  assertEquals(await backendOf(ctx, "web-a"), "pip");
  const none = await ctx.run(["migrate-backend", "--filter", "backend=native", "--to", "uv"]);
  assertOk(none);
  assertStringIncludes(none.stderr, "No environment matches");
});

Deno.test("migrate-backend refuses an environment adopted in place and skips it with --all", async (t) => {
  await using ctx = await createTestContext();
  const python = new TextDecoder().decode(
    new Deno.Command("python3", {
      args: ["-c", "import sys; print(sys.executable)"],
      stdout: "piped",
    }).outputSync().stdout,
  ).trim();
  const venv = join(ctx.home, "..", "tool-venvs", "web");
  await Deno.mkdir(join(venv, ".."), { recursive: true });
  assertOk(await ctx.exec(python, ["-m", "venv", "--without-pip", venv]));
  assertOk(
    await ctx.exec(python, [
      "-m",
      "pip",
      "--python",
      join(venv, "bin", "python"),
      "install",
      "--no-compile",
      "--index-url",
      ctx.index.url,
      "demo-dep",
    ]),
  );
  assertOk(await ctx.run(["migrate", "--adopt", venv, "--in-place", "--name", "web"]));
  assertOk(await ctx.run(["create", "api"]));
  const listing = async () => (await Array.fromAsync(Deno.readDir(venv))).map((e) => e.name).sort();
  const before = await listing();

  for (const extra of [[], ["--dry-run"]]) {
    const refused = await ctx.run(["migrate-backend", "web", "--to", "pip", ...extra]);
    assertEquals(refused.code, 1, extra.join(" "));
    assertStringIncludes(refused.stderr, "was adopted in place");
    if (extra.length === 0) {
      await assertSnapshot(t, filterText(refused.stderr, [[join(ctx.home, ".."), "[TMP]"]]));
    }
  }
  const all = data(await ctx.run(["migrate-backend", "--all", "--to", "pip", "--format", "json"]));
  assertEquals(all.results.map((r: Json) => r.name), ["api"]);
  assertEquals(all.skipped.map((s: Json) => s.name), ["web"]);
  assertEquals(all.failures, []);
  // Nothing was written into the other tool's folder or beside it.
  assertEquals(await listing(), before);
  assertEquals(await leftovers(join(venv, "..")), []);
  assertEquals(await backendOf(ctx, "api"), "pip");
});
