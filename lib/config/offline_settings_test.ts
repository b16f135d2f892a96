import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import type { HomeLayout } from "../paths/mod.ts";
import { canonicalKey, flattenConfig, nestConfig, parseConfigValue } from "./config_schema.ts";
import { loadConfig, updateConfig } from "./config_file.ts";
import { loadProjectSettings } from "./project_settings.ts";
import { parseDays, parseSize, parseSwitch } from "./quantities.ts";
import { resolveSettings } from "./settings.ts";

const home: HomeLayout = {
  root: "/h",
  configFile: "/h/config.toml",
  registryFile: "/h/environments.json",
  environmentsDir: "/h/environments",
  cacheDir: "/h/cache",
  locksDir: "/h/locks",
};
const none = () => undefined;
const vars = (map: Record<string, string>) => (name: string) => map[name];

Deno.test("parseSize() reads the spec's sizes in powers of 1024 and refuses the rest", () => {
  assertEquals(parseSize("2GB", "x"), 2 * 1024 ** 3);
  assertEquals(parseSize("500MB", "x"), 500 * 1024 ** 2);
  assertEquals(parseSize("1.5 GiB", "x"), 1.5 * 1024 ** 3);
  assertEquals(parseSize("750k", "x"), 750 * 1024);
  assertEquals(parseSize("1048576", "x"), 1048576);
  assertEquals(parseSize(4096, "x"), 4096);
  for (const bad of ["", "GB", "-1GB", "2 PB", "0", "1e9", "two"]) {
    assertThrows(() => parseSize(bad, "`cache.max_size`"), ConfigError, "cache.max_size");
  }
});

Deno.test("parseDays() and parseSwitch() read days and switches", () => {
  assertEquals(parseDays("30", "x"), 30);
  assertEquals(parseDays("2w", "x"), 14);
  assertEquals(parseDays("12h", "x"), 0.5);
  assertEquals(parseDays(7, "x"), 7);
  assertThrows(() => parseDays("0", "x"), ConfigError);
  assertThrows(() => parseDays("soon", "x"), ConfigError);
  assertEquals(["1", "true", "YES", "on"].map((v) => parseSwitch(v, "x")), [
    true,
    true,
    true,
    true,
  ]);
  assertEquals(["0", "false", "No", "off"].map((v) => parseSwitch(v, "x")), [
    false,
    false,
    false,
    false,
  ]);
  assertThrows(() => parseSwitch("maybe", "GESTVENV_OFFLINE"), ConfigError, "GESTVENV_OFFLINE");
});

Deno.test("[cache] tables read as dotted keys, the spec's other spellings map to them", () => {
  assertEquals(canonicalKey("cache-size"), "cache.max_size");
  assertEquals(canonicalKey("cache_size"), "cache.max_size");
  assertEquals(canonicalKey("cache-enabled"), "cache.enabled");
  assertEquals(canonicalKey("cache-path"), "cache_path");
  const flat = flattenConfig({ offline_mode: true, cache: { max_size: "2GB", ttl_days: 30 } });
  assertEquals({ ...flat }, { offline_mode: true, "cache.max_size": "2GB", "cache.max_age": 30 });
  assertEquals(nestConfig({ ...flat }), {
    offline_mode: true,
    cache: { max_size: "2GB", max_age: 30 },
  });
  assertEquals(parseConfigValue("cache.max_size", " 2GB "), "2GB");
  assertEquals(parseConfigValue("offline_mode", "yes"), true);
  assertThrows(() => parseConfigValue("cache.max_size", "big"), ConfigError, "Invalid size");
});

Deno.test("config set of cache keys writes a [cache] table that reads back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/config.toml`;
    await updateConfig(file, (c) => {
      c["cache.max_size"] = "2GB";
      c["offline_mode"] = false;
    });
    const text = await Deno.readTextFile(file);
    assertEquals(text.includes("[cache]"), true, text);
    assertEquals(text.includes('max_size = "2GB"'), true, text);
    const back = await loadConfig(file);
    assertEquals(back["cache.max_size"], "2GB");
    assertEquals(back.offline_mode, false);
    await Deno.writeTextFile(file, "[cache]\nmax_size = 12\n");
    await Deno.writeTextFile(file, '[cache]\nmax_size = "huge"\n');
    let failed = false;
    await loadConfig(file).catch((e) => failed = e instanceof ConfigError);
    assertEquals(failed, true, "an invalid size in the file is a config error");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("offline and cache settings: flag > GESTVENV_* > .gestvenv.toml > config > default", () => {
  const s = resolveSettings(home, {}, { env: none });
  assertEquals(
    [s.offline.value, s.useCache.value, s.fallbackToOnline.value, s.cacheAutoCleanup.value],
    [false, true, false, false],
  );
  assertEquals([s.cacheMaxSize.value, s.cacheMaxAgeDays.value], [undefined, undefined]);
  assertEquals(s.cacheCompression.value, "zstd");
  const config = {
    offline_mode: "true",
    "cache.max_size": "1GB",
    "cache.max_age": 10,
    "cache.enabled": false,
  };
  const fromConfig = resolveSettings(home, config, { env: none });
  assertEquals(fromConfig.offline, { value: true, source: "config", origin: "offline_mode" });
  assertEquals(fromConfig.cacheMaxSize.value, 1024 ** 3);
  assertEquals(fromConfig.cacheMaxAgeDays.value, 10);
  assertEquals(fromConfig.useCache, { value: false, source: "config", origin: "cache.enabled" });
  const fromProject = resolveSettings(home, config, {
    env: none,
    project: { offline_mode: false },
  });
  assertEquals(fromProject.offline.source, "project");
  assertEquals(fromProject.offline.value, false);
  const fromEnv = resolveSettings(home, config, {
    env: vars({ GESTVENV_OFFLINE: "0", GESTVENV_CACHE_SIZE: "5GB" }),
    project: { offline_mode: true },
  });
  assertEquals(fromEnv.offline, { value: false, source: "env", origin: "GESTVENV_OFFLINE" });
  assertEquals(fromEnv.cacheMaxSize.value, 5 * 1024 ** 3);
  const fromFlag = resolveSettings(home, {}, {
    env: vars({ GESTVENV_OFFLINE: "0" }),
    flags: { offline: true },
  });
  assertEquals(fromFlag.offline, { value: true, source: "flag", origin: "--offline" });
  assertThrows(
    () => resolveSettings(home, {}, { env: vars({ GESTVENV_OFFLINE: "perhaps" }) }),
    ConfigError,
    "GESTVENV_OFFLINE",
  );
});

Deno.test("loadProjectSettings() finds the nearest .gestvenv.toml and keeps the project keys", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/a/b`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/a/.gestvenv.toml`,
      '[project]\nname = "x"\n\noffline_mode = true\n',
    );
    // `offline_mode` after `[project]` belongs to that table: not a project setting.
    const sectioned = await loadProjectSettings(`${dir}/a/b`);
    assertEquals({ ...sectioned?.config }, {});
    assertEquals(sectioned?.environment, "x");
    assertEquals(sectioned?.unknown, [`${dir}/a/.gestvenv.toml: project.offline_mode`]);
    await Deno.writeTextFile(
      `${dir}/a/.gestvenv.toml`,
      'offline_mode = true\n[cache]\nfallback_to_online = true\nmax_size = "1GB"\n',
    );
    const found = await loadProjectSettings(`${dir}/a/b`);
    assertEquals(found?.configFile, `${dir}/a/.gestvenv.toml`);
    assertEquals({ ...found?.config }, {
      offline_mode: true,
      "cache.fallback_to_online": true,
      "cache.max_size": "1GB",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
