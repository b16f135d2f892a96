import { assertEquals } from "../../tests/helpers/assert.ts";
import { absolute, resolveHome } from "./home.ts";
import { join } from "./path.ts";

Deno.test("resolveHome() uses GESTVENV_HOME, else ~/.gestvenv, and lays out its files", () => {
  const vars: Record<string, string> = { HOME: "/home/ada" };
  const env = (name: string) => vars[name];
  const home = resolveHome(env);
  assertEquals(home.root, "/home/ada/.gestvenv");
  assertEquals(home.registryFile, "/home/ada/.gestvenv/environments.json");
  assertEquals(home.configFile, "/home/ada/.gestvenv/config.toml");
  assertEquals(home.environmentsDir, "/home/ada/.gestvenv/environments");
  vars.GESTVENV_HOME = "/srv/gv";
  assertEquals(resolveHome(env).locksDir, "/srv/gv/locks");
  vars.GESTVENV_HOME = "~/gv";
  assertEquals(resolveHome(env).root, "/home/ada/gv");
  vars.GESTVENV_HOME = "rel";
  assertEquals(resolveHome(env).root, join(Deno.cwd(), "rel"));
  assertEquals(absolute("/x"), "/x");
});

Deno.test("resolveHome() puts the cache under the home unless GESTVENV_CACHE_DIR moves it", () => {
  const vars: Record<string, string> = { HOME: "/home/ada", GESTVENV_HOME: "/srv/gv" };
  const env = (name: string) => vars[name];
  assertEquals(resolveHome(env).cacheDir, "/srv/gv/cache");
  vars.GESTVENV_CACHE_DIR = "/fast/cache";
  assertEquals(resolveHome(env).cacheDir, "/fast/cache");
  assertEquals(resolveHome(env).root, "/srv/gv");
  vars.GESTVENV_CACHE_DIR = "~/c";
  assertEquals(resolveHome(env).cacheDir, "/home/ada/c");
});
