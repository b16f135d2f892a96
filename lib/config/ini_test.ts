import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { readIni } from "./ini.ts";
import { parseIni } from "./pip_config.ts";

Deno.test("readIni: configparser's rules; strict refuses unreadable lines, lenient skips them", () => {
  const text =
    "junk before\n[Metadata]  # note\nName = demo\nrequires =\n    a\n\n    b ; marker\n" +
    "not a pair\n[x]\nk: v\n";
  const ini = readIni(text);
  assertEquals([...ini.keys()], ["Metadata", "x"]);
  assertEquals(ini.get("Metadata")?.get("Name"), { value: "demo", line: 3 });
  // A blank line inside a value does not end it (configparser's empty_lines_in_values).
  assertEquals(ini.get("Metadata")?.get("requires")?.value, "\na\nb ; marker");
  assertEquals(ini.get("x")?.get("k")?.value, "v");
  assertThrows(() => readIni(text, { strict: true, file: "s.cfg" }), ConfigError, "s.cfg:1");
  assertThrows(
    () => readIni(text.replace("junk before\n", ""), { strict: true, file: "s.cfg" }),
    ConfigError,
    "s.cfg:7: cannot read `not a pair`",
  );
  // pip's view of the same reader: lower case, `_` read as `-`.
  assertEquals(parseIni("[GLOBAL]\nIndex_URL = u\n").get("global")?.get("index-url"), "u");
});
