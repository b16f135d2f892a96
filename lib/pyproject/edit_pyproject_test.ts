import { parse } from "smol-toml";
import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import {
  ConfigError,
  InvalidSyntaxError,
  PackageNotFoundError,
  UsageError,
} from "../errors/mod.ts";
import { addRequirement, mergeProject, removeRequirement } from "./edit_pyproject.ts";
import { parsePyproject } from "./pyproject.ts";

/** Python's own reader (tomllib, 3.11+): what the edited file means to pip, uv and build tools. */
async function tomllib(text: string): Promise<unknown> {
  const child = new Deno.Command("python3", {
    args: [
      "-c",
      "import json,sys,tomllib; print(json.dumps(tomllib.loads(sys.stdin.buffer.read().decode()), default=str))",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  assert(out.success, `tomllib rejected:\n${text}\n${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Both readers agree on the edited text, and the result is what `expected` says. */
async function readBack(text: string): Promise<Record<string, unknown>> {
  const python = await tomllib(text);
  const ours = JSON.parse(JSON.stringify(parse(text)));
  assertEquals(ours, python);
  return ours as Record<string, unknown>;
}

/** Every comment line of `before` is in `after`, byte for byte. */
function assertCommentsKept(before: string, after: string, except: string[] = []) {
  for (const line of before.split(/\r?\n/)) {
    const hash = line.indexOf("#");
    if (hash === -1) continue;
    const comment = line.slice(hash);
    if (except.some((e) => comment.includes(e))) continue;
    assert(after.includes(comment), `comment lost: ${comment}\n---\n${after}`);
  }
}

const SOURCE = `# Project file: keep this header.
[project]
name = 'demo'  # the name
version = "0.1.0"
dependencies = [
    "requests>=2",  # http
    # a full-line comment inside the list
    'click',
    "attrs; python_version < '3.12'",  # marker
]

# Tools below.
[tool.ruff]
line-length = 100  # wide
`;

Deno.test("addRequirement appends to [project] dependencies, keeping comments and layout", async () => {
  const out = addRequirement(SOURCE, "httpx>=0.27", {});
  assertCommentsKept(SOURCE, out);
  const data = await readBack(out);
  assertEquals((data.project as Record<string, unknown>).dependencies, [
    "requests>=2",
    "click",
    "attrs; python_version < '3.12'",
    "httpx>=0.27",
  ]);
  // Everything but the new line is unchanged, byte for byte.
  assertEquals(out.replace(`    "httpx>=0.27",\n`, ""), SOURCE);
});

Deno.test("addRequirement replaces the requirement of the same normalized name in place", async () => {
  const out = addRequirement(SOURCE, "Click>=8", {});
  assertCommentsKept(SOURCE, out);
  assertEquals(out, SOURCE.replace("'click',", "'Click>=8',"));
  const data = await readBack(out);
  assertEquals((data.project as Record<string, unknown>).dependencies, [
    "requests>=2",
    "Click>=8",
    "attrs; python_version < '3.12'",
  ]);
  // Adding what is already there changes nothing.
  assertEquals(addRequirement(SOURCE, "click", {}), SOURCE);
  // A requirement with quotes replacing a single-quoted item stays valid TOML.
  const quoted = addRequirement(SOURCE, "attrs>=23; python_version < '3.12'", {});
  assertEquals(
    ((await readBack(quoted)).project as Record<string, unknown>).dependencies,
    ["requests>=2", "click", "attrs>=23; python_version < '3.12'"],
  );
  // Another marker is another entry (uv add does the same).
  const other = addRequirement(SOURCE, "click; python_version < '3.13'", {});
  assertEquals(
    ((await readBack(other)).project as Record<string, unknown>).dependencies,
    ["requests>=2", "click", "attrs; python_version < '3.12'", "click; python_version < '3.13'"],
  );
});

Deno.test("addRequirement creates [dependency-groups] and [project.optional-dependencies]", async () => {
  const grouped = addRequirement(SOURCE, "pytest>=8", { group: "dev" });
  assertCommentsKept(SOURCE, grouped);
  // The new table goes before the `[tool.*]` tables (and their comment); the rest is as it was.
  const table = '[dependency-groups]\ndev = [\n    "pytest>=8",\n]\n\n';
  assertEquals(grouped.replace(table, ""), SOURCE);
  assert(grouped.includes(`]\n\n${table}# Tools below.\n[tool.ruff]`), grouped);
  assertEquals((await readBack(grouped))["dependency-groups"], { dev: ["pytest>=8"] });
  // The file must still be a valid project for our own reader.
  assertEquals(parsePyproject(grouped, "/p/pyproject.toml").groups.get("dev")?.entries.length, 1);

  const extra = addRequirement(SOURCE, "rich", { extra: "cli" });
  assertCommentsKept(SOURCE, extra);
  const data = await readBack(extra);
  assertEquals((data.project as Record<string, unknown>)["optional-dependencies"], {
    cli: ["rich"],
  });
  // A second group goes into the existing table, a second extra too.
  const two = addRequirement(grouped, "sphinx", { group: "docs" });
  assertEquals((await readBack(two))["dependency-groups"], {
    dev: ["pytest>=8"],
    docs: ["sphinx"],
  });
  const extra2 = addRequirement(extra, "click", { extra: "CLI" });
  assertEquals(
    ((await readBack(extra2)).project as Record<string, unknown>)["optional-dependencies"],
    { cli: ["rich", "click"] },
  );
});

Deno.test("addRequirement keeps CRLF line endings and single quotes", async () => {
  const crlf = SOURCE.replace(/\n/g, "\r\n");
  const out = addRequirement(crlf, "pytest", { group: "test" });
  assert(!/[^\r]\n/.test(out), `a bare LF was written:\n${JSON.stringify(out)}`);
  assertEquals(
    out.replace('[dependency-groups]\r\ntest = [\r\n    "pytest",\r\n]\r\n\r\n', ""),
    crlf,
  );
  const out2 = addRequirement(crlf, "six", {});
  assert(!/[^\r]\n/.test(out2), `a bare LF was written:\n${JSON.stringify(out2)}`);
  assert(out2.includes("'click',\r\n"), "single quotes kept");
  assertCommentsKept(crlf, out2);
  assertEquals(
    ((await readBack(out2)).project as Record<string, unknown>).dependencies,
    ["requests>=2", "click", "attrs; python_version < '3.12'", "six"],
  );
});

const GROUPS = `[project]
name = "demo"
version = "1"

[dependency-groups]
# test tools
Test = [
    "pytest>=8",  # runner
    "coverage",
]
dev = [
    {include-group = "test"},  # everything for tests
    "ruff",
]
`;

Deno.test("a group holding {include-group = …} tables: add and remove keep the include", async () => {
  const added = addRequirement(GROUPS, "mypy", { group: "dev" });
  assertCommentsKept(GROUPS, added);
  assertEquals((await readBack(added))["dependency-groups"], {
    Test: ["pytest>=8", "coverage"],
    dev: [{ "include-group": "test" }, "ruff", "mypy"],
  });
  // Group names match normalized (PEP 735): `test` is the `Test` group.
  const replaced = addRequirement(GROUPS, "pytest>=8.2", { group: "test" });
  assertEquals(replaced, GROUPS.replace('"pytest>=8",', '"pytest>=8.2",'));
  const { text, removed } = removeRequirement(GROUPS, "RUFF", { group: "dev" });
  assertEquals(removed, ["ruff"]);
  assertCommentsKept(GROUPS, text);
  assertEquals((await readBack(text))["dependency-groups"], {
    Test: ["pytest>=8", "coverage"],
    dev: [{ "include-group": "test" }],
  });
});

Deno.test("removeRequirement removes by normalized name and keeps the other comments", async () => {
  const { text, removed } = removeRequirement(SOURCE, "Requests", {});
  assertEquals(removed, ["requests>=2"]);
  assertCommentsKept(SOURCE, text, ["# http"]);
  assertEquals(text, SOURCE.replace('    "requests>=2",  # http\n', ""));
  assertEquals((await readBack(text)).project, {
    name: "demo",
    version: "0.1.0",
    dependencies: ["click", "attrs; python_version < '3.12'"],
  });
});

Deno.test("removeRequirement of an absent name is PackageNotFoundError; bad input is typed", () => {
  const e = assertThrows(() => removeRequirement(SOURCE, "numpy", {}), PackageNotFoundError);
  assertEquals((e as PackageNotFoundError).exitCode, 4);
  assertThrows(() => removeRequirement(SOURCE, "click", { group: "dev" }), PackageNotFoundError);
  assertThrows(() => addRequirement(SOURCE, "x", { group: "a", extra: "b" }), UsageError);
  assertThrows(() => addRequirement("[project\nname=1", "x", {}), ConfigError);
  assertThrows(() => addRequirement("[tool.x]\na = 1\n", "x", {}), ConfigError);
  assertThrows(() => addRequirement(SOURCE, "not a requirement!", {}), InvalidSyntaxError);
});

Deno.test("names like __proto__ and constructor are ordinary group names", async () => {
  const out = addRequirement(SOURCE, "a", { group: "__proto__" });
  const out2 = addRequirement(out, "b", { group: "constructor" });
  const out3 = addRequirement(out2, "c", { group: "__proto__" });
  assertEquals(
    (await readBack(out3))["dependency-groups"],
    JSON.parse('{"__proto__": ["a", "c"], "constructor": ["b"]}'),
  );
});

Deno.test("mergeProject adds what is missing, keeps comments, reports conflicts", async () => {
  const result = mergeProject(SOURCE, {
    project: {
      name: "demo",
      "requires-python": ">=3.9",
      dependencies: ["requests>=2.1", "six", "click"],
      "optional-dependencies": { cli: ["rich"] },
    },
    "dependency-groups": { dev: ["pytest", { "include-group": "docs" }], docs: ["sphinx"] },
    tool: { gestvenv: { index_url: "https://example.org/simple", scripts: { t: "pytest" } } },
  });
  assertCommentsKept(SOURCE, result.text);
  assertEquals(result.conflicts, [{
    key: "project.dependencies: requests",
    declared: "requests>=2",
    proposed: "requests>=2.1",
  }]);
  assertEquals(result.added, [
    "project.requires-python",
    "project.dependencies: six",
    "project.optional-dependencies",
    "dependency-groups",
    "tool.gestvenv",
  ]);
  const data = await readBack(result.text);
  assertEquals(data.project, {
    name: "demo",
    version: "0.1.0",
    dependencies: ["requests>=2", "click", "attrs; python_version < '3.12'", "six"],
    "requires-python": ">=3.9",
    "optional-dependencies": { cli: ["rich"] },
  });
  assertEquals(data["dependency-groups"], {
    dev: ["pytest", { "include-group": "docs" }],
    docs: ["sphinx"],
  });
  assertEquals(data.tool, {
    ruff: { "line-length": 100 },
    gestvenv: { index_url: "https://example.org/simple", scripts: { t: "pytest" } },
  });
  // `[tool.gestvenv]` is a section, never a dotted key at the top of the file.
  assert(result.text.startsWith("# Project file: keep this header.\n[project]"));
  assert(result.text.includes("\n[tool.gestvenv]\n"));
  parsePyproject(result.text, "/p/pyproject.toml");

  const forced = mergeProject(SOURCE, { project: { dependencies: ["requests>=2.1"] } }, {
    force: true,
  });
  assertEquals(forced.text, SOURCE.replace('"requests>=2",', '"requests>=2.1",'));
  // Merging the same data twice adds nothing the second time.
  const again = mergeProject(result.text, {
    project: { "requires-python": ">=3.9", dependencies: ["six"] },
  });
  assertEquals(again.text, result.text);
  assertEquals(again.added, []);
});

Deno.test("mergeProject: a scalar conflict keeps the file's value unless forced", async () => {
  const base = '[project]\nname = "demo"  # mine\nversion = "0.1.0"\n';
  const kept = mergeProject(base, { project: { name: "other", version: "0.1.0" } });
  assertEquals(kept.text, base);
  assertEquals(kept.conflicts, [{ key: "project.name", declared: "demo", proposed: "other" }]);
  const forced = mergeProject(base, { project: { name: "other" } }, { force: true });
  assertEquals(((await readBack(forced.text)).project as Record<string, unknown>).name, "other");
  assert(forced.text.includes("# mine"));
});

Deno.test("mergeProject into an empty text writes a new file in a fixed order", async () => {
  const { text } = mergeProject("", {
    project: {
      name: "demo",
      version: "0.1.0",
      authors: [{ name: "A. Person", email: "a@example.org" }],
      dependencies: ["a>=1", 'b; python_version < "3.12"'],
      scripts: { demo: "demo.cli:main" },
    },
    "dependency-groups": { dev: ["pytest", { "include-group": "test" }], test: ["c"] },
    tool: { gestvenv: { index_url: "https://example.org/simple", scripts: { t: "pytest" } } },
  });
  assertEquals(
    text,
    `[project]
name = "demo"
version = "0.1.0"
authors = [{ name = "A. Person", email = "a@example.org" }]
dependencies = [
    "a>=1",
    "b; python_version < \\"3.12\\"",
]

[project.scripts]
demo = "demo.cli:main"

[dependency-groups]
dev = [
    "pytest",
    { include-group = "test" },
]
test = [
    "c",
]

[tool.gestvenv]
index_url = "https://example.org/simple"

[tool.gestvenv.scripts]
t = "pytest"
`,
  );
  const data = await readBack(text);
  assertEquals((data.project as Record<string, unknown>).scripts, { demo: "demo.cli:main" });
  parsePyproject(text, "/p/pyproject.toml");
});

Deno.test("mergeProject refuses a file that is not TOML", () => {
  const e = assertThrows(() => mergeProject("[project\n", { project: { name: "x" } }), ConfigError);
  assertEquals((e as ConfigError).exitCode, 10);
});

Deno.test("mergeProject: new values in existing tables are written compactly", async () => {
  const base = '[project]\nname = "x"\nversion = "1"\ndependencies = [\n    "a",\n]\n\n' +
    '[tool.gestvenv]\nindex_url = "https://example.org/simple"\n';
  const { text } = mergeProject(base, {
    project: { keywords: ["k"] },
    tool: { gestvenv: { find_links: ["/w"] } },
  });
  assert(text.includes('keywords = ["k"]\n'), text);
  assert(text.includes('find_links = ["/w"]\n'), text);
  assertEquals((await readBack(text)).tool, {
    gestvenv: { index_url: "https://example.org/simple", find_links: ["/w"] },
  });
});

Deno.test("a [tool… line inside a multi-line string does not move where tables go", async () => {
  const tricky = '[project]\nname = "x"\nversion = "1"\ndescription = """\n[tool.fake]\n"""\n';
  const out = addRequirement(tricky, "pytest", { group: "dev" });
  assert(out.startsWith(tricky), out);
  const data = await readBack(out);
  assertEquals((data.project as Record<string, unknown>).description, "[tool.fake]\n");
  assertEquals(data["dependency-groups"], { dev: ["pytest"] });
});

Deno.test("mergeProject: readme and license tables join an existing [project] inline", async () => {
  const base = '[project]\nname = "demo"\nversion = "1"\n\n[tool.x]\na = 1\n';
  const { text } = mergeProject(base, {
    project: {
      readme: { file: "README.md", "content-type": "text/markdown" },
      license: { text: "Proprietary" },
      urls: { Home: "https://example.org" },
    },
  });
  assertEquals(
    text,
    '[project]\nname = "demo"\nversion = "1"\n' +
      'readme = {file = "README.md", content-type = "text/markdown"}\n' +
      'license = {text = "Proprietary"}\n\n[project.urls]\nHome = "https://example.org"\n\n' +
      "[tool.x]\na = 1\n",
  );
  assertEquals((await readBack(text)).project, {
    name: "demo",
    version: "1",
    readme: { file: "README.md", "content-type": "text/markdown" },
    license: { text: "Proprietary" },
    urls: { Home: "https://example.org" },
  });
});

Deno.test("requirements are keyed by name and marker: numpy<2 for old Pythons and numpy>=2 for new are two entries", async () => {
  const text = `[project]
name = "x"
version = "1"
dependencies = ['numpy<2; python_version < "3.9"']
`;
  const added = addRequirement(text, 'numpy>=2; python_version >= "3.9"', {});
  assertEquals((parse(added).project as { dependencies: string[] }).dependencies, [
    'numpy<2; python_version < "3.9"',
    'numpy>=2; python_version >= "3.9"',
  ]);
  // The same marker written differently is the same entry: replaced, not doubled.
  const replaced = addRequirement(added, "numpy<1.26 ; python_version<'3.9'", {});
  assertEquals((parse(replaced).project as { dependencies: string[] }).dependencies, [
    "numpy<1.26 ; python_version<'3.9'",
    'numpy>=2; python_version >= "3.9"',
  ]);
  const merged = mergeProject(text, {
    project: {
      dependencies: ['numpy>=2; python_version >= "3.9"', "NumPy < 2 ; python_version < '3.9'"],
    },
  });
  assertEquals(merged.conflicts, []);
  assertEquals((parse(merged.text).project as { dependencies: string[] }).dependencies, [
    'numpy<2; python_version < "3.9"',
    'numpy>=2; python_version >= "3.9"',
  ]);
  await tomllib(merged.text);
});

Deno.test("mergeProject: [build-system] is all or nothing, keys listed in dynamic are skipped", () => {
  const text = `[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "x"
dynamic = ["version", "dependencies"]
`;
  const result = mergeProject(text, {
    "build-system": { requires: ["setuptools>=61"], "build-backend": "setuptools.build_meta" },
    project: { version: "1.0", dependencies: ["flask"], description: "d" },
  });
  const doc = JSON.parse(JSON.stringify(parse(result.text))) as Record<
    string,
    Record<string, unknown>
  >;
  assertEquals(doc["build-system"], {
    requires: ["hatchling"],
    "build-backend": "hatchling.build",
  });
  assertEquals(doc.project, {
    name: "x",
    dynamic: ["version", "dependencies"],
    description: "d",
  });
  assertEquals(result.skipped.length, 3);
  assert(result.skipped[0]!.startsWith("[build-system] is kept as declared"), result.skipped[0]);
  assert(result.skipped[1]!.includes("[project] version is not written"), result.skipped[1]);
  // A file without [build-system] gets the whole table.
  const fresh = mergeProject('[project]\nname = "x"\nversion = "1"\n', {
    "build-system": { requires: ["setuptools>=61"], "build-backend": "setuptools.build_meta" },
  });
  assertEquals(JSON.parse(JSON.stringify(parse(fresh.text)))["build-system"], {
    requires: ["setuptools>=61"],
    "build-backend": "setuptools.build_meta",
  });
});

Deno.test("removeRequirement keeps a section comment above the removed item", async () => {
  const text = `[project]
name = "x"
version = "1"
dependencies = [
    # --- web stack ---
    "flask>=3",  # the app
    "jinja2",
    # --- data ---
    "numpy",
]
`;
  const flask = removeRequirement(text, "flask", {}).text;
  assertEquals(
    flask,
    text.replace('    "flask>=3",  # the app\n', ""),
  );
  const numpy = removeRequirement(text, "numpy", {}).text;
  assertEquals(numpy, text.replace('    "numpy",\n', ""));
  const crlf = removeRequirement(text.replaceAll("\n", "\r\n"), "flask", {}).text;
  assertEquals(crlf, flask.replaceAll("\n", "\r\n"));
  await tomllib(numpy);
});

Deno.test("mergeProject writes dates and DEL characters as valid TOML", async () => {
  const result = mergeProject("", {
    tool: { x: { when: new Date("2024-01-02T03:04:05Z"), text: "a\u007fb" } },
  });
  assertEquals(await tomllib(result.text), {
    tool: { x: { when: "2024-01-02 03:04:05+00:00", text: "a\u007fb" } },
  });
});
