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

Deno.test("timeouts are seconds: `config set` stores a number, the file may hold a number or text", async () => {
  assertEquals(parseConfigValue("http_read_timeout", "45"), 45);
  assertEquals(parseConfigValue("http_connect_timeout", "2.5"), 2.5);
  await assertRejects(
    () => Promise.resolve().then(() => parseConfigValue("http_read_timeout", "never")),
    ConfigError,
    "Invalid timeout `never`",
  );
  assertEquals(
    validateConfig({ http_read_timeout: 60, http_connect_timeout: "10" }, "f").unknown,
    [],
  );
  await assertRejects(
    () => Promise.resolve().then(() => validateConfig({ http_read_timeout: [1] }, "f")),
    ConfigError,
    "`http_read_timeout` of f",
  );
});
