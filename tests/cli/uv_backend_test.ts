import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { findUv } from "../../lib/backends/mod.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

const uv = await findUv(Deno.env.get("GESTVENV_TEST_UV") || undefined);

Deno.test({
  name: "the uv backend creates, installs and uninstalls through `uv pip`",
  ignore: uv === undefined,
  async fn() {
    await using ctx = await createTestContext();
    const env = { GESTVENV_BACKEND: "uv", GESTVENV_UV: uv!, UV_INDEX_URL: ctx.index.url };
    const created = await ctx.run([
      "create",
      "fast",
      "--packages",
      "demo-pkg",
      "--index-url",
      ctx.index.url,
    ], { env });
    assertOk(created);
    const record = (await ctx.registry()).environments["fast"]!;
    assertEquals(record.backend, "uv");
    assertEquals(record.packages, [{ name: "demo-dep", version: "2.0.0" }, {
      name: "demo-pkg",
      version: "1.1.0",
    }]);
    const script = await ctx.exec(join(ctx.envPath("fast"), "bin", "demo-cli"), []);
    assertEquals(script.stdout.trim(), "demo-pkg 1.1.0");
    const installer = await Deno.readTextFile(
      join(
        ctx.envPath("fast"),
        "lib",
        `python${await minor(ctx.envPath("fast"))}`,
        "site-packages",
        "demo_pkg-1.1.0.dist-info",
        "INSTALLER",
      ),
    );
    assertEquals(installer.trim(), "uv");
    assertOk(await ctx.run(["uninstall", "demo-pkg", "--env", "fast"], { env }));
    assertEquals((await ctx.registry()).environments["fast"]!.packages.map((p) => p.name), [
      "demo-dep",
    ]);
    const missing = await ctx.run([
      "install",
      "nope-nothing",
      "--env",
      "fast",
      "--index-url",
      ctx.index.url,
    ], { env });
    assertEquals(missing.code, 4, missing.stderr);
    assertStringIncludes(missing.stderr, "nope-nothing");
  },
});

Deno.test({
  name: "--backend uv without a uv binary is a backend error with a hint",
  async fn() {
    await using ctx = await createTestContext();
    const result = await ctx.run(["create", "x", "--backend", "uv"], {
      env: { PATH: "/nonexistent" },
    });
    assertEquals(result.code, 20, result.stderr);
    assertStringIncludes(result.stderr, "no uv binary was found");
    assertStringIncludes(result.stderr, "hint:");
    assertEquals(await Deno.stat(ctx.envPath("x")).then(() => true, () => false), false);
  },
});

async function minor(root: string): Promise<string> {
  for await (const entry of Deno.readDir(join(root, "lib"))) {
    return entry.name.replace("python", "");
  }
  return "";
}
