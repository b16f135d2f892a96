import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { parseConfigValue, validateConfig } from "./config_schema.ts";

Deno.test("parseConfigValue() splits lists and checks choices", async () => {
  assertEquals(parseConfigValue("extra_index_urls", "a, b  c"), ["a", "b", "c"]);
  assertEquals(parseConfigValue("backend", "uv"), "uv");
  await assertRejects(
    () => Promise.resolve().then(() => parseConfigValue("backend", "conda")),
    ConfigError,
    "Invalid value",
  );
  await assertRejects(
    () => Promise.resolve().then(() => parseConfigValue("nope", "1")),
    ConfigError,
    "Unknown configuration key",
  );
});

Deno.test("validateConfig() keeps unknown keys and rejects wrong types", async () => {
  assertEquals(validateConfig({ backend: "pip", future_key: 1 }, "f").unknown, ["future_key"]);
  await assertRejects(
    () => Promise.resolve().then(() => validateConfig({ find_links: "x" }, "f")),
    ConfigError,
    "find_links",
  );
});
