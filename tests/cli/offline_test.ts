/**
 * Offline means offline (issue 9 §2, §4): the CLI runs under `deno run --deny-net`, so any
 * connection attempt fails loudly, and `--offline` (or `GESTVENV_OFFLINE`, or `offline_mode`)
 * commands still create, install and sync from a filled cache; what the cache lacks is named,
 * with the `gestvenv cache add` to run on a connected machine.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  type CliResult,
  createTestContext,
  runDenyNet,
  type TestContext,
} from "../helpers/test_context.ts";

async function python(ctx: TestContext, env: string, code: string): Promise<CliResult> {
  return await ctx.exec(join(ctx.envPath(env), "bin", "python"), ["-c", code]);
}

Deno.test("offline: create, install and sync --locked work under --deny-net from a filled cache", async (t) => {
  await using ctx = await createTestContext();
  // Online once: the cache gets demo-pkg 1.1.0 and demo-dep 2.0.0 (and the index pages).
  assertOk(await ctx.run(["create", "warm", "--packages", "demo-pkg"]));
  const served = ctx.index.requests.length;

  await t.step("the network really is denied: an online command fails loudly", async () => {
    const online = await runDenyNet(ctx, ["create", "nope", "--packages", "demo-pkg"]);
    assert(online.code !== 0, online.stderr);
    assertMatch(online.stderr, /net|network|permission/i);
  });

  await t.step("--offline create (flag before the command) installs from the cache", async () => {
    const created = await runDenyNet(ctx, ["--offline", "create", "app", "--packages", "demo-pkg"]);
    assertOk(created);
    const imported = await python(ctx, "app", "import demo_pkg, demo_dep; print(demo_pkg.VERSION)");
    assertEquals(imported.stdout.trim(), "1.1.0", imported.stderr);
    const lock = await Deno.readTextFile(join(ctx.envPath("app"), "pylock.toml"));
    assertStringIncludes(lock, 'resolved-from = "cache"');
  });

  await t.step(
    "with no cached index page or metadata (an imported cache), the artifacts suffice",
    async () => {
      await Deno.rename(join(ctx.home, "cache", "simple-v1"), join(ctx.work, "simple-v1"));
      await Deno.rename(join(ctx.home, "cache", "metadata-v1"), join(ctx.work, "metadata-v1"));
      assertOk(await runDenyNet(ctx, ["--offline", "create", "bare", "--packages", "demo-pkg"]));
      const imported = await python(ctx, "bare", "import demo_pkg; print(demo_pkg.VERSION)");
      assertEquals(imported.stdout.trim(), "1.1.0", imported.stderr);
      await Deno.remove(join(ctx.home, "cache", "simple-v1"), { recursive: true }).catch(() => {});
      await Deno.rename(join(ctx.work, "simple-v1"), join(ctx.home, "cache", "simple-v1"));
    },
  );

  await t.step("GESTVENV_OFFLINE=1 install and offline_mode in the config work too", async () => {
    assertOk(
      await runDenyNet(ctx, ["install", "demo-dep", "--env", "app"], { GESTVENV_OFFLINE: "1" }),
    );
    assertOk(await ctx.run(["config", "set", "offline_mode", "true"]));
    const synced = await runDenyNet(ctx, ["sync", "app", "--locked"]);
    assertOk(synced);
    assertOk(await ctx.run(["config", "unset", "offline_mode"]));
  });

  await t.step("cache check-offline says ready, and names what is missing", async () => {
    const ready = await runDenyNet(ctx, ["cache", "check-offline", "demo-pkg"]);
    assertOk(ready);
    const missing = await runDenyNet(ctx, ["cache", "check-offline", "demo-pkg", "other-pkg"]);
    assertEquals(missing.code, 4, missing.stderr);
    assertStringIncludes(missing.stdout + missing.stderr, "other-pkg");
  });

  await t.step("what the cache lacks is named, with the command that fetches it", async () => {
    const missing = await runDenyNet(ctx, ["--offline", "install", "other-pkg", "--env", "app"]);
    assertEquals(missing.code, 4, missing.stderr);
    assertStringIncludes(missing.stderr, "other-pkg");
    assertStringIncludes(missing.stderr, "gestvenv cache add");
    const older = await runDenyNet(ctx, [
      "--offline",
      "install",
      "demo-dep==1.0.0",
      "--env",
      "app",
    ]);
    assertEquals(older.code, 4, older.stderr);
    assertStringIncludes(older.stderr, "demo-dep");
    assertStringIncludes(older.stderr, "gestvenv cache add");
    await assertSnapshot(t, filterText(missing.stderr, [[ctx.index.url, "<INDEX>"]]));
    // What gestvenv adds itself (`--seed` asks for pip) is named the same way.
    const seeded = await runDenyNet(ctx, ["--offline", "create", "seeded", "--seed"]);
    assertEquals(seeded.code, 4, seeded.stderr);
    assertStringIncludes(seeded.stderr, "gestvenv cache add pip");
    // Nothing changed in the environment.
    const kept = await python(
      ctx,
      "app",
      "import demo_dep, importlib.metadata as m; print(m.version('demo-dep'))",
    );
    assertEquals(kept.stdout.trim(), "2.0.0", kept.stderr);
  });

  // Not one request reached the index after the first, online, create.
  assertEquals(ctx.index.requests.length, served);
});

Deno.test("offline: a lock whose files the cache lacks fails before changing anything, naming each file", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg"]));
  // Another home with an empty cache: the lock's files are all missing.
  const lock = join(ctx.envPath("app"), "pylock.toml");
  const other = join(ctx.work, "other-home");
  const env = { GESTVENV_HOME: other };
  assertOk(await ctx.run(["create", "empty"], { env }));
  const synced = await runDenyNet(ctx, [
    "--offline",
    "sync",
    "empty",
    "--locked",
    "--lock-file",
    lock,
  ], env);
  assertEquals(synced.code, 4, synced.stderr);
  assertStringIncludes(synced.stderr, "demo_pkg-1.1.0-py3-none-any.whl");
  assertStringIncludes(synced.stderr, "demo_dep-2.0.0-py3-none-any.whl");
  assertStringIncludes(synced.stderr, "gestvenv cache add demo-dep==2.0.0 demo-pkg==1.1.0");
  const listed = await ctx.run(["packages", "empty", "--json"], { env });
  assertOk(listed);
  assert(!listed.stdout.includes("demo-pkg"), listed.stdout);
});

Deno.test("use_cache = false: the install works and leaves nothing in the cache", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["config", "set", "use_cache", "false"]));
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg"]));
  const imported = await python(ctx, "app", "import demo_pkg; print(demo_pkg.VERSION)");
  assertEquals(imported.stdout.trim(), "1.1.0", imported.stderr);
  const artifacts = await Array.fromAsync(
    Deno.readDir(join(ctx.home, "cache", "artifacts-v1")),
  ).catch(() => []);
  assertEquals(artifacts.length, 0, "no artifact was kept");
});

Deno.test("cache.fallback_to_online: stale cached pages are used without asking the index", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "warm", "--packages", "demo-pkg"]));
  // The local index sends no max-age: its pages are stale at once, and an online command asks
  // again (here, under --deny-net, it cannot).
  const plain = await runDenyNet(ctx, ["create", "plain", "--packages", "demo-pkg"]);
  assert(plain.code !== 0, plain.stderr);
  assertOk(await ctx.run(["config", "set", "cache.fallback_to_online", "true"]));
  const requests = ctx.index.requests.length;
  assertOk(await runDenyNet(ctx, ["create", "hybrid", "--packages", "demo-pkg"]));
  const imported = await python(ctx, "hybrid", "import demo_pkg; print(demo_pkg.VERSION)");
  assertEquals(imported.stdout.trim(), "1.1.0", imported.stderr);
  // What the cache lacks still comes from the index (the network is allowed again here).
  assertOk(await ctx.run(["install", "other-pkg", "--env", "hybrid"]));
  assert(ctx.index.requests.length > requests, "other-pkg was fetched online");
  const other = await python(ctx, "hybrid", "import other_pkg");
  assertEquals(other.code, 0, other.stderr);
});

Deno.test("offline: the pip and uv backends install the cached files with the network denied", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "warm", "--packages", "demo-pkg"]));
  const uv = Deno.env.get("GESTVENV_TEST_UV");
  const backends: Array<[string, Record<string, string>]> = [["pip", {}]];
  if (uv !== undefined) backends.push(["uv", { GESTVENV_UV: uv }]);
  for (const [backend, env] of backends) {
    await t.step(backend, async () => {
      const created = await runDenyNet(
        ctx,
        ["--offline", "create", `with-${backend}`, "--backend", backend, "--packages", "demo-pkg"],
        {
          ...env,
          PIP_INDEX_URL: "http://127.0.0.1:9/simple",
          UV_INDEX_URL: "http://127.0.0.1:9/simple",
        },
      );
      assertOk(created);
      const imported = await python(
        ctx,
        `with-${backend}`,
        "import demo_pkg; print(demo_pkg.VERSION)",
      );
      assertEquals(imported.stdout.trim(), "1.1.0", imported.stderr);
    });
  }
});
