/**
 * Project templates (issue 10 §4): every built-in template renders into a project whose
 * pyproject.toml `validate` accepts, whose Python compiles and which holds no Liquid left over;
 * `create-from-template` validates names before writing, refuses a non-empty target, creates the
 * environment from the generated pyproject.toml (on the local index), and user templates work
 * (`template create|list|info|remove`, `base`, `--from`).
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { writeLocalProject } from "../helpers/local_project.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";
import { ERASE, hasScript, inTerminal } from "../helpers/in_terminal.ts";
import { resolveHome } from "../../lib/paths/mod.ts";
import { validatePyproject } from "../../lib/pyproject/mod.ts";
import {
  builtinTemplates,
  renderTemplate,
  resolveTemplate,
  templateValues,
  writeProject,
} from "../../lib/templates/mod.ts";

const decoder = new TextDecoder();
/** Whether the machine's python3 has pytest (to run a generated project's own tests). */
const hasPytest = await new Deno.Command("python3", {
  args: ["-c", "import pytest"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success, () => false);
const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

/** Every file under `dir`, relative, sorted. */
async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(rel === "" ? dir : join(dir, rel))) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listFiles(dir, path));
    else out.push(path);
  }
  return out.sort();
}

/** The variants a template is rendered with: defaults, every choice, every switch on. */
function variants(
  variables: ReadonlyMap<string, { default: string | boolean; choices?: readonly string[] }>,
): string[][] {
  const out: string[][] = [[]];
  for (const [name, spec] of variables) {
    for (const choice of spec.choices ?? []) {
      if (choice !== spec.default) out.push([`${name}=${choice}`]);
    }
  }
  const switches = [...variables].filter(([, spec]) => typeof spec.default === "boolean")
    .map(([name]) => `${name}=true`);
  out.push([
    "docker=true",
    ...switches,
    `author=Ada "The Countess" O'Lovelace \\ Byron`,
    "email=ada@example.com",
    'description=Say "hi" \\ bye',
  ]);
  return out;
}

Deno.test("every built-in template renders, with each choice and switch: valid pyproject.toml, Python that compiles, no Liquid left", async () => {
  const root = await Deno.makeTempDir({ prefix: "gestvenv-builtins-" });
  try {
    const home = resolveHome((k) => (k === "GESTVENV_HOME" ? join(root, "home") : Deno.env.get(k)));
    const builtins = await builtinTemplates();
    const names = builtins.map((t) => t.name);
    for (const required of ["basic", "cli", "data-science"]) {
      assert(names.includes(required), `built-in ${required} is missing`);
    }
    const pyFiles: string[] = [];
    let n = 0;
    for (const { name } of builtins) {
      const resolved = await resolveTemplate(name, home);
      assert(resolved.template.manifest.description !== "", `${name} has no description`);
      for (const vars of variants(resolved.variables)) {
        const what = `${name} ${vars.join(" ")}`;
        const values = templateValues(resolved, { projectName: "Demo.Project-x", vars });
        const files = await renderTemplate(resolved, values);
        const paths = files.map((f) => f.path);
        for (const required of ["pyproject.toml", "README.md", ".gitignore"]) {
          assert(paths.includes(required), `${what}: no ${required}`);
        }
        assert(paths.some((p) => p.startsWith("tests/")), `${what}: no tests/`);
        if (vars.includes("docker=true")) {
          assert(paths.includes("Dockerfile"), `${what}: no Dockerfile`);
        } else assert(!paths.includes("Dockerfile"), `${what}: a Dockerfile without docker`);
        const pyproject = decoder.decode(files.find((f) => f.path === "pyproject.toml")!.content);
        const errors = validatePyproject(pyproject).diagnostics.filter((d) =>
          d.severity === "error"
        );
        assertEquals(errors, [], `${what}: validate finds errors`);
        assertStringIncludes(pyproject, "[dependency-groups]", `${what}: no PEP 735 groups`);
        assert(/^dev = \[[^\]]*"pytest/m.test(pyproject), `${what}: the dev group lacks pytest`);
        for (const f of files) {
          // Verbatim files are copied as they are; a file that writes Liquid-looking text on
          // purpose (Jinja) uses {% raw %}.
          const source = resolved.files.find((r) => r.path === f.source)?.file.text ?? "";
          if (f.verbatim || /\{%-?\s*raw\s*-?%\}/.test(source)) continue;
          assert(!/\{\{|\{%/.test(decoder.decode(f.content)), `${what}: ${f.path} holds Liquid`);
        }
        const dir = join(root, `out-${n++}`);
        await writeProject(dir, files);
        pyFiles.push(...paths.filter((p) => p.endsWith(".py")).map((p) => join(dir, p)));
        for (const f of files.filter((f) => f.path.endsWith(".ipynb"))) {
          JSON.parse(decoder.decode(f.content));
        }
      }
    }
    const compiled = await new Deno.Command("python3", {
      args: ["-m", "py_compile", ...pyFiles],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(compiled.code, 0, decoder.decode(compiled.stderr));
    assert(pyFiles.length >= 20, `only ${pyFiles.length} Python files compiled`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the embedded templates module is what gen-templates writes from templates/projects/", async () => {
  const script = new URL("../../scripts/gen_templates.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-run", script, "--check"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, decoder.decode(out.stderr));
  assertStringIncludes(decoder.decode(out.stderr), "up to date");
});

Deno.test("gen-templates embeds only the template's files: not what running its tests in place leaves (git-ignored, or without git the usual caches)", async () => {
  const script = new URL("../../scripts/gen_templates.ts", import.meta.url).pathname;
  const root = await Deno.makeTempDir({ prefix: "gestvenv-gen-templates-" });
  try {
    const files = join(root, "templates", "projects", "t", "files");
    await Deno.mkdir(join(files, "tests", "__pycache__"), { recursive: true });
    await Deno.mkdir(join(files, ".pytest_cache"), { recursive: true });
    await Deno.writeTextFile(
      join(root, "templates", "projects", "t", "template.toml"),
      'description = "t"\n',
    );
    await Deno.writeTextFile(join(files, "tests", "test_a.py"), "def test_a():\n    pass\n");
    await Deno.writeTextFile(join(files, "tests", "__pycache__", "test_a.cpython-311.pyc"), "junk");
    await Deno.writeTextFile(join(files, ".pytest_cache", "README.md"), "junk");
    await Deno.writeTextFile(join(files, "notes.tmp"), "ignored by the repository");
    const generated = join(root, "templates", "projects.generated.ts");
    const generate = async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-write", "--allow-run", script, "--root", root],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(out.code, 0, decoder.decode(out.stderr));
      const { BUILTIN_PROJECT_TEMPLATES } = await import(`file://${generated}?${Math.random()}`);
      return BUILTIN_PROJECT_TEMPLATES[0].files.map((f: { path: string }) => f.path);
    };
    // Without git: the usual junk is left out, the rest is embedded.
    assertEquals(await generate(), ["notes.tmp", "tests/test_a.py"]);
    // In a git repository: what git lists (its .gitignore ignores *.tmp and the caches).
    await Deno.writeTextFile(join(root, ".gitignore"), "*.tmp\n__pycache__/\n.pytest_cache/\n");
    const init = await new Deno.Command("git", { args: ["-C", root, "init", "-q"] }).output();
    assert(init.success, "git init");
    assertEquals(await generate(), ["tests/test_a.py"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("create-from-template basic --no-env writes the project; its own tests pass", async (t) => {
  await using ctx = await createTestContext([]);
  const result = await ctx.run([
    "create-from-template",
    "basic",
    "Mon.Projet",
    "--no-env",
    "--author",
    "Ada Lovelace",
    "--email",
    "ada@example.com",
    "--description",
    "Un projet",
  ]);
  assertOk(result);
  await assertSnapshot(t, filterText(result.stderr, [[ctx.work, "<WORK>"]]));
  const dir = join(ctx.work, "Mon.Projet");
  assertEquals(await listFiles(dir), [
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "src/mon_projet/__init__.py",
    "src/mon_projet/core.py",
    "tests/test_core.py",
  ]);
  const pyproject = await Deno.readTextFile(join(dir, "pyproject.toml"));
  assertStringIncludes(pyproject, 'name = "Mon.Projet"');
  assertStringIncludes(pyproject, '{ name = "Ada Lovelace", email = "ada@example.com" }');
  assertStringIncludes(pyproject, `requires-python = ">=`);
  const validated = await ctx.run(["validate", join(dir, "pyproject.toml")]);
  assertOk(validated);
  assertEquals((await ctx.registry().catch(() => ({ environments: {} }))).environments, {});
  await t.step({
    name: hasPytest
      ? "its own tests pass (python3 -m pytest, pythonpath = src)"
      : "its own tests (SKIPPED: this python3 has no pytest; the network test runs them)",
    ignore: !hasPytest,
    async fn() {
      const tests = await new Deno.Command("python3", {
        args: ["-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(tests.code, 0, decoder.decode(tests.stdout) + decoder.decode(tests.stderr));
      assertStringIncludes(decoder.decode(tests.stdout), "5 passed");
    },
  });
});

Deno.test("create-from-template makes the environment from the generated pyproject.toml: dependencies, groups, the project editable", async () => {
  await using ctx = await createTestContext();
  // A project whose build backend lives in the project (no index needed to build it), made
  // into a user template by `template create --from`: its name becomes {{ project_name }}.
  const source = join(ctx.work, "tplproj");
  await writeLocalProject(source, {
    name: "tplproj",
    metadata: "Requires-Dist: demo-pkg\n",
    pyproject: `[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]

[project]
name = "tplproj"
version = "0.1.0"
dependencies = ["demo-pkg"]

[dependency-groups]
dev = ["other-pkg"]
`,
    module: "ANSWER = 42\nNAME = 'tplproj'\n",
  });
  await Deno.mkdir(join(source, ".venv", "lib"), { recursive: true });
  await Deno.writeTextFile(join(source, ".venv", "lib", "junk.py"), "x = 1\n");
  const config = join(ctx.work, "config.toml");
  await Deno.writeTextFile(config, 'groups = ["dev"]\ndescription = "from tplproj"\n');
  const created = await ctx.run([
    "template",
    "create",
    "hermetic",
    "--from",
    source,
    "--config",
    config,
  ]);
  assertOk(created);
  const tdir = join(ctx.home, "templates", "hermetic");
  assertEquals(await listFiles(join(tdir, "files")), [
    "backend.py",
    "pyproject.toml",
    "{{ package_name }}/__init__.py",
  ], ".venv is left out, the package folder named by a variable");
  assertStringIncludes(
    await Deno.readTextFile(join(tdir, "files", "pyproject.toml")),
    'name = "{{ project_name }}"',
  );
  const made = await ctx.run(["create-from-template", "hermetic", "proj-one"]);
  assertOk(made);
  assertStringIncludes(made.stderr, "gestvenv run proj-one pytest");
  const dir = join(ctx.work, "proj-one");
  assertStringIncludes(
    await Deno.readTextFile(join(dir, "proj_one", "__init__.py")),
    "NAME = 'proj_one'",
  );
  const record = (await ctx.registry()).environments["proj-one"]!;
  const names = record.packages.map((p) => p.name.toLowerCase().replace(/_/g, "-")).sort();
  for (const name of ["demo-dep", "demo-pkg", "other-pkg", "proj-one"]) {
    assert(names.includes(name), `${name} is not installed: ${names.join(", ")}`);
  }
  assertEquals((record as unknown as { project: unknown }).project, {
    path: dir,
    groups: ["dev"],
    extras: [],
    installed: true,
  });
  const python = join(ctx.envPath("proj-one"), "bin", "python");
  const imported = await ctx.exec(python, ["-c", "import proj_one; print(proj_one.ANSWER)"]);
  assertOk(imported);
  assertEquals(imported.stdout.trim(), "42");
  // Editable: an edit shows without reinstalling.
  await Deno.writeTextFile(join(dir, "proj_one", "__init__.py"), "ANSWER = 43\n");
  const edited = await ctx.exec(python, ["-c", "import proj_one; print(proj_one.ANSWER)"]);
  assertEquals(edited.stdout.trim(), "43");
});

Deno.test("create-from-template validates names and values and refuses a busy target before writing anything", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "taken"]));
  await Deno.mkdir(join(ctx.work, "busy"));
  await Deno.writeTextFile(join(ctx.work, "busy", "keep.txt"), "mine");
  const cases: Array<[string[], number]> = [
    [["basic", "bad-"], 2],
    [["basic", "class"], 2],
    [["basic", "1abc"], 2],
    [["basik", "demo"], 2],
    [["basic", "demo", "--var", "autor=Ada"], 2],
    [["cli", "demo", "--var", "cli_framework=argparse"], 2],
    [["basic", "demo", "--python-version", "3"], 2],
    [["basic", "demo", "--license", "Apache 2"], 10],
    [["basic", "busy"], 1],
    [["basic", "taken"], 1],
  ];
  for (const [args, code] of cases) {
    const result = await ctx.run(["create-from-template", ...args]);
    assertEquals(result.code, code, `${args.join(" ")}: ${result.stderr}`);
    await assertSnapshot(
      t,
      `$ gestvenv create-from-template ${args.join(" ")}\n` +
        filterText(result.stderr, [[ctx.work, "<WORK>"]]),
    );
  }
  assertEquals(await listFiles(ctx.work), ["busy/keep.txt"], "nothing was written");
  assertEquals(Object.keys((await ctx.registry()).environments), ["taken"]);
});

Deno.test("create-from-template --dry-run lists the files and the environment, writes nothing, not even under a fresh home", async () => {
  await using ctx = await createTestContext([]);
  const home = () => listFiles(ctx.home).catch(() => []);
  const before = await home();
  const result = await ctx.run(["create-from-template", "cli", "tool", "--dry-run", "--docker"]);
  assertOk(result);
  assertEquals(await home(), before, "a fresh home stays as it was (no interpreter probe cache)");
  const listed = result.stdout.trim().split("\n").map((l) => l.trim());
  assert(listed.includes("src/tool/cli.py") && listed.includes("Dockerfile"), result.stdout);
  assertStringIncludes(result.stderr, "Would create environment `tool`");
  assertEquals(await listFiles(ctx.work), []);
  assertEquals(await exists(join(ctx.home, "environments.json")), false);
});

Deno.test("a crash between staging and the rename leaves no project; a re-run cleans up and writes it", async () => {
  await using ctx = await createTestContext([]);
  const crashed = await ctx.run(["create-from-template", "basic", "demo", "--no-env"], {
    env: { GESTVENV_FAILPOINT: "template.after-staging:exit" },
  });
  assert(crashed.code !== 0, "the failpoint did not fire");
  assertEquals(await exists(join(ctx.work, "demo")), false);
  const left = (await Array.fromAsync(Deno.readDir(ctx.work))).map((e) => e.name).sort();
  assertEquals(left.length, 2, `the staging directory and its lock: ${left}`);
  assert(left.every((n) => n.startsWith(".demo.gestvenv-staging-")), left.join(", "));
  assertOk(await ctx.run(["create-from-template", "basic", "demo", "--no-env"]));
  assert(await exists(join(ctx.work, "demo", "pyproject.toml")));
  assertEquals(
    (await Array.fromAsync(Deno.readDir(ctx.work))).map((e) => e.name),
    ["demo"],
    "the re-run removed what the killed one left",
  );
});

Deno.test("user templates: create with a base and a config, list, info, use, remove; built-ins stay", async (t) => {
  await using ctx = await createTestContext([]);
  const config = join(ctx.work, "custom-config.json");
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      description: "Basic, with a service name",
      variables: {
        service: { default: "api", prompt: "Service name", choices: ["api", "worker"] },
      },
    }),
  );
  assertOk(
    await ctx.run(["template", "create", "mon-template", "--base", "basic", "--config", config]),
  );
  const tdir = join(ctx.home, "templates", "mon-template");
  await Deno.mkdir(join(tdir, "files"), { recursive: true });
  await Deno.writeTextFile(
    join(tdir, "files", "SERVICE.md"),
    "{{ project_name }} runs as {{ service }}\n",
  );
  await Deno.writeTextFile(join(tdir, "files", "README.md"), "# {{ project_name }} (mine)\n");

  const list = await ctx.run(["template", "list", "--format", "json"]);
  assertOk(list);
  const rows = JSON.parse(list.stdout).data as Array<
    { name: string; source: string; base: string | null }
  >;
  assertEquals(rows.find((r) => r.name === "mon-template"), {
    ...rows.find((r) => r.name === "mon-template")!,
    source: "user",
    base: "basic",
  });
  assertEquals(rows.find((r) => r.name === "basic")?.source, "built-in");

  const info = await ctx.run(["template", "info", "mon-template", "--json"]);
  assertOk(info);
  const data = JSON.parse(info.stdout).data;
  assertEquals(data.bases, ["basic"]);
  assertEquals(data.groups, ["dev"]);
  assertEquals(
    data.variables.find((v: { name: string }) => v.name === "service"),
    {
      name: "service",
      default: "api",
      choices: ["api", "worker"],
      prompt: "Service name",
      standard: false,
    },
  );
  const readme = data.files.find((f: { path: string }) => f.path === "README.md");
  assertEquals(readme.from, "mon-template");

  assertOk(
    await ctx.run([
      "create-from-template",
      "mon-template",
      "svc",
      "--no-env",
      "--var",
      "service=worker",
    ]),
  );
  assertEquals(
    await Deno.readTextFile(join(ctx.work, "svc", "SERVICE.md")),
    "svc runs as worker\n",
  );
  assertEquals(await Deno.readTextFile(join(ctx.work, "svc", "README.md")), "# svc (mine)\n");
  assert(
    await exists(join(ctx.work, "svc", "src", "svc", "core.py")),
    "the base's files are there",
  );

  const again = await ctx.run(["template", "create", "mon-template", "--base", "basic"]);
  assertEquals(again.code, 2);
  const builtin = await ctx.run(["template", "remove", "basic"]);
  assertEquals(builtin.code, 2);
  const unknown = await ctx.run(["template", "remove", "mon-templat"]);
  assertEquals(unknown.code, 2);
  const nothing = await ctx.run(["template", "create", "empty"]);
  assertEquals(nothing.code, 2);
  await assertSnapshot(
    t,
    [again, builtin, unknown, nothing].map((r) => r.stderr).join("\n---\n"),
  );
  const unconfirmed = await ctx.run(["template", "remove", "mon-template"]);
  assertEquals(unconfirmed.code, 2, unconfirmed.stderr);
  assertStringIncludes(unconfirmed.stderr, "without confirmation");
  assert(await exists(tdir), "no terminal and no --yes: nothing removed");
  if (hasScript) {
    const remove = (answer: string) =>
      inTerminal(ctx.env, ctx.work, ["template", "remove", "mon-template"], [
        ["Remove template `mon-template`", answer],
      ]);
    const no = await remove("n\r");
    assertEquals(no.code, 0, no.screen);
    assertStringIncludes(no.screen, "Nothing removed");
    assert(await exists(tdir), "answered no: kept");
    const yes = await remove("y\r");
    assertEquals(yes.code, 0, yes.screen);
    assertEquals(await exists(tdir), false, "answered yes: removed");
    assertOk(await ctx.run(["template", "create", "mon-template", "--base", "basic"]));
  }
  assertOk(await ctx.run(["template", "remove", "mon-template", "--yes"]));
  assertEquals(await exists(tdir), false);
  assertEquals(await listFiles(join(ctx.home, "templates")), []);
});

Deno.test("create-from-template --interactive: asks on a terminal (each answer checked as given, a bad one asked again), uses the defaults without one", async (t) => {
  await using ctx = await createTestContext([]);
  const plain = await ctx.run([
    "create-from-template",
    "cli",
    "plain",
    "--interactive",
    "--no-env",
  ]);
  assertOk(plain);
  assertStringIncludes(plain.stderr, "No terminal to ask on: --interactive uses the defaults");
  assertStringIncludes(
    await Deno.readTextFile(join(ctx.work, "plain", "pyproject.toml")),
    '"click>=8.1"',
  );
  await t.step({
    name: hasScript
      ? "on a terminal (script(1))"
      : "on a terminal (SKIPPED: no script(1) to give it a terminal)",
    ignore: !hasScript,
    async fn() {
      const { code, screen } = await inTerminal(
        ctx.env,
        ctx.work,
        ["create-from-template", "cli", "asked", "--interactive", "--no-env", "--author", "Ada"],
        [
          ["One-line description", "My tool\r"],
          ["Author email", `${ERASE}ada@example.com\r`],
          ["License", `${ERASE}Apache 2\r`],
          // Refused as it is given, and asked again.
          ["not a valid SPDX license expression", `${ERASE}MIT\r`],
          ["Lowest Python version", `${ERASE}3\r`],
          ["must be X.Y", `${ERASE}3.10\r`],
          ["Add a Dockerfile", "y"],
          ["CLI library", "\x1b[B\r"], // down to typer
        ],
      );
      assertEquals(code, 0, screen);
      assertStringIncludes(screen, 'python_version must be X.Y (e.g. 3.11), not "3"');
      const pyproject = await Deno.readTextFile(join(ctx.work, "asked", "pyproject.toml"));
      assertStringIncludes(pyproject, 'description = "My tool"');
      assertStringIncludes(pyproject, '{ name = "Ada", email = "ada@example.com" }');
      assertStringIncludes(pyproject, '"typer>=0.12"');
      assertStringIncludes(pyproject, 'license = "MIT"');
      assertStringIncludes(pyproject, 'requires-python = ">=3.10"');
      assert(await exists(join(ctx.work, "asked", "Dockerfile")), "docker answered yes");
    },
  });
});

Deno.test("a place that cannot be read or written gives a typed error naming it, in text and as a JSON error document", async (t) => {
  await using ctx = await createTestContext([]);
  // Below a file, and in /proc: no directory can be made there, even by root.
  await Deno.writeTextFile(join(ctx.work, "afile"), "");
  const into = (dir: string, ...more: string[]) =>
    ctx.run(["create-from-template", "basic", "x", "--no-env", "-o", dir, ...more]);
  const text = await into("afile/sub/x");
  assertEquals(text.code, 1, text.stderr);
  assertStringIncludes(text.stderr, "hint:");
  await assertSnapshot(t, filterText(text.stderr, [[ctx.work, "<WORK>"]]));
  const json = await into("/proc/gv/x", "--format", "json");
  assertEquals(json.code, 1, json.stderr);
  const doc = JSON.parse(json.stdout);
  assertEquals(doc.status, "error");
  assertEquals(doc.errors[0].code, "file_error");
  assertStringIncludes(doc.errors[0].message, "/proc/gv");
  assert(doc.errors[0].hint.length > 0);

  await Deno.writeTextFile(join(ctx.home, "templates"), "not a folder");
  for (const args of [["template", "list"], ["template", "remove", "mine", "--yes"]]) {
    const listed = await ctx.run(args);
    assertEquals(listed.code, 1, listed.stderr);
    await assertSnapshot(t, filterText(listed.stderr, [[ctx.home, "<HOME>"]]));
  }
});

Deno.test("template create --from leaves out .env files (not examples) and says so; in a git repository only what git lists", async (t) => {
  await using ctx = await createTestContext([]);
  const write = async (dir: string, files: Record<string, string>) => {
    for (const [path, body] of Object.entries(files)) {
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, path), body);
    }
  };
  const project = {
    "app.py": "print('app')\n",
    ".env": "SECRET_KEY=hunter2\n",
    ".env.local": "TOKEN=abc\n",
    "conf/.env.production": "DB_PASSWORD=x\n",
    ".env.example": "SECRET_KEY=\n",
    ".env.sample": "TOKEN=\n",
  };
  const plain = join(ctx.work, "plain");
  await write(plain, project);
  const made = await ctx.run(["template", "create", "plain-t", "--from", plain]);
  assertOk(made);
  assertEquals(await listFiles(join(ctx.home, "templates", "plain-t", "files")), [
    ".env.example",
    ".env.sample",
    "app.py",
  ]);
  await assertSnapshot(t, filterText(made.stderr, [[ctx.work, "<WORK>"], [ctx.home, "<HOME>"]]));
  const json = await ctx.run(["template", "create", "j", "--from", plain, "--dry-run", "--json"]);
  assertOk(json);
  const data = JSON.parse(json.stdout).data;
  assertEquals(data.left_out_secrets, [".env", ".env.local", "conf/.env.production"]);
  assertEquals(data.git_listed, false);

  const repo = join(ctx.work, "repo");
  await write(repo, {
    ...project,
    ".gitignore": "*.log\nlocal-data/\n",
    "run.log": "noise\n",
    "local-data/big.csv": "1,2\n",
    "src/mod.py": "X = 1\n",
    "gone.py": "deleted after git add\n",
  });
  const git = async (...args: string[]) => {
    const out = await ctx.exec("git", ["-C", repo, ...args]);
    assertOk(out);
  };
  await git("init", "-q");
  await git("add", "app.py", "gone.py");
  await Deno.remove(join(repo, "gone.py"));
  const fromGit = await ctx.run(["template", "create", "git-t", "--from", repo, "--json"]);
  assertOk(fromGit);
  assertEquals(JSON.parse(fromGit.stdout).data.git_listed, true);
  assertEquals(await listFiles(join(ctx.home, "templates", "git-t", "files")), [
    ".env.example",
    ".env.sample",
    ".gitignore",
    "app.py",
    "src/mod.py",
  ], "tracked and untracked-not-ignored files; no .git, no ignored file, no deleted file");
  // A folder the repository around it ignores whole: git lists nothing, every file is copied.
  await Deno.writeTextFile(join(repo, ".gitignore"), "*.log\nlocal-data/\nignored-project/\n");
  await write(join(repo, "ignored-project"), { "main.py": "print(1)\n", ".env": "S=1\n" });
  assertOk(
    await ctx.run(["template", "create", "ign-t", "--from", join(repo, "ignored-project")]),
  );
  assertEquals(await listFiles(join(ctx.home, "templates", "ign-t", "files")), ["main.py"]);
});

Deno.test("create-from-template takes author and email from git as asked where the project goes: a repository's own config counts", async () => {
  await using ctx = await createTestContext([]);
  const repo = join(ctx.work, "work-repo");
  await Deno.mkdir(repo);
  const setup = [
    ["init", "-q"],
    ["config", "user.name", "Repo Person"],
    ["config", "user.email", "repo@example.com"],
  ];
  for (const args of setup) assertOk(await ctx.exec("git", ["-C", repo, ...args]));
  // Run from elsewhere: the project's place decides (its nearest existing folder, in the repo).
  assertOk(
    await ctx.run([
      "create-from-template",
      "basic",
      "inside",
      "-o",
      `${repo}/sub/inside`,
      "--no-env",
    ]),
  );
  assertStringIncludes(
    await Deno.readTextFile(join(repo, "sub", "inside", "pyproject.toml")),
    '{ name = "Repo Person", email = "repo@example.com" }',
  );
});
