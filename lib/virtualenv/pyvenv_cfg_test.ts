import { assertEquals } from "../../tests/helpers/assert.ts";
import { formatPyvenvCfg, parsePyvenvCfg } from "./pyvenv_cfg.ts";

Deno.test("parsePyvenvCfg() reads key = value lines and round-trips", () => {
  const text =
    "home = /usr/bin\ninclude-system-site-packages = false\n# comment\nversion = 3.12.1\nprompt = a = b\n";
  const cfg = parsePyvenvCfg(text);
  assertEquals(cfg.get("home"), "/usr/bin");
  assertEquals(cfg.get("prompt"), "a = b");
  assertEquals(cfg.has("# comment"), false);
  assertEquals(parsePyvenvCfg(formatPyvenvCfg(cfg)), cfg);
});
