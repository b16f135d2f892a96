import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { licenseSatisfies, parseLicenseExpression } from "./license_expression.ts";

Deno.test("parseLicenseExpression(): AND binds tighter than OR, parentheses, WITH, malformed is null", () => {
  assertEquals(parseLicenseExpression("MIT OR GPL-3.0-only AND Apache-2.0"), {
    kind: "or",
    left: { kind: "id", id: "MIT", exception: null },
    right: {
      kind: "and",
      left: { kind: "id", id: "GPL-3.0-only", exception: null },
      right: { kind: "id", id: "Apache-2.0", exception: null },
    },
  });
  assertEquals(parseLicenseExpression("(MIT OR BSD-3-Clause) AND Apache-2.0")?.kind, "and");
  assertEquals(parseLicenseExpression("GPL-2.0-or-later WITH Classpath-exception-2.0"), {
    kind: "id",
    id: "GPL-2.0-or-later",
    exception: "Classpath-exception-2.0",
  });
  for (const bad of ["", "MIT OR", "(MIT", "MIT)", "AND MIT", "MIT WITH", "BSD License"]) {
    assertEquals(parseLicenseExpression(bad), null, bad);
  }
});

Deno.test("licenseSatisfies(): OR passes on either side, AND needs both, blocked wins, case-insensitive", () => {
  const mit = { allowed: ["MIT", "Apache-2.0"], blocked: [] };
  assert(licenseSatisfies("MIT", mit));
  assert(licenseSatisfies("mit", mit));
  assert(licenseSatisfies("GPL-3.0-only OR MIT", mit));
  assert(!licenseSatisfies("GPL-3.0-only AND MIT", mit));
  assert(licenseSatisfies("(GPL-3.0-only OR MIT) AND Apache-2.0", mit));
  assert(!licenseSatisfies("GPL-3.0-only", mit));
  assert(licenseSatisfies("Apache-2.0 WITH LLVM-exception", mit), "judged as its licence");
  const blocked = { allowed: null, blocked: ["GPL-3.0-only"] };
  assert(!licenseSatisfies("GPL-3.0-only", blocked));
  assert(licenseSatisfies("GPL-3.0-only OR MIT", blocked), "the user may choose MIT");
  assert(!licenseSatisfies("GPL-3.0-only AND MIT", blocked));
  assert(!licenseSatisfies("not an expression", { allowed: null, blocked: [] }));
});
