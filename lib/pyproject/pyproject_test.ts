import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { parsePyproject } from "./pyproject.ts";
import { projectRequirements } from "./project_requirements.ts";

const FILE = "/src/demo/pyproject.toml";

const PROJECT = `
[project]
name = "demo"
version = "1.0"
requires-python = ">=3.9"
dependencies = ["requests>=2", "attrs"]

[project.optional-dependencies]
Fast = ["orjson"]

[dependency-groups]
Test = ["pytest", "attrs"]
dev = [{include-group = "test"}, "ruff"]
docs = ["sphinx"]
`;

function configMessage(fn: () => unknown): string {
  const error = assertThrows(fn, ConfigError) as ConfigError;
  assertEquals(error.exitCode, 10);
  return error.message;
}

Deno.test("parsePyproject reads [project] (PEP 621) and the project root", () => {
  const p = parsePyproject(PROJECT, FILE);
  assertEquals(p.root, "/src/demo");
  assertEquals(p.project?.name, "demo");
  assertEquals(p.project?.version, "1.0");
  assertEquals(p.project?.requiresPythonText, ">=3.9");
  assertEquals(p.project?.dependencies.map((d) => d.requirement.name), ["requests", "attrs"]);
  assertEquals([...p.project!.optionalDependencies.keys()], ["fast"]);
  assertEquals([...p.groups.keys()], ["test", "dev", "docs"]);
});

Deno.test("projectRequirements: dependencies, extras, groups with include-group, each once", () => {
  const p = parsePyproject(PROJECT, FILE);
  assertEquals(projectRequirements(p).requirements, ["requests>=2", "attrs"]);
  const chosen = projectRequirements(p, { groups: ["DEV"], extras: ["fast"] });
  assertEquals(chosen.requirements, ["requests>=2", "attrs", "orjson", "pytest", "ruff"]);
  assertEquals(chosen.groups, ["dev"]);
  assertEquals(
    projectRequirements(p, { allGroups: true }).requirements,
    ["requests>=2", "attrs", "pytest", "ruff", "sphinx"],
  );
});

Deno.test("a dynamic version is accepted; a missing one is a config error", () => {
  const p = parsePyproject('[project]\nname = "x"\ndynamic = ["version"]\n', FILE);
  assertEquals(p.project?.version, null);
  const message = configMessage(() => parsePyproject('[project]\nname = "x"\n', FILE));
  assertEquals(
    message,
    `${FILE}: \`project.version\` is missing and not listed in \`project.dynamic\``,
  );
});

Deno.test("a file with only [dependency-groups] has no project", () => {
  const p = parsePyproject('[dependency-groups]\ntest = ["pytest"]\n', FILE);
  assertEquals(p.project, null);
  assertEquals(projectRequirements(p, { groups: ["test"] }).requirements, ["pytest"]);
  configMessage(() => projectRequirements(p, { extras: ["x"] }));
});

Deno.test("hostile input: bad TOML, bad types, bad requirements are config errors naming the file", () => {
  const cases = [
    "[project\nname=1",
    "project = 3",
    '[project]\nname = "x"\nversion = "1"\ndependencies = "requests"',
    '[project]\nname = "x"\nversion = "1"\ndependencies = ["requests >>> 2"]',
    '[project]\nname = "x"\nversion = "1"\nrequires-python = "three"',
    '[dependency-groups]\ntest = [{include-group = "a", extra = 1}]',
    "[dependency-groups]\ntest = [3]",
    "[dependency-groups]\nTest = []\ntest = []",
  ];
  for (const text of cases) {
    const message = configMessage(() => parsePyproject(text, FILE));
    assertEquals(message.startsWith(FILE), true, message);
  }
});

Deno.test("group include cycles and unknown includes or groups are named clearly", () => {
  const cycle = parsePyproject(
    '[dependency-groups]\na = [{include-group = "b"}]\nb = ["x", {include-group = "A"}]\n',
    FILE,
  );
  assertEquals(
    configMessage(() => projectRequirements(cycle, { groups: ["a"] })),
    `${FILE}: dependency groups include each other in a cycle: a -> b -> a`,
  );
  const unknown = parsePyproject('[dependency-groups]\ndev = [{include-group = "lint"}]\n', FILE);
  assertEquals(
    configMessage(() => projectRequirements(unknown)),
    `${FILE}: dependency group \`dev\` includes unknown group \`lint\` (groups: dev)`,
  );
  const p = parsePyproject(PROJECT, FILE);
  assertEquals(
    configMessage(() => projectRequirements(p, { groups: ["lint"] })),
    `${FILE}: no dependency group \`lint\` (groups: Test, dev, docs)`,
  );
  assertEquals(
    configMessage(() => projectRequirements(p, { extras: ["slow"] })),
    `${FILE}: no extra \`slow\` in \`[project.optional-dependencies]\` (extras: fast)`,
  );
});
