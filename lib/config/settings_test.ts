import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import type { GestvenvConfig } from "./config_schema.ts";
import type { HomeLayout } from "../paths/mod.ts";
import { resolveSettings } from "./settings.ts";

const home: HomeLayout = {
  root: "/h",
  configFile: "/h/config.toml",
  registryFile: "/h/environments.json",
  environmentsDir: "/h/environments",
  cacheDir: "/h/cache",
  locksDir: "/h/locks",
};

Deno.test("resolveSettings() applies flags > GESTVENV_* > config file > defaults", () => {
  const none = () => undefined;
  const vars = (map: Record<string, string>) => (name: string) => map[name];
  assertEquals(resolveSettings(home, {}, { env: none }).backend, "auto");
  assertEquals(resolveSettings(home, { backend: "pip" }, { env: none }).backend, "pip");
  assertEquals(
    resolveSettings(home, { backend: "pip" }, { env: vars({ GESTVENV_BACKEND: "uv" }) }).backend,
    "uv",
  );
  assertEquals(
    resolveSettings(home, {}, { env: vars({ GESTVENV_BACKEND: "uv" }), flags: { backend: "pip" } })
      .backend,
    "pip",
  );
  assertEquals(
    resolveSettings(home, { default_python: "3.11" }, { env: vars({ GESTVENV_PYTHON: "3.12" }) })
      .python,
    "3.12",
  );
  assertEquals(
    resolveSettings(home, { environments_path: "/elsewhere" }, { env: none }).environmentsDir,
    "/elsewhere",
  );
  assertEquals(resolveSettings(home, {}, { env: none }).environmentsDir, "/h/environments");
  const index = resolveSettings(home, { extra_index_urls: ["a"], index_url: "c" }, {
    env: none,
    flags: { extraIndexUrls: ["b"] },
  }).index;
  assertEquals(index, {
    indexUrl: "c",
    extraIndexUrls: ["b"],
    findLinks: [],
    http: { connectTimeoutMs: undefined, readTimeoutMs: undefined },
  });
});

Deno.test("resolveSettings() reads the HTTP timeouts: GESTVENV_HTTP_* > config file, in seconds", async () => {
  const vars = (map: Record<string, string>) => (name: string) => map[name];
  const http = (config: GestvenvConfig, env: Record<string, string> = {}) =>
    resolveSettings(home, config, { env: vars(env) }).index.http;
  assertEquals(http({}), { connectTimeoutMs: undefined, readTimeoutMs: undefined });
  assertEquals(http({ http_connect_timeout: 5, http_read_timeout: "2.5" }), {
    connectTimeoutMs: 5000,
    readTimeoutMs: 2500,
  });
  assertEquals(
    http({ http_read_timeout: 60 }, {
      GESTVENV_HTTP_READ_TIMEOUT: "7",
      GESTVENV_HTTP_CONNECT_TIMEOUT: "1",
    }),
    { connectTimeoutMs: 1000, readTimeoutMs: 7000 },
  );
  for (const bad of ["0", "-1", "soon", "1e9"]) {
    await assertRejects(
      () => Promise.resolve().then(() => http({}, { GESTVENV_HTTP_READ_TIMEOUT: bad })),
      ConfigError,
      "GESTVENV_HTTP_READ_TIMEOUT",
    );
  }
});
