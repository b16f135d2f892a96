/**
 * The built-in web templates (`fastapi`, `flask`, `django`, and `web` with each `--framework`),
 * rendered through the real CLI (`create-from-template … --no-env`, no network): the files each
 * promises are there and the other frameworks' are not, no Liquid syntax leaks into a rendered
 * file while verbatim files (Jinja2/Django templates, Alembic's Mako template) are byte-identical
 * to their source, the generated pyproject.toml passes `gestvenv validate` with no error and
 * carries a `dev` group with pytest, and every generated `.py` file compiles with `python3`.
 *
 * Their own test suites run against the real PyPI in `templates_web_network_test.ts`.
 */
import { join, relative } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

const PROJECTS = new URL("../../templates/projects/", import.meta.url).pathname;

interface Case {
  /** The template. */
  template: string;
  /** `--framework`, for `web`. */
  framework?: string;
  /** Extra flags. */
  flags?: string[];
  /** Files (rendered paths, with `PKG` for the package) that must be written. */
  present: string[];
  /** Files that must not be written. */
  absent: string[];
  /** Rendered path (with `PKG`) → source path under files/ of files copied verbatim. */
  verbatim: Record<string, string>;
  /** Test files of the generated project's own suite. */
  tests: string[];
  /** Requirements (names) the project depends on. */
  dependencies: string[];
  /** Requirements (names) of the `dev` group. */
  dev: string[];
}

const SRC = "src/{{ package_name }}";

const CASES: Case[] = [
  {
    template: "fastapi",
    flags: ["--docker"],
    present: [
      "Dockerfile",
      ".dockerignore",
      ".env.example",
      "src/PKG/main.py",
      "src/PKG/settings.py",
      "src/PKG/database.py",
      "src/PKG/models.py",
      "src/PKG/security.py",
      "src/PKG/routers/health.py",
      "src/PKG/routers/items.py",
      "src/PKG/routers/auth.py",
      "tests/conftest.py",
    ],
    absent: [],
    verbatim: {},
    tests: ["tests/test_health.py", "tests/test_items.py", "tests/test_auth.py"],
    dependencies: [
      "fastapi",
      "uvicorn",
      "pydantic-settings",
      "sqlalchemy",
      "aiosqlite",
      "pyjwt",
      "pwdlib",
      "python-multipart",
    ],
    dev: ["pytest", "httpx"],
  },
  {
    template: "flask",
    present: [
      ".flaskenv",
      "src/PKG/__init__.py",
      "src/PKG/config.py",
      "src/PKG/extensions.py",
      "src/PKG/models.py",
      "src/PKG/main/routes.py",
      "src/PKG/api/routes.py",
      "src/PKG/static/style.css",
      "migrations/alembic.ini",
      "migrations/env.py",
      "migrations/versions/7778acaca680_create_items_table.py",
    ],
    absent: ["Dockerfile", ".dockerignore"],
    verbatim: {
      "src/PKG/templates/base.html": `${SRC}/templates/base.html`,
      "src/PKG/templates/index.html": `${SRC}/templates/index.html`,
      "src/PKG/templates/items/detail.html": `${SRC}/templates/items/detail.html`,
      "migrations/script.py.mako": "migrations/script.py.mako",
      "migrations/alembic.ini": "migrations/alembic.ini",
    },
    tests: ["tests/test_api.py", "tests/test_pages.py", "tests/test_migrations.py"],
    dependencies: ["flask", "flask-sqlalchemy", "flask-migrate", "python-dotenv"],
    dev: ["pytest"],
  },
  {
    template: "django",
    flags: ["--docker"],
    present: [
      "Dockerfile",
      "manage.py",
      "src/PKG/settings.py",
      "src/PKG/urls.py",
      "src/PKG/wsgi.py",
      "src/PKG/asgi.py",
      "src/PKG/items/models.py",
      "src/PKG/items/admin.py",
      "src/PKG/items/views.py",
      "src/PKG/items/urls.py",
      "src/PKG/items/migrations/0001_initial.py",
    ],
    absent: [],
    verbatim: {
      "src/PKG/templates/base.html": `${SRC}/templates/base.html`,
      "src/PKG/items/templates/items/item_list.html": `${SRC}/items/templates/items/item_list.html`,
      "src/PKG/items/templates/items/item_detail.html":
        `${SRC}/items/templates/items/item_detail.html`,
    },
    tests: ["tests/test_items.py", "tests/test_admin.py", "tests/test_migrations.py"],
    dependencies: ["django"],
    dev: ["pytest", "pytest-django"],
  },
  {
    template: "web",
    framework: "fastapi",
    present: ["src/PKG/api.py", "src/PKG/config.py", "src/PKG/store.py"],
    absent: [
      "Dockerfile",
      "src/PKG/app.py",
      "src/PKG/templates/index.html",
      "tests/test_app.py",
      "manage.py",
      "src/PKG/settings.py",
      "src/PKG/items/models.py",
      "tests/test_views.py",
    ],
    verbatim: {},
    tests: ["tests/test_api.py", "tests/test_store.py"],
    dependencies: ["fastapi", "uvicorn"],
    dev: ["pytest", "httpx"],
  },
  {
    template: "web",
    framework: "flask",
    flags: ["--docker"],
    present: ["Dockerfile", "src/PKG/app.py", "src/PKG/config.py", "src/PKG/store.py"],
    absent: [
      "src/PKG/api.py",
      "tests/test_api.py",
      "manage.py",
      "src/PKG/settings.py",
      "src/PKG/items/models.py",
      "tests/test_views.py",
    ],
    verbatim: { "src/PKG/templates/index.html": `${SRC}/templates/index.html` },
    tests: ["tests/test_app.py", "tests/test_store.py"],
    dependencies: ["flask"],
    dev: ["pytest"],
  },
  {
    template: "web",
    framework: "django",
    present: [
      "manage.py",
      "src/PKG/settings.py",
      "src/PKG/urls.py",
      "src/PKG/items/models.py",
      "src/PKG/items/admin.py",
      "src/PKG/items/migrations/0001_initial.py",
    ],
    absent: [
      "Dockerfile",
      "src/PKG/api.py",
      "src/PKG/app.py",
      "src/PKG/config.py",
      "src/PKG/store.py",
      "src/PKG/templates/index.html",
      "tests/test_api.py",
      "tests/test_app.py",
      "tests/test_store.py",
    ],
    verbatim: {
      "src/PKG/items/templates/items/index.html": `${SRC}/items/templates/items/index.html`,
    },
    tests: ["tests/test_views.py"],
    dependencies: ["django"],
    dev: ["pytest", "pytest-django"],
  },
];

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await walk(path));
    else out.push(path);
  }
  return out.sort();
}

/** The names of a PEP 508 requirement list (the part before a specifier, extra or marker). */
function names(requirements: unknown): string[] {
  assert(Array.isArray(requirements), `not a list: ${JSON.stringify(requirements)}`);
  return requirements.map((r) => String(r).split(/[\s<>=!~;\[]/)[0]!.toLowerCase());
}

async function renderCase(ctx: TestContext, c: Case, project: string, pkg: string) {
  const args = [
    "create-from-template",
    c.template,
    project,
    "--no-env",
    "--author",
    "Ada Lovelace",
    "--email",
    "ada@example.com",
    "--python-version",
    "3.9",
    "--description",
    "Generated by the templates_web test",
    ...(c.framework === undefined ? [] : ["--framework", c.framework]),
    ...(c.flags ?? []),
  ];
  assertOk(await ctx.run(args), `${c.template} ${c.framework ?? ""}`);
  const dir = join(ctx.work, project);
  const files = (await walk(dir)).map((f) => relative(dir, f));
  const rel = (p: string) => p.replace("PKG", pkg);
  return { dir, files, rel };
}

for (const c of CASES) {
  const label = c.framework === undefined ? c.template : `${c.template} --framework ${c.framework}`;
  Deno.test(`templates web: ${label} renders a complete, valid, compilable project`, async () => {
    await using ctx = await createTestContext([]);
    const project = "Shop.Front";
    const pkg = "shop_front";
    const { dir, files, rel } = await renderCase(ctx, c, project, pkg);

    const expected = [
      "README.md",
      ".gitignore",
      "pyproject.toml",
      "src/PKG/__init__.py",
      ...c.present,
      ...c.tests,
      ...Object.keys(c.verbatim),
    ];
    for (const path of expected) {
      assert(files.includes(rel(path)), `${rel(path)} missing: ${files}`);
    }
    for (const path of c.absent) assert(!files.includes(rel(path)), `${rel(path)} written`);
    assert(!files.some((f) => f.includes("{") || f.includes("}")), `unrendered path: ${files}`);

    // Verbatim files are their sources, byte for byte; every other file is rendered.
    const verbatimOut = new Set(Object.keys(c.verbatim).map(rel));
    for (const [out, source] of Object.entries(c.verbatim)) {
      const want = await Deno.readFile(join(PROJECTS, c.template, "files", source));
      assertEquals(await Deno.readFile(join(dir, rel(out))), want, out);
    }
    for (const file of files) {
      if (verbatimOut.has(file)) continue;
      const text = await Deno.readTextFile(join(dir, file));
      for (const leak of ["{{", "{%", "%}", "}}"]) {
        assert(!text.includes(leak), `${file} contains ${leak}`);
      }
    }

    // The names and variables went where they belong.
    const pyproject = await Deno.readTextFile(join(dir, "pyproject.toml"));
    const { parse } = await import("smol-toml");
    const doc = parse(pyproject) as {
      project: Record<string, unknown>;
      "dependency-groups": Record<string, unknown>;
      "build-system": Record<string, unknown>;
      tool: { hatch: { build: { targets: { wheel: { packages: string[] } } } } };
    };
    assertEquals(doc.project.name, project);
    assertEquals(doc.project["requires-python"], ">=3.9");
    assertEquals(JSON.parse(JSON.stringify(doc.project.authors)), [
      { name: "Ada Lovelace", email: "ada@example.com" },
    ]);
    assertEquals(doc.project.description, "Generated by the templates_web test");
    assertEquals(doc.tool.hatch.build.targets.wheel.packages, [`src/${pkg}`]);
    assertEquals(names(doc.project.dependencies).sort(), [...c.dependencies].sort());
    assertEquals(names(doc["dependency-groups"].dev).sort(), [...c.dev].sort());
    assertStringIncludes(await Deno.readTextFile(join(dir, "README.md")), `# ${project}`);
    const init = await Deno.readTextFile(join(dir, "src", pkg, "__init__.py"));
    assertStringIncludes(init, '__version__ = "0.1.0"');

    // `gestvenv validate`: no error, no warning.
    const validated = await ctx.run(["validate", join(dir, "pyproject.toml")]);
    assertOk(validated, "validate");
    assertStringIncludes(validated.stderr, "0 error(s), 0 warning(s)");

    // Every .py compiles (python3 -m py_compile exits non-zero on the first syntax error).
    const python = files.filter((f) => f.endsWith(".py"));
    assert(python.length >= 5, `${python}`);
    const compiled = await ctx.exec("python3", [
      "-m",
      "py_compile",
      ...python.map((f) => join(dir, f)),
    ]);
    assertOk(compiled, "py_compile");
  });
}

Deno.test("templates web: the Dockerfile follows --docker and uses the Python version", async () => {
  await using ctx = await createTestContext([]);
  for (const template of ["fastapi", "flask", "django", "web"]) {
    const withDocker = `${template}-docker`;
    assertOk(
      await ctx.run([
        "create-from-template",
        template,
        withDocker,
        "--no-env",
        "--docker",
        "--python-version",
        "3.12",
      ]),
    );
    const dockerfile = await Deno.readTextFile(join(ctx.work, withDocker, "Dockerfile"));
    assertStringIncludes(dockerfile, "FROM python:3.12-slim");
    assertStringIncludes(dockerfile, template.replace("-", "_") + "_docker");
    const readme = await Deno.readTextFile(join(ctx.work, withDocker, "README.md"));
    assertStringIncludes(readme, "## Docker");

    const without = `${template}-plain`;
    assertOk(await ctx.run(["create-from-template", template, without, "--no-env"]));
    const plain = await walk(join(ctx.work, without));
    assert(!plain.some((f) => f.endsWith("Dockerfile") || f.endsWith(".dockerignore")), template);
    assert(!(await Deno.readTextFile(join(ctx.work, without, "README.md"))).includes("Docker"));
  }
});

Deno.test("templates web: web refuses an unknown --framework and writes nothing", async () => {
  await using ctx = await createTestContext([]);
  const result = await ctx.run(["create-from-template", "web", "app", "--framework", "rails"]);
  assertEquals(result.code, 2, result.stderr);
  assertStringIncludes(result.stderr, "rails");
  assertEquals(await walk(ctx.work), []);

  const viaVar = await ctx.run([
    "create-from-template",
    "web",
    "app",
    "--no-env",
    "--var",
    "framework=pyramid",
  ]);
  assertEquals(viaVar.code, 2, viaVar.stderr);
  assertStringIncludes(viaVar.stderr, "pyramid");
  assertEquals(await walk(ctx.work), []);
});

Deno.test("templates web: web defaults to fastapi; template info lists the framework choices", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["create-from-template", "web", "default-app", "--no-env"]));
  const files = (await walk(join(ctx.work, "default-app"))).map((f) => relative(ctx.work, f));
  assert(files.includes("default-app/src/default_app/api.py"), `${files}`);
  assert(!files.includes("default-app/manage.py"));

  const info = await ctx.run(["template", "info", "web"]);
  assertOk(info);
  for (const choice of ["fastapi", "flask", "django"]) assertStringIncludes(info.stdout, choice);
  const list = await ctx.run(["template", "list", "--json"]);
  assertOk(list);
  for (const name of ["web", "fastapi", "flask", "django"]) {
    assertStringIncludes(list.stdout, `"${name}"`);
  }
});

/** Whether the machine's python3 has pytest (to run the part of a suite that needs no framework). */
const hasPytest = await new Deno.Command("python3", {
  args: ["-c", "import pytest"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success, () => false);

Deno.test({
  name: "templates web: web's store tests (standard library only) pass with the machine's pytest",
  ignore: !hasPytest,
  async fn() {
    await using ctx = await createTestContext([]);
    for (const framework of ["fastapi", "flask"]) {
      const name = `store-${framework}`;
      assertOk(
        await ctx.run(["create-from-template", "web", name, "--no-env", "--framework", framework]),
      );
      const project = join(ctx.work, name);
      const out = await new Deno.Command("python3", {
        args: ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_store.py"],
        cwd: project,
        env: { PYTHONDONTWRITEBYTECODE: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assertEquals(out.code, 0, text + new TextDecoder().decode(out.stderr));
      assertStringIncludes(text, "3 passed");
    }
  },
});
