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

Deno.test("licenseOf: ids are checked against the SPDX License List; what is not on it stays text", () => {
  for (
    const field of ["GPL-2", "BSD-like", "Dual-licensed", "Apache-2", "LGPL-2+", "Proprietary-1"]
  ) {
    assertEquals(
      licenseOf(meta(`License: ${field}\n`)),
      { expression: null, source: "license", text: field },
      field,
    );
  }
  // Real ids, in any case, are written as the list spells them; `+`, WITH, parentheses.
  assertEquals(licenseOf(meta("License: gpl-2.0-or-later\n")).expression, "GPL-2.0-or-later");
  assertEquals(
    licenseOf(meta("License: (MIT OR Apache-2.0) AND GPL-2.0+ WITH Classpath-exception-2.0\n"))
      .expression,
    "(MIT OR Apache-2.0) AND GPL-2.0+ WITH Classpath-exception-2.0",
  );
  assertEquals(licenseOf(meta("License: LicenseRef-Acme-1.0\n")).expression, "LicenseRef-Acme-1.0");
});

Deno.test("licenseOf: an invalid License-Expression is kept as text with a note", () => {
  for (const bad of ["MIT and GPL junk", "MIT OR", "(MIT", "BSD-like", "MIT WITH"]) {
    const info = licenseOf(meta(`License-Expression: ${bad}\n`));
    assertEquals([info.expression, info.source, info.text], [null, "license-expression", bad], bad);
    assertEquals(typeof info.note, "string");
  }
  assertEquals(
    licenseOf(meta("License-Expression: LicenseRef-Company-EULA OR mit\n")),
    { expression: "LicenseRef-Company-EULA OR MIT", source: "license-expression", text: null },
  );
});
