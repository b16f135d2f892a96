import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "../paths/mod.ts";
import { poetryVirtualenvsPath } from "./detect_sources.ts";
import { gestvenv2EnvironmentsPath, mapPythonGestvenvConfig } from "./python_gestvenv.ts";

Deno.test("a flat Python gestvenv 2.x config.json maps onto our keys; the rest is listed", () => {
  const mapping = mapPythonGestvenvConfig({
    version: "1.1.0",
    default_python_version: "3.12",
    environments_path: "/data/envs",
    preferred_backend: "uv",
    backend_configs: { uv: {} },
    cache_settings: { enabled: false, max_size_mb: 1000, cleanup_interval_days: 30 },
    offline_mode: true,
    max_parallel_jobs: 4,
  }, "/home/me/.gestvenv/environments");
  assertEquals(mapping.values, {
    default_python: "3.12",
    backend: "uv",
    "cache.enabled": false,
    "cache.max_size": "1000MB",
    offline_mode: true,
    environments_path: "/data/envs",
  });
  assertEquals(mapping.notCarried, [
    "backend_configs",
    "cache_settings.cleanup_interval_days",
    "max_parallel_jobs",
    "version",
  ]);
});

Deno.test("the nested variant of 2.x's migration service, and backends with no meaning here", () => {
  const config = {
    version: "1.1.0",
    migration: { from_version: "1.0.0" },
    paths: { environments_path: "/home/me/.gestvenv/environments" },
    backends: { preferred_backend: "poetry", backend_configs: {} },
    cache: { enabled: true, offline_mode: false, compression: true },
    interface: { default_format: "table" },
    default_python_version: "python3.11",
  };
  const mapping = mapPythonGestvenvConfig(config, "/home/me/.gestvenv/environments");
  assertEquals(mapping.values, {
    default_python: "3.11",
    "cache.enabled": true,
    offline_mode: false,
  });
  assertEquals(mapping.notCarried, [
    "backends.backend_configs",
    "backends.preferred_backend",
    "cache.compression",
    "interface",
    "migration",
    "version",
  ]);
  assertEquals(
    gestvenv2EnvironmentsPath(config, "/x", () => "/home/me"),
    "/home/me/.gestvenv/environments",
  );
  assertEquals(
    gestvenv2EnvironmentsPath(
      { environments_path: "~/envs" },
      "/x",
      (k) => k === "HOME" ? "/home/me" : undefined,
    ),
    "/home/me/envs",
  );
  assertEquals(gestvenv2EnvironmentsPath({}, "/x", () => "/home/me"), "/x/environments");
});

Deno.test("1.x: `python3` is our default already, `package_cache_enabled` is the cache switch", () => {
  const mapping = mapPythonGestvenvConfig({
    environments: {},
    active_env: null,
    default_python: "python3",
    settings: { package_cache_enabled: false, auto_activate: true },
  }, "/x");
  assertEquals(mapping.values, { "cache.enabled": false });
  assertEquals(mapping.notCarried, ["active_env", "settings.auto_activate"]);
  const odd = mapPythonGestvenvConfig({ default_python: "py -3" }, "/x");
  assertEquals(odd.notCarried, ["default_python"]);
});

Deno.test("poetry's virtualenvs folder: env variable, then its config.toml, then the cache dir", async () => {
  const home = await Deno.makeTempDir();
  try {
    const vars: Record<string, string> = { HOME: home };
    const env = (k: string) => vars[k];
    assertEquals(
      await poetryVirtualenvsPath(env),
      join(home, ".cache", "pypoetry", "virtualenvs"),
    );
    await Deno.mkdir(join(home, ".config", "pypoetry"), { recursive: true });
    await Deno.writeTextFile(
      join(home, ".config", "pypoetry", "config.toml"),
      '[virtualenvs]\npath = "{cache-dir}/venvs"\n',
    );
    assertEquals(await poetryVirtualenvsPath(env), join(home, ".cache", "pypoetry", "venvs"));
    vars.POETRY_VIRTUALENVS_PATH = "/elsewhere";
    assertEquals(await poetryVirtualenvsPath(env), "/elsewhere");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
