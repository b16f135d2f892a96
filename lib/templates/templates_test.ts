import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../tests/helpers/assert.ts";
import { ConfigError, InterruptedError, OperationError, UsageError } from "../errors/mod.ts";
import { type HomeLayout, resolveHome } from "../paths/mod.ts";
import {
  generateProject,
  matchesGlob,
  packageNameFor,
  parseTemplateManifest,
  renderTemplate,
  resolveTemplate,
  templateValues,
  tomlString,
  writeProject,
} from "./mod.ts";

const decoder = new TextDecoder();

/** A temp gestvenv home with user templates written from `templates` (name → path → text). */
async function homeWith(
  templates: Record<string, Record<string, string>>,
): Promise<{ home: HomeLayout; root: string } & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "gestvenv-templates-" });
  for (const [name, files] of Object.entries(templates)) {
    for (const [path, text] of Object.entries(files)) {
      const full = join(root, "templates", name, path);
      await Deno.mkdir(join(full, ".."), { recursive: true });
      await Deno.writeTextFile(full, text);
    }
  }
  const home = resolveHome((k) => (k === "GESTVENV_HOME" ? root : Deno.env.get(k)));
  return {
    home,
    root,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }).catch(() => {}),
  };
}

const text = (files: { path: string; content: Uint8Array }[], path: string) =>
  decoder.decode(files.find((f) => f.path === path)?.content);

Deno.test("parseTemplateManifest() reads every key and refuses unknown keys and bad values", async () => {
  const m = await parseTemplateManifest(
    `description = "d"
base = "basic"
groups = ["dev", "test"]
verbatim = ["**/*.html"]
skip = ["Dockerfile"]
[variables.framework]
default = "flask"
prompt = "Which?"
choices = ["flask", "django"]
[variables.constructor]
default = true
[when]
"app/db.py" = "framework == 'flask'"
"docs/" = "constructor"
`,
    "t.toml",
  );
  assertEquals(m.base, "basic");
  assertEquals(m.groups, ["dev", "test"]);
  assertEquals(m.verbatim, ["**/*.html"]);
  assertEquals(m.skip, ["Dockerfile"]);
  assertEquals(m.variables.get("framework"), {
    default: "flask",
    prompt: "Which?",
    choices: ["flask", "django"],
  });
  assertEquals(m.variables.get("constructor"), { default: true });
  assertEquals([...m.when.keys()], ["app/db.py", "docs/"]);
  await assertRejects(
    () => parseTemplateManifest("descripton = 'x'", "t.toml"),
    ConfigError,
    "unknown key `descripton`",
  );
  await assertRejects(
    () => parseTemplateManifest("[variables.a]\ndefault = 'x'\nchoices = ['y']", "t.toml"),
    ConfigError,
    "not one of its choices",
  );
  await assertRejects(
    () => parseTemplateManifest("[variables.1a]\n", "t.toml"),
    ConfigError,
    "not an identifier",
  );
  await assertRejects(
    () => parseTemplateManifest("groups = 'dev'", "t.toml"),
    ConfigError,
    "list of strings",
  );
  await assertRejects(
    () => parseTemplateManifest("= broken", "t.toml"),
    ConfigError,
    "not valid TOML",
  );
});

Deno.test("matchesGlob(): *, ** and directory prefixes", () => {
  assert(matchesGlob("a.html", "**/*.html"));
  assert(matchesGlob("x/y/a.html", "**/*.html"));
  assert(!matchesGlob("x/a.htm", "**/*.html"));
  assert(matchesGlob("templates/a/b.txt", "templates/"));
  assert(!matchesGlob("x/a.html", "*.html"));
  assert(matchesGlob("a.py", "?.py"));
  assert(!matchesGlob("a+py", "a.py"));
});

Deno.test("packageNameFor(): the PEP 503-normalized name with - and . as _", () => {
  assertEquals(packageNameFor("My.Demo-App"), "my_demo_app");
  assertEquals(packageNameFor("a__b--c"), "a_b_c");
});

Deno.test("tomlString() escapes quotes, backslashes and control characters", () => {
  assertEquals(tomlString('a "b" \\ c\nd\u0001'), '"a \\"b\\" \\\\ c\\nd\\u0001"');
});

Deno.test("templateValues(): defaults, flags, --var, derived package_name, and refusals", async () => {
  await using h = await homeWith({});
  const basic = await resolveTemplate("basic", h.home);
  const v = templateValues(basic, {
    projectName: "Demo.App",
    given: new Map<string, string | boolean>([["author", "Ada"], ["docker", true]]),
    vars: ["version=1.2.0", "description=x=y"],
    defaults: { email: "ada@example.com", pythonVersion: "3.12", year: 2030 },
  });
  assertEquals(Object.getPrototypeOf(v), null);
  assertEquals(
    [v.project_name, v.package_name, v.author, v.email, v.version, v.description],
    ["Demo.App", "demo_app", "Ada", "ada@example.com", "1.2.0", "x=y"],
  );
  assertEquals([v.python_version, v.year, v.license, v.docker], ["3.12", "2030", "MIT", true]);
  assertEquals(templateValues(basic, { projectName: "x", vars: ["docker=no"] }).docker, false);
  const fails: Array<[Parameters<typeof templateValues>[1], string]> = [
    [{ projectName: "-bad" }, "not a valid project name"],
    [{ projectName: "1abc" }, "not a Python identifier"],
    [{ projectName: "class" }, "not a Python identifier"],
    [{ projectName: "ok", vars: ["package_name=import"] }, "not a Python identifier"],
    [{ projectName: "ok", vars: ["autor=x"] }, "has no variable `autor`"],
    [{ projectName: "ok", vars: ["docker=maybe"] }, "is a switch"],
    [{ projectName: "ok", vars: ["novalue"] }, "is not KEY=VALUE"],
    [
      { projectName: "ok", given: new Map([["python_version", "3"]]) },
      "python_version must be X.Y",
    ],
    [{ projectName: "ok", vars: ["version=one"] }, "version must be a release number"],
  ];
  for (const [input, message] of fails) {
    const error = assertThrows(() => templateValues(basic, input), UsageError, message);
    assert(error.message.length > 0);
  }
  const typo = assertThrows(
    () => templateValues(basic, { projectName: "ok", vars: ["autor=x"] }),
    UsageError,
  ) as UsageError;
  assertStringIncludes(typo.hint ?? "", "`author`");
});

Deno.test("a user template extends a base: files merged by path, skip, when, verbatim, choices", async () => {
  await using h = await homeWith({
    mine: {
      "template.toml": `description = "mine"
base = "basic"
groups = ["dev"]
verbatim = ["page.html"]
skip = [".dockerignore"]
[variables.flavour]
default = "plain"
choices = ["plain", "fancy"]
[when]
"fancy/" = "flavour == 'fancy'"
`,
      "files/README.md": "# {{ project_name }} ({{ flavour }})\n",
      "files/page.html": "{{ not_rendered }}\n",
      "files/fancy/{{ package_name }}.txt": "{{ package_name | upcase }}\n",
    },
  });
  const resolved = await resolveTemplate("mine", h.home);
  assertEquals(resolved.chain.map((t) => t.name), ["basic", "mine"]);
  assertEquals(resolved.groups, ["dev"]);
  const paths = resolved.files.map((f) => f.path);
  assert(!paths.includes(".dockerignore"), "skip removes the base's file");
  assert(paths.includes("pyproject.toml"), "the base's files come along");
  assertEquals(resolved.files.find((f) => f.path === "README.md")?.from, "mine");
  const plain = await renderTemplate(resolved, templateValues(resolved, { projectName: "demo" }));
  assertEquals(text(plain, "README.md"), "# demo (plain)\n");
  assertEquals(text(plain, "page.html"), "{{ not_rendered }}\n");
  assert(!plain.some((f) => f.path.startsWith("fancy/")));
  assert(!plain.some((f) => f.path === "Dockerfile"), "the base's [when] applies");
  const fancy = await renderTemplate(
    resolved,
    templateValues(resolved, { projectName: "demo", vars: ["flavour=fancy", "docker=true"] }),
  );
  assertEquals(text(fancy, "fancy/demo.txt"), "DEMO\n");
  assertStringIncludes(text(fancy, "Dockerfile"), "FROM python:3.11-slim");
  assertThrows(
    () => templateValues(resolved, { projectName: "demo", vars: ["flavour=odd"] }),
    UsageError,
    "must be one of plain, fancy",
  );
});

Deno.test("rendering errors name the file; unsafe rendered paths are refused; empty ones skipped", async () => {
  await using h = await homeWith({
    typo: {
      "template.toml": 'description = "typo"',
      "files/a.txt": "line one\n{{ nme }}\n",
    },
    include: {
      "template.toml": 'description = "include"',
      "files/a.txt": "{% include '/etc/passwd' %}",
    },
    escape: {
      "template.toml": '[variables.where]\ndefault = ".."',
      "files/{{ where }}/evil.txt": "x",
    },
    empty: {
      "template.toml": '[variables.maybe]\ndefault = ""',
      "files/{{ maybe }}x/kept.txt": "kept",
      "files/{{ maybe }}/dropped.txt": "dropped",
    },
    loop: { "template.toml": 'base = "loop2"' },
    loop2: { "template.toml": 'base = "loop"' },
    badwhen: { "template.toml": '[when]\n"missing.txt" = "docker"' },
  });
  const render = async (name: string) => {
    const t = await resolveTemplate(name, h.home);
    return await renderTemplate(t, templateValues(t, { projectName: "demo" }));
  };
  const typo = await assertRejects(() => render("typo"), ConfigError, "files/a.txt");
  assertStringIncludes(typo.message, "undefined variable: nme, line:2");
  await assertRejects(() => render("include"), ConfigError, "files/a.txt");
  await assertRejects(() => render("escape"), ConfigError, "leaves the project");
  assertEquals((await render("empty")).map((f) => f.path), ["x/kept.txt"]);
  await assertRejects(() => render("loop"), ConfigError, "extends itself: loop → loop2 → loop");
  await assertRejects(() => render("badwhen"), ConfigError, "`missing.txt`, which is no file");
  const unknown = await assertRejects(
    () => resolveTemplate("basik", h.home),
    UsageError,
    "No template `basik`",
  );
  assertStringIncludes((unknown as UsageError).hint ?? "", "`basic`");
});

Deno.test("generateProject() refuses a pyproject.toml that validate rejects (a bad --license)", async () => {
  await using h = await homeWith({});
  const error = await assertRejects(
    () =>
      generateProject("basic", h.home, {
        projectName: "demo",
        given: new Map([["license", "Apache 2"]]),
      }),
    ConfigError,
    "invalid pyproject.toml",
  );
  assertStringIncludes((error as ConfigError).details ?? "", "license");
});

Deno.test("writeProject(): staging then rename; refuses a non-empty target; an interrupted write leaves nothing", async () => {
  await using h = await homeWith({});
  const project = await generateProject("basic", h.home, { projectName: "demo" });
  const parent = join(h.root, "work");
  const target = join(parent, "demo");
  const written = await writeProject(target, project.files);
  assertEquals(written.files, project.files.length);
  assertStringIncludes(await Deno.readTextFile(join(target, "src/demo/__init__.py")), '"0.1.0"');
  assertEquals(
    (await Array.fromAsync(Deno.readDir(parent))).map((e) => e.name),
    ["demo"],
    "no staging left",
  );
  await assertRejects(() => writeProject(target, project.files), OperationError, "not empty");
  await Deno.writeTextFile(join(parent, "file"), "x");
  await assertRejects(
    () => writeProject(join(parent, "file"), project.files),
    OperationError,
    "not a directory",
  );
  await Deno.mkdir(join(parent, "empty"));
  await writeProject(join(parent, "empty"), project.files);
  assert(
    (await Deno.stat(join(parent, "empty", "pyproject.toml"))).isFile,
    "an empty directory is filled",
  );
  const controller = new AbortController();
  controller.abort("SIGINT");
  await assertRejects(
    () => writeProject(join(parent, "stopped"), project.files, controller.signal),
    InterruptedError,
  );
  assertEquals(
    (await Array.fromAsync(Deno.readDir(parent))).map((e) => e.name).sort(),
    ["demo", "empty", "file"],
    "neither the project nor its staging directory is left",
  );
  const clash = [
    { path: "a", content: new Uint8Array(), executable: false, from: "t", verbatim: false },
    { path: "a/b", content: new Uint8Array(), executable: false, from: "t", verbatim: false },
  ];
  await assertRejects(
    () => writeProject(join(parent, "clash"), clash),
    OperationError,
    "both a file a",
  );
});

Deno.test("binary files are copied byte for byte, executable files stay executable", async () => {
  await using h = await homeWith({
    bin: {
      "template.toml": 'description = "binary"',
      "files/run.sh": "#!/bin/sh\necho {{ project_name }}\n",
    },
  });
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x7b, 0x7b]);
  await Deno.writeFile(join(h.root, "templates", "bin", "files", "logo.png"), bytes);
  await Deno.chmod(join(h.root, "templates", "bin", "files", "run.sh"), 0o755);
  const project = await generateProject("bin", h.home, { projectName: "demo" });
  const dir = join(h.root, "out");
  await writeProject(dir, project.files);
  assertEquals(await Deno.readFile(join(dir, "logo.png")), bytes);
  assertEquals(project.files.find((f) => f.path === "logo.png")?.verbatim, true);
  assertEquals(await Deno.readTextFile(join(dir, "run.sh")), "#!/bin/sh\necho demo\n");
  assertEquals(((await Deno.stat(join(dir, "run.sh"))).mode ?? 0) & 0o111, 0o111);
  assertEquals(((await Deno.stat(join(dir, "logo.png"))).mode ?? 0) & 0o111, 0);
});

Deno.test("a flag for a variable the template does not use is a warning", async () => {
  await using h = await homeWith({});
  const project = await generateProject("basic", h.home, {
    projectName: "demo",
    given: new Map([["framework", "flask"]]),
  });
  assertEquals(project.warnings, [
    "Template `basic` does not use `framework`: --framework changes nothing",
  ]);
});
