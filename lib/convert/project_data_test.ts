import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { mergeProject, validatePyproject } from "../pyproject/mod.ts";
import type { Conversion } from "./conversion.ts";
import { missingRequirements } from "./missing_requirements.ts";
import { conversionData, hasProjectTable, newProjectData } from "./project_data.ts";
import { parseSetupCfg } from "./setup_cfg_ini.ts";

const CONVERSION: Conversion = {
  kind: "requirements",
  source: "/p/requirements.txt",
  files: ["/p/requirements.txt"],
  data: {
    project: { dependencies: ["a>=1"] },
    "dependency-groups": { dev: ["pytest"] },
    tool: { gestvenv: { index_url: "https://example.org/simple" } },
  },
  projectDefaults: { name: "p", version: "0.1.0" },
  warnings: [],
};

Deno.test("newProjectData: identity first, then the converted dependencies and tables", () => {
  const data = newProjectData({
    name: "demo",
    version: "1.0",
    description: "A demo",
    author: { name: "Ada", email: "ada@example.org" },
    license: "MIT",
    requiresPython: ">=3.10",
    readme: "README.md",
  }, CONVERSION);
  assertEquals(Object.keys(data.project!), [
    "name",
    "version",
    "description",
    "readme",
    "requires-python",
    "license",
    "authors",
    "dependencies",
  ]);
  assertEquals(data.project!.authors, [{ name: "Ada", email: "ada@example.org" }]);
  assertEquals(data["dependency-groups"], { dev: ["pytest"] });
  const text = mergeProject("", data).text;
  assertEquals(validatePyproject(text).diagnostics.filter((d) => d.severity === "error"), []);
  // Empty answers are left out, and a project always has a dependencies list.
  assertEquals(newProjectData({ name: "x", version: "1", description: "", license: "" }).project, {
    name: "x",
    version: "1",
    dependencies: [],
  });
});

Deno.test("conversionData: the made-up name and version only when the target has no [project]", () => {
  assertEquals(conversionData(CONVERSION, "").project, {
    name: "p",
    version: "0.1.0",
    dependencies: ["a>=1"],
  });
  assertEquals(conversionData(CONVERSION, "[tool.x]\na = 1\n").project?.name, "p");
  const declared = '[project]\nname = "mine"\nversion = "2"\n';
  assertEquals(hasProjectTable(declared), true);
  assertEquals(conversionData(CONVERSION, declared).project, { dependencies: ["a>=1"] });
  assertEquals(mergeProject(declared, conversionData(CONVERSION, declared)).conflicts, []);
});

const PYPROJECT = `[project]
name = "My_App"
version = "1"
dependencies = ["flask>=3"]

[project.optional-dependencies]
fast = ["orjson"]

[dependency-groups]
dev = ["pytest", {include-group = "lint"}]
lint = ["ruff"]
`;

Deno.test("missingRequirements: undeclared top-level distributions, never the project or pip", () => {
  const topLevel = [
    { name: "Flask", version: "3.0.3" },
    { name: "orjson", version: "3.10.0" },
    { name: "pytest", version: "8.2.0" },
    { name: "ruff", version: "0.5.0" },
    { name: "my-app", version: "1" },
    { name: "pip", version: "24.0" },
    { name: "setuptools", version: "70.0" },
    { name: "requests", version: "2.32.3" },
    { name: "Rich", version: "13.7.1" },
    { name: "httpx", version: "0.27.0" },
  ];
  assertEquals(
    missingRequirements(PYPROJECT, "/p/pyproject.toml", topLevel, [
      "httpx[http2]",
      'rich<14; python_version >= "3.8"',
      "-e /p",
    ]),
    ["httpx[http2]>=0.27.0", "requests>=2.32.3", 'rich<14; python_version >= "3.8"'],
  );
  assertEquals(missingRequirements(PYPROJECT, "/p/pyproject.toml", [], []), []);
  assertThrows(
    () => missingRequirements("[dependency-groups]\na = []\n", "/p/pyproject.toml", [], []),
    ConfigError,
  );
});

Deno.test("parseSetupCfg: continuation lines, comments, case kept, DEFAULT values", () => {
  const ini = parseSetupCfg(
    [
      "; a comment",
      "[DEFAULT]",
      "root = src",
      "[options]",
      "install_requires =",
      "    a>=1",
      "    # a comment inside the value",
      "",
      "    b; python_version < '3.9'",
      "Package_Dir = %(root)s",
      "[Options.Entry_Points]",
      "console_scripts = x = y:z",
    ].join("\r\n"),
    "/p/setup.cfg",
  );
  assertEquals(
    ini.get("options")?.get("install_requires")?.value,
    "a>=1\nb; python_version < '3.9'",
  );
  assertEquals(ini.get("options")?.get("Package_Dir")?.value, "src");
  assertEquals(ini.get("Options.Entry_Points")?.get("console_scripts")?.value, "x = y:z");
  assertThrows(() => parseSetupCfg("[a]\nnot a key value\n", "/p/setup.cfg"), ConfigError);
});
