/**
 * Concurrency: several gestvenv processes on one home. A `sleep` failpoint inside the
 * environment lock (`env-lock.held`) makes the interleavings certain; one checker compares the
 * registry with the disk afterwards (tests/helpers/consistency.ts).
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertConsistent } from "../helpers/consistency.ts";
import {
  assertOk,
  type CliResult,
  createTestContext,
  type TestContext,
} from "../helpers/test_context.ts";

const HOLD = (ms: number) => ({ GESTVENV_FAILPOINT: `env-lock.held:sleep:${ms}` });

/** Waits until the lock of `name` records a holder (the process is inside its lock). */
async function heldBy(ctx: TestContext, name: string): Promise<{ pid: number; command: string }> {
  const file = join(ctx.home, "locks", `${name}.lock`);
  for (let i = 0; i < 400; i++) {
    const text = await Deno.readTextFile(file).catch(() => "");
    if (text.startsWith("{")) return JSON.parse(text);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nobody took the lock of ${name}`);
}

function packagesOf(ctx: TestContext, name: string): Promise<string[]> {
  return ctx.registry().then((doc) =>
    (doc.environments[name]?.packages ?? []).map((p) => p.name).sort()
  );
}

Deno.test("a busy environment: the waiting command says who holds it and gives up after the timeout, unless --wait", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "x"]));
  const holder = ctx.run(["install", "demo-dep==1.0.0", "--env", "x"], { env: HOLD(4000) });
  const held = await heldBy(ctx, "x");
  assertEquals(held.command, "gestvenv install demo-dep==1.0.0 --env x");
  const [impatient, patient] = await Promise.all([
    ctx.run(["install", "other-pkg", "--env", "x"], { env: { GESTVENV_LOCK_TIMEOUT: "1.5" } }),
    ctx.run(["install", "third_pkg", "--env", "x", "--wait"], {
      env: { GESTVENV_LOCK_TIMEOUT: "1" },
    }),
  ]);
  assertEquals(impatient.code, 1, impatient.stderr);
  assertMatch(
    impatient.stderr,
    /Waiting for environment `x`: it is held by `gestvenv install demo-dep==1\.0\.0 --env x` \(pid \d+, since /,
  );
  assertStringIncludes(impatient.stderr, "Gave up after 1.5 s waiting for environment `x`");
  assertStringIncludes(impatient.stderr, "--wait");
  assertOk(patient, "--wait waits as long as it takes");
  assertOk(await holder);
  assertEquals(await packagesOf(ctx, "x"), ["demo-dep", "third_pkg"]);
  await assertConsistent(ctx);
});

Deno.test("install, uninstall and clone racing rename lose no change", async (t) => {
  const race = async (
    first: (ctx: TestContext) => Promise<CliResult>,
    second: string[],
    check: (ctx: TestContext, a: CliResult, b: CliResult) => Promise<void>,
  ) => {
    await using ctx = await createTestContext();
    assertOk(await ctx.run(["create", "k", "--packages", "demo-dep==1.0.0"]));
    const a = first(ctx);
    await heldBy(ctx, "k");
    const b = await ctx.run(second);
    await check(ctx, await a, b);
    await assertConsistent(ctx);
  };
  await t.step("install then rename", () =>
    race(
      (ctx) => ctx.run(["install", "other-pkg", "--env", "k"], { env: HOLD(1500) }),
      ["rename", "k", "k2"],
      async (ctx, a, b) => {
        assertOk(a);
        assertOk(b);
        assertEquals(await packagesOf(ctx, "k2"), ["demo-dep", "other-pkg"]);
      },
    ));
  await t.step("uninstall then rename", () =>
    race(
      (ctx) => ctx.run(["uninstall", "demo-dep", "--env", "k"], { env: HOLD(1500) }),
      ["rename", "k", "k2"],
      async (ctx, a, b) => {
        assertOk(a);
        assertOk(b);
        assertEquals(await packagesOf(ctx, "k2"), []);
      },
    ));
  await t.step("install then clone", () =>
    race(
      (ctx) => ctx.run(["install", "other-pkg", "--env", "k"], { env: HOLD(1500) }),
      ["clone", "k", "c"],
      async (ctx, a, b) => {
        assertOk(a);
        assertOk(b);
        assertEquals(await packagesOf(ctx, "c"), ["demo-dep", "other-pkg"]);
        assertEquals(await packagesOf(ctx, "k"), ["demo-dep", "other-pkg"]);
      },
    ));
  await t.step(
    "rename then delete of the old name: not found, the environment lives on",
    () =>
      race(
        (ctx) => ctx.run(["rename", "k", "k2"], { env: HOLD(1500) }),
        ["delete", "k", "--force"],
        async (ctx, a, b) => {
          assertOk(a);
          assertEquals(b.code, 3, b.stderr);
          assert(!b.stderr.includes("Deleted"), b.stderr);
          assertEquals(Object.keys((await ctx.registry()).environments), ["k2"]);
        },
      ),
  );
});

Deno.test("cleanup during a create leaves the environment being made alone", async () => {
  await using ctx = await createTestContext();
  const create = ctx.run(["create", "c", "--packages", "demo-pkg"], {
    env: { GESTVENV_FAILPOINT: "create.after-install:sleep:2500" },
  });
  await heldBy(ctx, "c");
  // Wait for the staging directory to exist, then try both kinds of cleanup.
  for (let i = 0; i < 200; i++) {
    const names = await Array.fromAsync(Deno.readDir(join(ctx.home, "environments"))).catch(
      () => [],
    );
    if (names.some((e) => e.name.startsWith(".gestvenv-staging-c-"))) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const adopt = await ctx.run(["cleanup", "--orphaned"]);
  assertOk(adopt);
  assertStringIncludes(adopt.stderr, "in use by `gestvenv create c --packages demo-pkg`");
  const remove = await ctx.run(["cleanup", "--orphaned", "--remove-unregistered", "--yes"]);
  assertOk(remove);
  assert(!remove.stderr.includes("Deleted"), remove.stderr);
  assertOk(await create, "create still succeeds");
  await assertConsistent(ctx);
  assertEquals(Object.keys((await ctx.registry()).environments), ["c"]);
});

Deno.test("rounds of install, uninstall, rename, clone, delete and cleanup at once keep registry and disk equal", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a", "--packages", "demo-dep==1.0.0"]));
  assertOk(await ctx.run(["create", "b"]));
  const wait = ["--wait"];
  for (let round = 0; round < 2; round++) {
    const results = await Promise.all([
      ctx.run(["install", "other-pkg", "--env", "a", ...wait]),
      ctx.run(["uninstall", "demo-dep", "--env", "a", ...wait]),
      ctx.run(["rename", "a", "a2", ...wait]),
      ctx.run(["clone", "b", `b${round}`, ...wait]),
      ctx.run(["install", "third_pkg", "--env", "b", ...wait]),
      ctx.run(["delete", `b${round - 1}`, "--force", ...wait]),
      ctx.run(["cleanup", "--orphaned", ...wait]),
      ctx.run(["rename", "a2", "a", ...wait]),
    ]);
    for (const r of results) {
      // Losing a race is a clean error (not found, nothing to uninstall), never a crash.
      assert([0, 3, 4].includes(r.code), `exit ${r.code}: ${r.stderr}`);
    }
    await assertConsistent(ctx, `after round ${round}`);
  }
});
