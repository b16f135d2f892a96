import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { parseIni, readPipIndexSettings } from "./pip_config.ts";

Deno.test("parseIni() reads configparser continuation lines and comments", () => {
  const ini = parseIni(
    "[global]\n# c\nindex-url = https://a/simple\nextra-index-url =\n    https://b/simple\n    https://c/simple\n[install]\nfind_links: /wheels\n",
  );
  assertEquals(ini.get("global")?.get("index-url"), "https://a/simple");
  assertEquals(ini.get("global")?.get("extra-index-url"), "\nhttps://b/simple\nhttps://c/simple");
  assertEquals(ini.get("install")?.get("find-links"), "/wheels");
});

Deno.test("readPipIndexSettings() layers PIP_CONFIG_FILE and PIP_* variables", async () => {
  const dir = await Deno.makeTempDir();
  const saved = Object.fromEntries(
    [
      "PIP_CONFIG_FILE",
      "PIP_INDEX_URL",
      "PIP_EXTRA_INDEX_URL",
      "PIP_FIND_LINKS",
      "XDG_CONFIG_DIRS",
      "XDG_CONFIG_HOME",
      "HOME",
    ].map((k) => [k, Deno.env.get(k)]),
  );
  try {
    const file = join(dir, "pip.conf");
    await Deno.writeTextFile(
      file,
      "[global]\nindex-url = https://file/simple\nextra-index-url = https://x/simple https://y/simple\n",
    );
    Deno.env.set("HOME", dir);
    Deno.env.set("XDG_CONFIG_DIRS", join(dir, "none"));
    Deno.env.set("XDG_CONFIG_HOME", join(dir, "none"));
    Deno.env.set("PIP_CONFIG_FILE", file);
    Deno.env.delete("PIP_INDEX_URL");
    Deno.env.delete("PIP_EXTRA_INDEX_URL");
    Deno.env.set("PIP_FIND_LINKS", "/a /b");
    const settings = await readPipIndexSettings();
    // A machine /etc/pip.conf may be read first; the explicit file wins for the keys it sets.
    assertEquals(settings.indexUrl, "https://file/simple");
    assertEquals(settings.extraIndexUrls, ["https://x/simple", "https://y/simple"]);
    assertEquals(settings.findLinks, ["/a", "/b"]);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
    await Deno.remove(dir, { recursive: true });
  }
});
