import { assertEquals, assertRejects, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import type { HomeLayout } from "../paths/mod.ts";
import { loadProjectSettings } from "./project_settings.ts";
import { resolveSettings, withEnvironmentValue } from "./settings.ts";

const home: HomeLayout = {
  root: "/h",
  configFile: "/h/config.toml",
  registryFile: "/h/environments.json",
  environmentsDir: "/h/environments",
  cacheDir: "/h/cache",
  locksDir: "/h/locks",
};

async function inTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const PYPROJECT = `[project]
name = "demo"
version = "1.0"

[tool.gestvenv]
backend = "uv"
python_version = "3.12"
groups = ["dev"]
auto_sync = true
index_url = "https://tool.example/simple"

[tool.gestvenv.scripts]
test = "pytest tests/"
lint = "ruff check ."
`;

Deno.test("loadProjectSettings() reads [tool.gestvenv]; .gestvenv.toml wins key by key and script by script", async () => {
  await inTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/proj/src/pkg`, { recursive: true });
    await Deno.writeTextFile(`${dir}/proj/pyproject.toml`, PYPROJECT);
    const toolOnly = await loadProjectSettings(`${dir}/proj/src/pkg`);
    assertEquals(toolOnly?.root, `${dir}/proj`);
    assertEquals(toolOnly?.pyproject, `${dir}/proj/pyproject.toml`);
    assertEquals(toolOnly?.configFile, undefined);
    assertEquals(toolOnly?.backend, "uv");
    assertEquals(toolOnly?.pythonVersion, "3.12");
    assertEquals(toolOnly?.groups, ["dev"]);
    assertEquals(toolOnly?.autoSync, true);
    assertEquals([...toolOnly!.scripts], [["test", "pytest tests/"], ["lint", "ruff check ."]]);

    // Spec 001's sectioned layout.
    await Deno.writeTextFile(
      `${dir}/proj/.gestvenv.toml`,
      `[project]
name = "mon-projet"
backend = "pip"

[dependencies]
auto_sync = false
groups = ["dev", "test"]

[cache]
preload_packages = ["requests"]

[scripts]
test = "pytest -x tests/"
`,
    );
    const both = await loadProjectSettings(`${dir}/proj/src`);
    assertEquals(both?.configFile, `${dir}/proj/.gestvenv.toml`);
    assertEquals(both?.environment, "mon-projet");
    assertEquals(both?.backend, "pip");
    assertEquals(both?.pythonVersion, "3.12"); // Only [tool.gestvenv] sets it.
    assertEquals(both?.groups, ["dev", "test"]);
    assertEquals(both?.autoSync, false);
    assertEquals(both?.scripts.get("test"), "pytest -x tests/");
    assertEquals(both?.scripts.get("lint"), "ruff check .");
    assertEquals(both?.origins.get("backend"), `${dir}/proj/.gestvenv.toml`);
    assertEquals(both?.origins.get("index_url"), `${dir}/proj/pyproject.toml [tool.gestvenv]`);
    assertEquals(both?.unknown, [`${dir}/proj/.gestvenv.toml: cache.preload_packages`]);
  });
});

Deno.test("loadProjectSettings() stops at the repository root", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/.gestvenv.toml`, 'backend = "uv"\n');
    await Deno.mkdir(`${dir}/repo/.git`, { recursive: true });
    await Deno.mkdir(`${dir}/repo/sub`, { recursive: true });
    assertEquals(await loadProjectSettings(`${dir}/repo/sub`), undefined);
    await Deno.writeTextFile(`${dir}/repo/.gestvenv.toml`, 'environment = "r"\n');
    assertEquals((await loadProjectSettings(`${dir}/repo/sub`))?.environment, "r");
  });
});

Deno.test("loadProjectSettings(): a broken pyproject.toml is a warning, a broken .gestvenv.toml or a wrong value an error", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/pyproject.toml`, "[project\nname = 1\n");
    const broken = await loadProjectSettings(dir);
    assertEquals(broken?.warnings.length, 1);
    assertEquals(broken?.warnings[0]?.includes("is not valid TOML"), true);
    await Deno.writeTextFile(`${dir}/pyproject.toml`, '[tool.gestvenv]\nbackend = "conda"\n');
    await assertRejects(() => loadProjectSettings(dir), ConfigError, "backend");
    await Deno.writeTextFile(`${dir}/pyproject.toml`, "[tool.gestvenv]\nscripts = 3\n");
    await assertRejects(() => loadProjectSettings(dir), ConfigError, "[scripts]");
    await Deno.writeTextFile(`${dir}/pyproject.toml`, "");
    await Deno.writeTextFile(`${dir}/.gestvenv.toml`, "environment = \n");
    await assertRejects(() => loadProjectSettings(dir), ConfigError, "not valid TOML");
    await Deno.writeTextFile(`${dir}/.gestvenv.toml`, "groups = 3\n");
    await assertRejects(() => loadProjectSettings(dir), ConfigError, "groups");
  });
});

Deno.test("resolveSettings(): flag > GESTVENV_* > environment's own > project > user config > default", () => {
  const vars = (map: Record<string, string>) => (name: string) => map[name];
  const origins = new Map([
    ["backend", "/p/.gestvenv.toml"],
    ["auto_sync", "/p/pyproject.toml [tool.gestvenv]"],
    ["index_url", "/p/.gestvenv.toml"],
  ]);
  const project = { backend: "uv", auto_sync: true, index_url: "https://p/simple" } as const;
  const user = { backend: "pip", auto_sync: false, index_url: "https://u/simple" } as const;
  const fromProject = resolveSettings(home, user, {
    env: vars({}),
    project,
    projectOrigins: origins,
  });
  assertEquals(fromProject.backend, {
    value: "uv",
    source: "project",
    origin: "backend (/p/.gestvenv.toml)",
  });
  assertEquals(fromProject.autoSync.value, true);
  assertEquals(fromProject.indexUrl.value, "https://p/simple");
  const fromEnv = resolveSettings(home, user, {
    env: vars({ GESTVENV_AUTO_SYNC: "0", GESTVENV_BACKEND: "native" }),
    project,
  });
  assertEquals(fromEnv.autoSync, { value: false, source: "env", origin: "GESTVENV_AUTO_SYNC" });
  assertEquals(fromEnv.backend.value, "native");
  // The environment's own value beats the project but not a variable.
  assertEquals(
    withEnvironmentValue(fromProject.autoSync, false, "auto_sync of environment web"),
    { value: false, source: "environment", origin: "auto_sync of environment web" },
  );
  assertEquals(withEnvironmentValue(fromEnv.autoSync, true, "x"), fromEnv.autoSync);
  assertEquals(withEnvironmentValue(fromProject.autoSync, undefined, "x"), fromProject.autoSync);
  assertEquals(resolveSettings(home, user, { env: vars({}) }).autoSync.source, "config");
  assertThrows(
    () => resolveSettings(home, {}, { env: vars({ GESTVENV_AUTO_SYNC: "maybe" }) }),
    ConfigError,
    "GESTVENV_AUTO_SYNC",
  );
});
