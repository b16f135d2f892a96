import { assertEquals } from "../../tests/helpers/assert.ts";
import { isValidProjectName, normalizeName } from "./name.ts";

Deno.test("normalizeName() follows PEP 503", () => {
  for (
    const [raw, expected] of [
      ["Flask_SQLAlchemy", "flask-sqlalchemy"],
      ["zope.interface", "zope-interface"],
      ["a--_.b", "a-b"],
      ["PyYAML", "pyyaml"],
    ]
  ) {
    assertEquals(normalizeName(raw!), expected);
  }
});

Deno.test("isValidProjectName() accepts PEP 508 names only", () => {
  assertEquals(["requests", "a", "zope.interface", "x_y-z9"].map(isValidProjectName), [
    true,
    true,
    true,
    true,
  ]);
  assertEquals(["-a", "a-", "", "a b", "ünï"].map(isValidProjectName), [
    false,
    false,
    false,
    false,
    false,
  ]);
});
