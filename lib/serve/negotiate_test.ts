import { assertEquals } from "../../tests/helpers/assert.ts";
import { SIMPLE_ACCEPT } from "../index/mod.ts";
import { negotiate, SIMPLE_HTML, SIMPLE_JSON, TEXT_HTML } from "./negotiate.ts";

Deno.test("negotiate: what pip, uv, gestvenv and browsers ask for (PEP 691)", () => {
  // pip 23+ and uv send JSON first, HTML as a fallback.
  const pip =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
  assertEquals(negotiate(pip, null), SIMPLE_JSON);
  assertEquals(negotiate(SIMPLE_ACCEPT, null), SIMPLE_JSON);
  assertEquals(negotiate("application/vnd.pypi.simple.latest+json", null), SIMPLE_JSON);
  assertEquals(negotiate("application/vnd.pypi.simple.v1+html", null), SIMPLE_HTML);
  assertEquals(negotiate("text/html,application/xhtml+xml,*/*;q=0.8", null), TEXT_HTML);
  assertEquals(negotiate("*/*", null), TEXT_HTML);
  assertEquals(negotiate(null, null), TEXT_HTML);
  assertEquals(negotiate("", null), TEXT_HTML);
  // Old pip: text/html only.
  assertEquals(negotiate("text/html", null), TEXT_HTML);
});

Deno.test("negotiate: q=0 excludes, nothing acceptable is null (406), format= wins", () => {
  assertEquals(negotiate("application/xml", null), null);
  assertEquals(negotiate("text/html;q=0, application/vnd.pypi.simple.v1+json;q=0", null), null);
  assertEquals(negotiate("*/*, text/html;q=0", null), SIMPLE_HTML);
  assertEquals(negotiate("text/html", SIMPLE_JSON), SIMPLE_JSON);
  // `+` in an unencoded query string arrives as a space.
  assertEquals(negotiate(null, "application/vnd.pypi.simple.v1 json"), SIMPLE_JSON);
  assertEquals(negotiate(null, "json"), SIMPLE_JSON);
  assertEquals(negotiate(null, "html"), TEXT_HTML);
  assertEquals(negotiate(null, "application/xml"), null);
});
