import { assertEquals } from "../../tests/helpers/assert.ts";
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
  assertEquals(index, { indexUrl: "c", extraIndexUrls: ["b"], findLinks: [] });
});
