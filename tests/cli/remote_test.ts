/**
 * Remote use, as the design promises: `deno run <url>/main.ts ...` and `import ... from
 * "<url>/mod.ts"`, with the checkout served over HTTP on 127.0.0.1 (a remote module gets no import
 * map, so this fails when a shipped file uses a bare specifier). Each test has its own `DENO_DIR`
 * (remote modules are cached there) and reaches nothing outside 127.0.0.1.
 *
 * @module
 */
import { join } from "node:path";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";
import { hermeticDenoEnv, serveCheckout } from "../helpers/remote_checkout.ts";

const denoJson = JSON.parse(
  await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
) as { version: string };

/** Runs `deno run <flags> <args>` in the test's work directory (no deno.json there). */
function denoRun(ctx: TestContext, env: Record<string, string>, args: string[]) {
  return ctx.exec(Deno.execPath(), ["run", ...args], { env });
}

Deno.test("deno run <url>/main.ts works: --version, a create, and errors keep their exit codes", async () => {
  await using ctx = await createTestContext([]);
  await using server = Object.assign(serveCheckout(), {
    async [Symbol.asyncDispose]() {
      await server.close();
    },
  });
  const env = await hermeticDenoEnv(ctx.work);
  const main = `${server.url}/main.ts`;

  const version = await denoRun(ctx, env, [...PERMISSION_FLAGS, main, "--version"]);
  assertOk(version, "deno run <url>/main.ts --version");
  assertEquals(version.stdout.trim(), denoJson.version);
  // Loaded over HTTP, not from the file system: the server saw the modules.
  assert(server.requests.includes("/main.ts"), server.requests.join("\n"));
  assert(server.requests.includes("/commands/mod.ts"), server.requests.join("\n"));

  const created = await denoRun(ctx, env, [
    "--quiet",
    ...PERMISSION_FLAGS,
    main,
    "create",
    "remote-env",
    "--python",
    "3.11",
  ]);
  assertOk(created, "deno run <url>/main.ts create");
  const record = (await ctx.registry()).environments["remote-env"]!;
  assertMatch(record.python.version, /^3\.11\./);
  const python = await ctx.exec(join(ctx.envPath("remote-env"), "bin", "python"), [
    "-c",
    "import sys; print(sys.prefix)",
  ]);
  assertOk(python);
  assertEquals(python.stdout.trim(), ctx.envPath("remote-env"));

  const invalid = await denoRun(ctx, env, [
    "--quiet",
    ...PERMISSION_FLAGS,
    main,
    "create",
    "../evil",
  ]);
  assertEquals(invalid.code, 2, invalid.stderr);
  assertStringIncludes(invalid.stderr, "Invalid environment name");
});

Deno.test("import <url>/mod.ts from a scratch script: list interpreters, create and list environments", async () => {
  await using ctx = await createTestContext([]);
  await using server = Object.assign(serveCheckout(), {
    async [Symbol.asyncDispose]() {
      await server.close();
    },
  });
  const env = await hermeticDenoEnv(ctx.work);
  const script = join(ctx.work, "use_gestvenv.ts");
  await Deno.writeTextFile(
    script,
    `import {
  createEnvironment,
  type EnvironmentContext,
  findInterpreters,
  loadConfig,
  loadRegistry,
  resolveHome,
  resolveSettings,
  SILENT_REPORTER,
} from "${server.url}/mod.ts";
import { parseVersion } from "${server.url}/lib/pep440/mod.ts";

const home = resolveHome();
const ctx: EnvironmentContext = {
  home,
  settings: resolveSettings(home, await loadConfig(home.configFile)),
  creatorVersion: "remote-test",
  reporter: SILENT_REPORTER,
};
const interpreters = await findInterpreters({ cacheDir: home.cacheDir });
const { record } = await createEnvironment(ctx, "from-lib", { python: "3.11" });
const registry = await loadRegistry(ctx);
console.log(JSON.stringify({
  interpreters: interpreters.map((i) => i.info.version),
  created: record.python.version,
  listed: [...registry.environments.keys()],
  release: parseVersion(record.python.version).release,
}));
`,
  );
  // Deno allows imports from a few well-known hosts (raw.githubusercontent.com among them); any
  // other host, 127.0.0.1 included, has to be allowed by name.
  const host = new URL(server.url).host;
  const refused = await denoRun(ctx, env, ["--quiet", ...PERMISSION_FLAGS, script]);
  assertEquals(refused.code, 1);
  assertStringIncludes(refused.stderr, "--allow-import");
  const out = await denoRun(ctx, env, [
    "--quiet",
    `--allow-import=${host}`,
    ...PERMISSION_FLAGS,
    script,
  ]);
  assertOk(out, "a script importing <url>/mod.ts");
  const result = JSON.parse(out.stdout) as {
    interpreters: string[];
    created: string;
    listed: string[];
    release: number[];
  };
  assert(result.interpreters.some((v) => v.startsWith("3.11.")), out.stdout);
  assertMatch(result.created, /^3\.11\./);
  assertEquals(result.listed, ["from-lib"]);
  assertEquals(result.release.slice(0, 2), [3, 11]);
  assert(server.requests.includes("/mod.ts"), server.requests.join("\n"));
  // The environment is real and registered in the test's home.
  assertEquals(Object.keys((await ctx.registry()).environments), ["from-lib"]);
  assertOk(await ctx.exec(join(ctx.envPath("from-lib"), "bin", "python"), ["-c", "pass"]));
});
