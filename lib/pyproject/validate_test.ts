/**
 * A corpus of good and bad pyproject.toml files (examples from PEP 621, 639, 735 and 518 and from
 * validate-pyproject's documentation), each with the diagnostics it must give: severity, code and
 * path, exactly (nothing more, nothing less).
 */
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { validatePyproject } from "./mod.ts";

const BUILD = `
[build-system]
requires = ["hatchling>=1.26"]
build-backend = "hatchling.build"
`;

interface Case {
  name: string;
  toml: string;
  /** `severity code path` of every diagnostic, in file order. */
  expected: string[];
  suggest?: boolean;
  strict?: boolean;
}

const CASES: Case[] = [
  {
    name: "PEP 621 full example is valid",
    toml: `
[project]
name = "spam-eggs"
version = "2020.0.0"
dependencies = [
  "httpx",
  "gidgethub[httpx]>4.0.0",
  "django>2.1; os_name != 'nt'",
  "django>2.0; os_name == 'nt'",
]
requires-python = ">=3.8"
authors = [
  {name = "Pradyun Gedam", email = "pradyun@example.com"},
  {name = "Tzu-Ping Chung", email = "tzu-ping@example.com"},
  {name = "Another person"},
  {email = "different.person@example.com"},
]
maintainers = [{name = "Brett Cannon", email = "brett@example.com"}]
description = "Lovely Spam! Wonderful Spam!"
readme = "README.rst"
license = "MIT"
license-files = ["LICEN[CS]E.*"]
keywords = ["egg", "bacon", "sausage", "tomatoes", "Lobster Thermidor"]
classifiers = [
  "Development Status :: 4 - Beta",
  "Programming Language :: Python",
  "Programming Language :: Python :: 3.8",
  "Programming Language :: Python :: 3.12",
  "Programming Language :: Python :: 3 :: Only",
  "Private :: Do Not Upload",
]

[project.optional-dependencies]
gui = ["PyQt5"]
cli = ["rich", "click"]

[project.urls]
Homepage = "https://example.com"
Documentation = "https://readthedocs.org"

[project.scripts]
spam-cli = "spam:main_cli"

[project.gui-scripts]
spam-gui = "spam:main_gui"

[project.entry-points."spam.magical"]
tomatoes = "spam:main_tomatoes"
${BUILD}`,
    expected: [],
  },
  {
    name: "minimal project with dynamic version",
    toml: `[project]\nname = "demo"\ndynamic = ["version"]\n${BUILD}`,
    expected: [],
  },
  {
    name: "missing name",
    toml: `[project]\nversion = "1.0"\n${BUILD}`,
    expected: ["error missing-field project"],
  },
  {
    name: "missing version without dynamic",
    toml: `[project]\nname = "demo"\n${BUILD}`,
    expected: ["error missing-field project"],
  },
  {
    name: "name is dynamic",
    toml: `[project]\nname = "demo"\nversion = "1"\ndynamic = ["name"]\n${BUILD}`,
    expected: ["error dynamic-name project.dynamic[0]"],
  },
  {
    name: "version both static and dynamic",
    toml: `[project]\nname = "demo"\nversion = "1"\ndynamic = ["version"]\n${BUILD}`,
    expected: ["error dynamic-conflict project.version"],
  },
  {
    name: "unknown dynamic key",
    toml: `[project]\nname = "demo"\ndynamic = ["version", "colour"]\n${BUILD}`,
    expected: ["error unknown-key project.dynamic[1]"],
  },
  {
    name: "invalid name",
    toml: `[project]\nname = "-demo-"\nversion = "1.0"\n${BUILD}`,
    expected: ["error invalid-name project.name"],
  },
  {
    name: "name must be a string",
    toml: `[project]\nname = 42\nversion = "1.0"\n${BUILD}`,
    expected: ["error invalid-type project.name"],
  },
  {
    name: "invalid PEP 440 version",
    toml: `[project]\nname = "demo"\nversion = "one point oh"\n${BUILD}`,
    expected: ["error invalid-version project.version"],
  },
  {
    name: "unknown [project] key (validate-pyproject: additionalProperties)",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nhomepage = "https://x"\n${BUILD}`,
    expected: ["error unknown-key project.homepage"],
  },
  {
    name: "dependencies must be an array",
    toml: `[project]\nname = "demo"\nversion = "1.0"\ndependencies = "requests"\n${BUILD}`,
    expected: ["error invalid-type project.dependencies"],
  },
  {
    name: "invalid PEP 508 requirement",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\ndependencies = ["requests", "flask[security", "x ; python_version >"]\n${BUILD}`,
    expected: [
      "error invalid-requirement project.dependencies[1]",
      "error invalid-requirement project.dependencies[2]",
    ],
  },
  {
    name: "requirement list item is not a string",
    toml: `[project]\nname = "demo"\nversion = "1.0"\ndependencies = [1]\n${BUILD}`,
    expected: ["error invalid-type project.dependencies[0]"],
  },
  {
    name: "duplicate and conflicting requirements",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\ndependencies = ["requests>=2", "Requests>=2", "requests<3"]\n${BUILD}`,
    expected: [
      "warning duplicate-requirement project.dependencies[1]",
      "warning conflicting-requirement project.dependencies[2]",
    ],
  },
  {
    name: "same name under different markers is fine",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\ndependencies = ["tomli; python_version < '3.11'", "tomli>=2; python_version < '3.8'"]\n${BUILD}`,
    expected: [],
  },
  {
    name: "invalid optional-dependencies requirement and extra name",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\n[project.optional-dependencies]\n"-bad-" = ["pytest"]\ntest = ["pytest @"]\n${BUILD}`,
    expected: [
      "error invalid-extra project.optional-dependencies.-bad-",
      "error invalid-requirement project.optional-dependencies.test[0]",
    ],
  },
  {
    name: "invalid requires-python",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nrequires-python = ">=3.8,<>4"\n${BUILD}`,
    expected: ["error invalid-specifier project.requires-python"],
  },
  {
    name: "requires-python vs classifiers",
    toml: `[project]
name = "demo"
version = "1.0"
requires-python = ">=3.10"
classifiers = ["Programming Language :: Python :: 3.9", "Programming Language :: Python :: 3.10"]
${BUILD}`,
    expected: ["warning python-classifier-mismatch project.classifiers[0]"],
  },
  {
    name: "PEP 639 license expression with exception",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\nlicense = "GPL-3.0-or-later WITH Classpath-exception-2.0 OR (MIT AND Apache-2.0)"\n${BUILD}`,
    expected: [],
  },
  {
    name: "PEP 639 LicenseRef",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nlicense = "LicenseRef-Proprietary"\n${BUILD}`,
    expected: [],
  },
  {
    name: "invalid license expression",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nlicense = "MIT AND"\n${BUILD}`,
    expected: ["error license-expression project.license"],
  },
  {
    name: "license expression with unbalanced parenthesis",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nlicense = "(MIT OR Apache-2.0"\n${BUILD}`,
    expected: ["error license-expression project.license"],
  },
  {
    name: "unknown and mis-cased SPDX ids",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nlicense = "mit OR Frobnicate-1.0"\n${BUILD}`,
    expected: [
      "warning license-id-case project.license",
      "warning license-unknown-id project.license",
    ],
  },
  {
    name: "deprecated SPDX id",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nlicense = "GPL-3.0"\n${BUILD}`,
    expected: ["warning license-deprecated-id project.license"],
  },
  {
    name: "deprecated license table with suggestion",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nlicense = {text = "MIT"}\n${BUILD}`,
    expected: [
      "warning license-table-deprecated project.license",
      "suggestion suggest-license-expression project.license",
      "suggestion suggest-requires-python project",
      "suggestion suggest-readme project",
    ],
    suggest: true,
  },
  {
    name: "license table with both file and text",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\nlicense = {text = "MIT", file = "LICENSE"}\n${BUILD}`,
    expected: [
      "error invalid-license project.license",
      "warning license-table-deprecated project.license",
    ],
  },
  {
    name: "license classifier with a license expression (PEP 639)",
    toml: `[project]
name = "demo"
version = "1.0"
license = "MIT"
classifiers = ["License :: OSI Approved :: MIT License"]
${BUILD}`,
    expected: ["error license-classifier project.classifiers[0]"],
  },
  {
    name: "license-files outside the project",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nlicense-files = ["../LICENSE"]\n${BUILD}`,
    expected: ["error invalid-license-files project.license-files[0]"],
  },
  {
    name: "readme table needs content-type and one of file/text",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\nreadme = {file = "README.md", text = "x"}\n${BUILD}`,
    expected: [
      "error readme-file-or-text project.readme",
      "error missing-field project.readme",
    ],
  },
  {
    name: "readme with unknown extension",
    toml: `[project]\nname = "demo"\nversion = "1.0"\nreadme = "README"\n${BUILD}`,
    expected: ["warning readme-content-type project.readme"],
  },
  {
    name: "author with an unknown key and a bad email",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\nauthors = [{name = "A", mail = "a@b.c"}, {email = "not-an-email"}]\n${BUILD}`,
    expected: [
      "error unknown-key project.authors[0].mail",
      "error invalid-email project.authors[1].email",
    ],
  },
  {
    name: "console_scripts in entry-points",
    toml: `[project]
name = "demo"
version = "1.0"
[project.entry-points.console_scripts]
demo = "demo:main"
${BUILD}`,
    expected: ["error entry-point-group project.entry-points.console_scripts"],
  },
  {
    name: "bad script reference",
    toml:
      `[project]\nname = "demo"\nversion = "1.0"\n[project.scripts]\ndemo = "demo main()"\n${BUILD}`,
    expected: ["error invalid-entry-point project.scripts.demo"],
  },
  {
    name: "PEP 735 example with include-group is valid",
    toml: `[dependency-groups]
coverage = ["coverage[toml]"]
test = ["pytest>7", {include-group = "coverage"}]
${BUILD}`,
    expected: ["warning project-missing "],
  },
  {
    name: "PEP 735 cycle",
    toml: `[dependency-groups]
a = [{include-group = "b"}]
b = [{include-group = "c"}]
c = [{include-group = "A"}]
${BUILD}`,
    expected: ["warning project-missing ", "error group-cycle dependency-groups.c[0]"],
  },
  {
    name: "PEP 735 unknown include and bad item",
    toml: `[dependency-groups]
test = [{include-group = "missing"}, {include = "x"}, "pytest>=8,"]
${BUILD}`,
    expected: [
      "warning project-missing ",
      "error group-unknown-include dependency-groups.test[0]",
      "error invalid-group-item dependency-groups.test[1]",
      "error invalid-requirement dependency-groups.test[2]",
    ],
  },
  {
    name: "PEP 735 groups equal after normalization",
    toml: `[dependency-groups]\nTest = ["pytest"]\ntest = ["nose"]\n${BUILD}`,
    expected: ["warning project-missing ", "error duplicate-group dependency-groups.test"],
  },
  {
    name: "missing build-system is a warning; strict makes it an error",
    toml: `[project]\nname = "demo"\nversion = "1.0"\n`,
    expected: ["error build-system-missing "],
    strict: true,
  },
  {
    name: "build-system without requires, with an unknown key",
    toml: `[project]\nname = "demo"\nversion = "1.0"\n[build-system]\nbackend = "x"\n`,
    expected: [
      "error unknown-key build-system.backend",
      "error missing-field build-system",
    ],
  },
  {
    name: "invalid build requirement and unpinned one (suggest)",
    toml: `[project]
name = "demo"
version = "1.0"
requires-python = ">=3.9"
readme = "README.md"
[build-system]
requires = ["setuptools", "wheel>="]
build-backend = "setuptools.build_meta"
`,
    expected: [
      "error invalid-requirement build-system.requires[1]",
      "suggestion suggest-pin-build-requirement build-system.requires[0]",
    ],
    suggest: true,
  },
  {
    name:
      "schema only (validate-pyproject formats): classifier, url, import name, entry point name",
    toml: `[project]
name = "demo"
version = "1.0"
classifiers = ["bogus"]
urls = {Homepage = "not a url"}
import-names = ["1bad"]
[project.entry-points.group]
"bad name=" = "a:b"
${BUILD}`,
    expected: [
      "error schema project.classifiers[0]",
      "error schema project.urls.Homepage",
      "error schema project.import-names[0]",
      "error schema project.entry-points.group",
    ],
  },
  {
    name: "TOML syntax error",
    toml: `[project]\nname = "demo\n`,
    expected: ["error toml-syntax "],
  },
];

Deno.test(`validatePyproject(): a corpus of ${CASES.length} pyproject.toml files`, async (t) => {
  assert(CASES.length >= 30);
  for (const c of CASES) {
    await t.step(c.name, () => {
      const result = validatePyproject(c.toml, {
        suggest: c.suggest ?? false,
        strict: c.strict ?? false,
      });
      const got = result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`);
      // Suggestions come after positioned diagnostics when they have no position; compare as sets
      // per severity order of the file.
      assertEquals(
        got.toSorted(),
        c.expected.toSorted(),
        JSON.stringify(result.diagnostics, null, 2),
      );
      assertEquals(result.valid, !c.expected.some((e) => e.startsWith("error")));
    });
  }
});

Deno.test("validatePyproject(): positions point at the faulty element", () => {
  const text = `[project]
name = "demo"
version = "1.0"
dependencies = [
  "requests",  # a comment with "quotes" and [brackets]
  'flask[security',
]

[project.optional-dependencies]
test = ["pytest", "pytest @"]

[dependency-groups]
dev = [
  { include-group = "nope" },
]
${BUILD}`;
  const result = validatePyproject(text);
  const at = result.diagnostics.map((d) => [d.code, d.path, d.line, d.column]);
  assertEquals(at, [
    // 'flask[security' starts at column 3; the parser's column 15 is one past its end.
    ["invalid-requirement", "project.dependencies[1]", 6, 18],
    ["invalid-requirement", "project.optional-dependencies.test[1]", 10, 28],
    ["group-unknown-include", "dependency-groups.dev[0]", 14, 3],
  ]);
  assertEquals(result.valid, false);
});

Deno.test("validatePyproject(): a TOML syntax error carries the parser's line and column", () => {
  const result = validatePyproject(`[project]\nname = "demo"\nversion = = "1"\n`);
  assertEquals(result.diagnostics.length, 1);
  assertEquals(result.diagnostics[0]!.code, "toml-syntax");
  assertEquals(result.diagnostics[0]!.line, 3);
});

Deno.test("validatePyproject(): hostile input does not throw", () => {
  for (
    const text of [
      "",
      "project = 1",
      '[project]\nname = "__proto__"\nversion = "1"\n[project.urls]\nconstructor = "x"',
      '[project]\ndynamic = "version"',
      '[project]\nname = "a"\nversion = "1"\n[project.optional-dependencies]\n__proto__ = ["x"]',
      '[dependency-groups]\nconstructor = [{include-group = "constructor"}]',
      "[build-system]\nrequires = [[]]",
      '[project]\nname = "a"\nversion = "1"\nlicense = ""',
      '[project]\nname = "a"\nversion = "1"\nreadme = 3\nlicense = 4\nauthors = ["x"]',
    ]
  ) {
    const result = validatePyproject(text);
    assert(Array.isArray(result.diagnostics), text);
  }
  assertEquals(
    validatePyproject('[dependency-groups]\nconstructor = [{include-group = "constructor"}]')
      .diagnostics.map((d) => d.code).filter((c) => c === "group-cycle"),
    ["group-cycle"],
  );
});

Deno.test("the generated schema validator loads nothing from Ajv and no CommonJS", async () => {
  const source = await Deno.readTextFile(
    new URL("./project_schema_validator.generated.ts", import.meta.url),
  );
  const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  assertEquals(imports, ["./validate_formats.ts"]);
  assert(!source.includes("require("), "no require() (Deno has none in ES modules)");
  assert(!/export default/.test(source), "no default export (layout rule)");
});
