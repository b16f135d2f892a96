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

Deno.test({
  name: "network: resolve requests[socks] from PyPI and agree with pip's resolver",
  ignore: Deno.env.get("GESTVENV_TEST_NETWORK") !== "1",
  async fn() {
    await using ctx = await createTestContext([]);
    const ours = await ctx.run([
      "resolve",
      "requests[socks]",
      "--index-url",
      "https://pypi.org/simple",
      "--json",
    ]);
    assertOk(ours);
    const data = JSON.parse(ours.stdout).data as {
      interpreter: string;
      packages: { name: string; version: string }[];
    };
    const pinned = data.packages.map((p) => `${p.name}==${p.version}`).sort();
    const python = data.interpreter;
    const pip = await ctx.exec(python, [
      "-m",
      "pip",
      "install",
      "--dry-run",
      "--ignore-installed",
      "--quiet",
      "--report",
      "-",
      "--index-url",
      "https://pypi.org/simple",
      "requests[socks]",
    ]);
    assertOk(pip);
    const theirs =
      (JSON.parse(pip.stdout).install as { metadata: { name: string; version: string } }[])
        .map((i) =>
          `${i.metadata.name.toLowerCase().replace(/[-_.]+/g, "-")}==${i.metadata.version}`
        )
        .sort();
    assertEquals(pinned, theirs);
  },
});
