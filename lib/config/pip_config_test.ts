import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { parseIni, pipConfigFiles, readPipIndexSettings } from "./pip_config.ts";

Deno.test("parseIni() reads configparser continuation lines and comments", () => {
  const ini = parseIni(
    "[global]\n# c\nindex-url = https://a/simple\nextra-index-url =\n    https://b/simple\n    https://c/simple\n[install]\nfind_links: /wheels\n",
  );
  assertEquals(ini.get("global")?.get("index-url"), "https://a/simple");
  assertEquals(ini.get("global")?.get("extra-index-url"), "\nhttps://b/simple\nhttps://c/simple");
  assertEquals(ini.get("install")?.get("find-links"), "/wheels");
});

Deno.test("readPipIndexSettings() layers the config files, then PIP_* variables", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "pip.conf");
    await Deno.writeTextFile(
      file,
      "[global]\nindex-url = https://file/simple\nextra-index-url = https://x/simple https://y/simple\n",
    );
    await Deno.mkdir(join(dir, ".config", "pip"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, ".config", "pip", "pip.conf"),
      "[install]\nfind-links = /from-user-file\n",
    );
    const vars: Record<string, string> = {
      HOME: dir,
      XDG_CONFIG_DIRS: join(dir, "none"),
      PIP_CONFIG_FILE: file,
      PIP_FIND_LINKS: "/a /b",
    };
    const env = (name: string) => vars[name];
    // A machine /etc/pip.conf may be read first; the files named here win for the keys they set.
    const settings = await readPipIndexSettings(env);
    assertEquals(settings.indexUrl, "https://file/simple");
    assertEquals(settings.extraIndexUrls, ["https://x/simple", "https://y/simple"]);
    assertEquals(settings.findLinks, ["/a", "/b"]);
    delete vars.PIP_FIND_LINKS;
    assertEquals((await readPipIndexSettings(env)).findLinks, ["/from-user-file"]);
    vars.PIP_CONFIG_FILE = "/dev/null";
    assertEquals(pipConfigFiles(env), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
