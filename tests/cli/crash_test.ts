/**
 * Crash consistency: `create`, `clone`, `rename` and `delete` are killed (SIGKILL, via
 * failpoints) at each step that matters, then the next command on the name, or `cleanup`, must
 * leave the registry and the disk consistent (tests/helpers/consistency.ts), with nothing lost.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertConsistent } from "../helpers/consistency.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

const KILLED = 128 + 9;

function killAt(point: string): { env: Record<string, string> } {
  return { env: { GESTVENV_FAILPOINT: `${point}:exit` } };
}

async function registered(ctx: TestContext): Promise<string[]> {
  return Object.keys((await ctx.registry().catch(() => ({ environments: {} }))).environments)
    .sort();
}

async function scriptRuns(ctx: TestContext, name: string): Promise<void> {
  const script = await ctx.exec(join(ctx.envPath(name), "bin", "demo-cli"), []);
  assertOk(script, `the console script of ${name} runs`);
  assertEquals(script.stdout.trim(), "demo-pkg 1.1.0");
}

Deno.test("create killed at any step: the name is not blocked and cleanup leaves a consistent home", async (t) => {
  for (
    const point of [
      "create.after-journal",
      "create.after-staging",
      "create.after-install",
      "create.before-move",
      "create.before-register",
    ]
  ) {
    await t.step(point, async () => {
      await using ctx = await createTestContext();
      const args = ["create", "x", "--packages", "demo-pkg"];
      assertEquals((await ctx.run(args, killAt(point))).code, KILLED);
      const listed = await ctx.run(["list", "--format", "json"]);
      assertOk(listed, "list works after the crash");
      assertEquals(
        JSON.parse(listed.stdout).data.orphans.map((o: { kind: string }) => o.kind),
        ["interrupted"],
      );
      // The next command on the name finishes (registers a complete environment) or undoes it.
      const again = await ctx.run(args);
      assertStringIncludes(again.stderr, "was interrupted");
      if (point === "create.before-register") {
        assertEquals(again.code, 1, again.stderr);
        assertStringIncludes(again.stderr, "already exists");
      } else assertOk(again);
      await assertConsistent(ctx, `after ${point}`);
      assertEquals(await registered(ctx), ["x"]);
      await scriptRuns(ctx, "x");
    });
  }
  await t.step("cleanup --orphaned repairs too", async () => {
    await using ctx = await createTestContext();
    const args = ["create", "y", "--packages", "demo-pkg"];
    assertEquals((await ctx.run(args, killAt("create.after-install"))).code, KILLED);
    const cleanup = await ctx.run(["cleanup", "--orphaned"]);
    assertOk(cleanup);
    assertStringIncludes(cleanup.stderr, "removed its half-made `y`");
    await assertConsistent(ctx);
    assertEquals(await registered(ctx), []);
  });
});

Deno.test("clone killed at any step never leaves a half copy that runs the source's Python", async (t) => {
  // A pip environment is cloned by copying its directory; a native one by re-linking its lock
  // from the cache (a create: its failpoints are `create.*` and the installer's).
  for (
    const [point, backend] of [
      ["clone.after-journal", "pip"],
      ["clone.after-copy", "pip"],
      ["clone.before-move", "pip"],
      ["clone.before-register", "pip"],
      ["create.after-journal", "native"],
      ["installer.after_install", "native"],
      ["create.before-move", "native"],
      ["create.before-register", "native"],
    ] as const
  ) {
    await t.step(`${point} (${backend})`, async () => {
      await using ctx = await createTestContext();
      assertOk(
        await ctx.run(["create", "src", "--packages", "demo-pkg", "--backend", backend]),
      );
      assertEquals((await ctx.run(["clone", "src", "dst"], killAt(point))).code, KILLED);
      assertOk(await ctx.run(["cleanup", "--orphaned"]));
      await assertConsistent(ctx, `after ${point}`);
      const names = await registered(ctx);
      assertEquals(names, point.endsWith(".before-register") ? ["dst", "src"] : ["src"]);
      if (names.includes("dst")) await scriptRuns(ctx, "dst");
      await scriptRuns(ctx, "src");
    });
  }
});

Deno.test("rename killed at any step keeps the record and the directory together", async (t) => {
  for (const point of ["rename.after-staging", "rename.before-move", "rename.before-register"]) {
    await t.step(point, async () => {
      await using ctx = await createTestContext();
      assertOk(await ctx.run(["create", "k", "--packages", "demo-pkg"]));
      assertEquals((await ctx.run(["rename", "k", "k2"], killAt(point))).code, KILLED);
      // The next command on either name repairs first.
      const next = await ctx.run(["install", "other-pkg", "--env", "k"]);
      await assertConsistent(ctx, `after ${point}`);
      const names = await registered(ctx);
      if (point === "rename.before-register") {
        assertEquals(names, ["k2"], "the move was done: the rename is finished");
        assertEquals(next.code, 3, next.stderr);
        await scriptRuns(ctx, "k2");
      } else {
        assertEquals(names, ["k"], "the move was not done: the rename is undone");
        assertOk(next);
        await scriptRuns(ctx, "k");
      }
    });
  }
});

Deno.test("delete killed midway is finished by the next command, never half done", async (t) => {
  for (const point of ["delete.after-trash", "delete.before-remove"]) {
    await t.step(point, async () => {
      await using ctx = await createTestContext();
      assertOk(await ctx.run(["create", "d"]));
      assertOk(await ctx.run(["create", "other"]));
      assertEquals((await ctx.run(["delete", "d", "--force"], killAt(point))).code, KILLED);
      assertOk(await ctx.run(["cleanup", "--orphaned"]));
      await assertConsistent(ctx, `after ${point}`);
      assertEquals(await registered(ctx), ["other"]);
      assert(!(await Deno.lstat(ctx.envPath("d")).then(() => true, () => false)));
    });
  }
});

Deno.test("Ctrl-C or SIGTERM during create rolls back and exits 130 or 143", async (t) => {
  for (
    const [point, signal, code, backend] of [
      ["create.after-staging", "SIGINT", 130, "native"],
      ["backend.spawned", "SIGINT", 130, "pip"],
      // Once per install (after_install runs per wheel: a second signal would stop at once).
      ["installer.after_record", "SIGINT", 130, "native"],
      ["create.after-install", "SIGTERM", 143, "native"],
    ] as const
  ) {
    await t.step(`${signal} at ${point} (${backend})`, async () => {
      await using ctx = await createTestContext();
      const result = await ctx.run(
        ["create", "c", "--packages", "demo-pkg", "--backend", backend],
        {
          env: { GESTVENV_FAILPOINT: `${point}:signal:${signal}` },
        },
      );
      assertEquals(result.code, code, result.stderr);
      assertStringIncludes(result.stderr, "Interrupted");
      await assertConsistent(ctx);
      assertEquals(await registered(ctx), []);
      assert(!(await Deno.lstat(ctx.envPath("c")).then(() => true, () => false)));
    });
  }
});

Deno.test("Ctrl-C during clone removes the half copy and keeps the source", async (t) => {
  // pip environments are copied; native ones re-linked from the cache.
  for (
    const [point, backend] of [
      ["clone.after-copy", "pip"],
      ["installer.after_record", "native"],
    ] as const
  ) {
    await t.step(`${point} (${backend})`, async () => {
      await using ctx = await createTestContext();
      assertOk(
        await ctx.run(["create", "src", "--packages", "demo-pkg", "--backend", backend]),
      );
      const result = await ctx.run(["clone", "src", "dst"], {
        env: { GESTVENV_FAILPOINT: `${point}:signal:SIGINT` },
      });
      assertEquals(result.code, 130, result.stderr);
      await assertConsistent(ctx);
      assertEquals(await registered(ctx), ["src"]);
      await scriptRuns(ctx, "src");
    });
  }
});

Deno.test("Ctrl-C or SIGTERM during install stops the installer, records what is there, exits 130 or 143", async (t) => {
  for (
    const [signal, code, backend, point] of [
      ["SIGINT", 130, "pip", "backend.spawned"],
      ["SIGTERM", 143, "pip", "backend.spawned"],
      ["SIGINT", 130, "native", "installer.after_record"],
      ["SIGTERM", 143, "native", "installer.after_record"],
    ] as const
  ) {
    await t.step(`${signal} (${backend})`, async () => {
      await using ctx = await createTestContext();
      assertOk(
        await ctx.run(["create", "i", "--packages", "demo-dep==1.0.0", "--backend", backend]),
      );
      const result = await ctx.run(["install", "demo-pkg", "other-pkg", "--env", "i"], {
        env: { GESTVENV_FAILPOINT: `${point}:signal:${signal}` },
      });
      assertEquals(result.code, code, result.stderr);
      assertStringIncludes(result.stderr, "Interrupted");
      await assertConsistent(ctx, `after ${signal}`);
      // Nothing half done is left for the next install: it completes normally.
      assertOk(await ctx.run(["install", "demo-pkg", "--env", "i"]));
      await scriptRuns(ctx, "i");
      await assertConsistent(ctx);
    });
  }
});
