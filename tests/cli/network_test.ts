/**
 * Against the real package index (the machine's pip configuration), only with
 * `GESTVENV_TEST_NETWORK=1`. Never the only evidence: the hermetic tests cover the same paths.
 */
import { assertEquals } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

Deno.test({
  name: "network: create with requests and flask from the configured index, then import them",
  ignore: Deno.env.get("GESTVENV_TEST_NETWORK") !== "1",
  async fn() {
    await using ctx = await createTestContext([]);
    const env: Record<string, string> = {};
    for (const key of ["PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_NO_CACHE_DIR"]) {
      const value = Deno.env.get(key);
      if (value !== undefined) env[key] = value;
    }
    // Undo the sealed room's index settings: use the machine's pip configuration.
    for (const key of ["PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_NO_CACHE_DIR"]) delete ctx.env[key];
    Object.assign(ctx.env, env);
    assertOk(await ctx.run(["create", "web", "--packages", "requests flask"]));
    const imported = await ctx.exec(join(ctx.envPath("web"), "bin", "python"), [
      "-c",
      "import flask, requests; print('ok')",
    ]);
    assertOk(imported);
    assertEquals(imported.stdout.trim(), "ok");
    const names = (await ctx.registry()).environments["web"]!.packages.map((p) =>
      p.name.toLowerCase()
    );
    for (const name of ["flask", "requests", "werkzeug", "urllib3"]) {
      assertEquals(names.includes(name), true, name);
    }
  },
});
