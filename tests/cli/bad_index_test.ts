/**
 * An index that is down, broken or hanging: `create` and `install` (through pip) fail with exit 5
 * naming the index, never exit 4 "No distribution found", and a hanging index times out.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { serveBadIndex } from "../helpers/bad_index.ts";
import { assertOk, createTestContext, standardWheels } from "../helpers/test_context.ts";

Deno.test("an index answering 500, resetting or serving garbage is exit 5 with its URL", async (t) => {
  await using ctx = await createTestContext();
  await using bad = serveBadIndex(standardWheels(), { hangMs: 60_000 });
  const env = {
    PIP_INDEX_URL: bad.url,
    GESTVENV_HTTP_CONNECT_TIMEOUT: "1",
    GESTVENV_HTTP_READ_TIMEOUT: "1",
  };
  assertOk(await ctx.run(["create", "e"], { env }));
  for (
    const [label, behavior] of [
      ["500", { status: 500 }],
      ["reset", "reset"],
      ["garbage", "garbage"],
      ["hang", "hang"],
    ] as const
  ) {
    await t.step(label, async () => {
      bad.behave();
      bad.misbehave(behavior, { path: /^\/simple\/demo-pkg\/?$/ });
      const install = await ctx.run(["install", "demo-pkg", "--env", "e"], { env });
      assertEquals(install.code, 5, install.stderr);
      assertStringIncludes(install.stderr, `${bad.url}/demo-pkg/`);
      assert(!install.stderr.includes("No distribution found"), install.stderr);
      const create = await ctx.run(["create", `c-${label}`, "--packages", "demo-pkg"], { env });
      assertEquals(create.code, 5, create.stderr);
      assertEquals((await ctx.registry()).environments[`c-${label}`], undefined);
    });
  }
  await t.step("a project that is really missing is still exit 4", async () => {
    bad.behave();
    const missing = await ctx.run(["install", "no-such-project", "--env", "e"], { env });
    assertEquals(missing.code, 4, missing.stderr);
  });
  assertEquals((await ctx.registry()).environments["e"]!.packages, []);
});
