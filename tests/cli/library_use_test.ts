/**
 * gestvenv used as a library by another Deno project: a scratch project with its own deno.json
 * takes this checkout as the package `@gestvenv/gestvenv` (Deno's `links`, as for a local copy of
 * a JSR package, so deno.json `exports` apply; or a plain import map entry to `mod.ts`), creates an
 * environment through the root module and uses subpath exports. Also: what the root module must
 * not export.
 *
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import * as api from "../../mod.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";
import { CHECKOUT, hermeticDenoEnv } from "../helpers/remote_checkout.ts";

const denoJson = JSON.parse(
  await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
) as { name: string; version: string; exports: Record<string, string> };

/** A scratch project in `ctx.work/<name>` with `config` as its deno.json and `files`. */
async function project(
  ctx: TestContext,
  name: string,
  config: unknown,
  files: Record<string, string>,
): Promise<string> {
  const dir = join(ctx.work, name);
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(config, null, 2));
  for (const [file, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(dir, file), text);
  }
  return dir;
}

/** Runs `deno run <flags> <script>` inside `dir`. */
async function runIn(
  ctx: TestContext,
  env: Record<string, string>,
  dir: string,
  script: string,
) {
  return await ctx.exec(
    Deno.execPath(),
    ["run", "--quiet", ...PERMISSION_FLAGS, join(dir, script)],
    { env: { ...env, DENO_NO_PACKAGE_JSON: "1" } },
  );
}

const USE_ENVIRONMENTS = `import {
  createEnvironment,
  type EnvironmentContext,
  GestvenvError,
  loadConfig,
  loadRegistry,
  resolveHome,
  resolveSettings,
  SILENT_REPORTER,
} from "@gestvenv/gestvenv";
import { compareVersions, parseVersion } from "@gestvenv/gestvenv/pep440";
import { parseRequirement } from "@gestvenv/gestvenv/pep508";
import { formatPylock, parsePylock } from "@gestvenv/gestvenv/lock";

const home = resolveHome();
const ctx: EnvironmentContext = {
  home,
  settings: resolveSettings(home, await loadConfig(home.configFile)),
  creatorVersion: "consumer",
  reporter: SILENT_REPORTER,
};
const { record } = await createEnvironment(ctx, "consumer-env", { python: "3.11" });
let duplicate = "";
try {
  await createEnvironment(ctx, "consumer-env", { python: "3.11" });
} catch (error) {
  if (error instanceof GestvenvError) duplicate = error.code;
}
const lock = parsePylock(
  formatPylock({ lockVersion: "1.0", createdBy: "consumer", packages: [] }),
  "pylock.toml",
);
console.log(JSON.stringify({
  path: record.path,
  python: record.python.version,
  listed: [...(await loadRegistry(ctx)).environments.keys()],
  duplicate,
  order: compareVersions(parseVersion("1.0rc1"), parseVersion("1.0")),
  name: parseRequirement("Flask_SQLAlchemy>=3").normalizedName,
  createdBy: lock.createdBy,
}));
`;

Deno.test("another Deno project links the checkout as @gestvenv/gestvenv: creates an environment, uses subpath exports, cannot reach internals", async () => {
  await using ctx = await createTestContext([]);
  const env = await hermeticDenoEnv(ctx.work);
  const dir = await project(ctx, "consumer", {
    links: [CHECKOUT],
    imports: { [denoJson.name]: `jsr:${denoJson.name}@^${denoJson.version}` },
  }, {
    "use.ts": USE_ENVIRONMENTS,
    "internal.ts": `import { failpoint } from "${denoJson.name}/lib/fs/mod.ts";\nfailpoint("x");\n`,
  });

  const out = await runIn(ctx, env, dir, "use.ts");
  assertOk(out, "the consumer script");
  const result = JSON.parse(out.stdout) as Record<string, unknown>;
  assertEquals(result.path, ctx.envPath("consumer-env"));
  assertMatch(String(result.python), /^3\.11\./);
  assertEquals(result.listed, ["consumer-env"]);
  assertEquals(result.duplicate, "environment_exists");
  assertEquals(result.order, -1);
  assertEquals(result.name, "flask-sqlalchemy");
  assertEquals(result.createdBy, "consumer");
  // The environment is real, and registered in the test's home.
  assertOk(await ctx.exec(join(ctx.envPath("consumer-env"), "bin", "python"), ["-c", "pass"]));
  assertEquals(Object.keys((await ctx.registry()).environments), ["consumer-env"]);

  // Only what deno.json exports is reachable.
  const internal = await runIn(ctx, env, dir, "internal.ts");
  assertEquals(internal.code, 1);
  assertStringIncludes(internal.stderr, "Unknown export './lib/fs/mod.ts'");
  for (const subpath of Object.keys(denoJson.exports)) {
    assertStringIncludes(internal.stderr, `* ${subpath}\n`);
  }
});

Deno.test("an import map entry to the checkout's mod.ts works too (no import map of ours needed)", async () => {
  await using ctx = await createTestContext([]);
  const env = await hermeticDenoEnv(ctx.work);
  const base = pathToFileURL(CHECKOUT).href.replace(/\/?$/, "/");
  const imports: Record<string, string> = {};
  for (const [subpath, file] of Object.entries(denoJson.exports)) {
    imports[`${denoJson.name}${subpath.slice(1)}`] = new URL(file, base).href;
  }
  const dir = await project(ctx, "mapped", { imports }, { "use.ts": USE_ENVIRONMENTS });
  const out = await runIn(ctx, env, dir, "use.ts");
  assertOk(out, "the consumer script");
  const result = JSON.parse(out.stdout) as Record<string, unknown>;
  assertEquals(result.listed, ["consumer-env"]);
  assertEquals(result.duplicate, "environment_exists");
});

Deno.test("the root module is curated: environments, standards, resolver and locks; no internals", () => {
  for (
    const name of [
      "createEnvironment",
      "installPackages",
      "syncEnvironment",
      "deleteEnvironment",
      "loadRegistry",
      "findInterpreters",
      "createVirtualenv",
      "parseVersion",
      "parseRequirement",
      "evaluateMarker",
      "supportedTags",
      "parseWheelFilename",
      "parseCoreMetadata",
      "readRequirementsFile",
      "IndexClient",
      "resolve",
      "parsePylock",
      "formatPylock",
      "GestvenvError",
    ]
  ) {
    assert(name in api, `mod.ts should export ${name}`);
  }
  for (
    const name of [
      "positive",
      "union",
      "VersionSet",
      "solve",
      "now",
      "join",
      "parseIni",
      "failpoint",
      "withFileLock",
      "atomicWriteFile",
      "writeJournal",
      "ByteBuilder",
      "readZipEntry",
      "assertMayChange",
    ]
  ) {
    assert(!(name in api), `mod.ts must not export ${name}`);
  }
});
