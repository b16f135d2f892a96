import { assertEquals } from "../../tests/helpers/assert.ts";
import { licenseOf, parseCoreMetadata } from "./mod.ts";

const meta = (fields: string) =>
  parseCoreMetadata(`Metadata-Version: 2.4\nName: demo\nVersion: 1.0\n${fields}`);

Deno.test("licenseOf: PEP 639 License-Expression first", () => {
  assertEquals(
    licenseOf(meta("License-Expression: MIT OR Apache-2.0\nLicense: BSD\n")),
    { expression: "MIT OR Apache-2.0", source: "license-expression", text: null },
  );
});

Deno.test("licenseOf: a License field that is an SPDX id or a common spelling of one", () => {
  assertEquals(licenseOf(meta("License: Apache 2.0\n")).expression, "Apache-2.0");
  assertEquals(licenseOf(meta("License: BSD-3-Clause\n")).expression, "BSD-3-Clause");
  assertEquals(licenseOf(meta("License: LGPL-2.1-or-later\n")).expression, "LGPL-2.1-or-later");
  assertEquals(licenseOf(meta("License: mit license\n")).expression, "MIT");
});

Deno.test("licenseOf: unambiguous classifiers map; ambiguous ones and texts are never guessed", () => {
  assertEquals(
    licenseOf(meta("Classifier: License :: OSI Approved :: MIT License\n")),
    { expression: "MIT", source: "classifier", text: null },
  );
  assertEquals(
    licenseOf(meta("Classifier: License :: OSI Approved :: BSD License\n")),
    { expression: null, source: "classifier", text: "BSD License" },
  );
  assertEquals(
    licenseOf(
      meta(
        "License: Copyright (c) 2020 Someone\n        Permission is hereby granted\n" +
          "Classifier: License :: OSI Approved :: BSD License\n",
      ),
    ),
    { expression: null, source: "license", text: "Copyright (c) 2020 Someone" },
  );
  assertEquals(licenseOf(meta("License: BSD\n")), {
    expression: null,
    source: "license",
    text: "BSD",
  });
  assertEquals(licenseOf(meta("License: UNKNOWN\n")), {
    expression: null,
    source: null,
    text: null,
  });
  assertEquals(licenseOf(meta("")), { expression: null, source: null, text: null });
});
