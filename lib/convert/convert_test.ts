import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError, InvalidSyntaxError, UsageError } from "../errors/mod.ts";
import { mergeProject, parsePyproject, validatePyproject } from "../pyproject/mod.ts";
import { conversionKind, convertFile } from "./convert_file.ts";
import { convertPipfile } from "./from_pipfile.ts";
import { convertRequirements, requirementsProjectDir } from "./from_requirements.ts";
import { convertSetupCfg } from "./from_setup_cfg.ts";
import type { Conversion } from "./conversion.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "gv-convert-" }));
  for (const [path, text] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  return dir;
}

/** The pyproject.toml a conversion makes as a new file (defaults included). */
function newFile(c: Conversion): string {
  return mergeProject("", {
    ...c.data,
    project: { ...c.projectDefaults, ...c.data.project },
  }).text;
}

/** The file passes `gestvenv validate` (no errors) and our reader. */
function assertValid(text: string): void {
  const report = validatePyproject(text);
  const errors = report.diagnostics.filter((d) => d.severity === "error");
  assertEquals(errors, [], text);
  parsePyproject(text, "/p/pyproject.toml");
}

Deno.test("requirements: lines, markers and URLs become [project] dependencies; -r is inlined", async () => {
  const dir = await tree({
    "app/requirements.txt": [
      "# main",
      "--index-url https://example.org/simple",
      "--extra-index-url https://extra.example.org/simple",
      "--find-links ./wheels",
      "requests[socks]>=2.31  # pinned",
      'tomli>=2; python_version < "3.11"',
      "-r base.txt",
      "pkg @ https://example.org/pkg-1.0.tar.gz",
    ].join("\n"),
    "app/base.txt": "idna>=3\nrequests>=2\n",
  });
  const c = await convertRequirements(`${dir}/app/requirements.txt`);
  assertEquals(c.data.project?.dependencies, [
    "requests[socks]>=2.31",
    'tomli>=2; python_version < "3.11"',
    "idna>=3",
    "requests>=2",
    "pkg @ https://example.org/pkg-1.0.tar.gz",
  ]);
  assertEquals(c.data.tool?.gestvenv, {
    index_url: "https://example.org/simple",
    extra_index_urls: ["https://extra.example.org/simple"],
    find_links: ["./wheels"],
  });
  assertEquals(c.projectDefaults, { name: "app", version: "0.1.0" });
  assertEquals(c.warnings, []);
  assertValid(newFile(c));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("requirements --detect-groups: group files, include-group, the main file not repeated", async () => {
  const dir = await tree({
    "requirements.txt": "flask>=3\n",
    "requirements-test.txt": "-r requirements.txt\npytest>=8\n",
    "requirements-dev.txt": "-r requirements-test.txt\n-r tools.txt\nruff\n",
    "tools.txt": "mypy\n",
    "requirements/docs.txt": "sphinx\n",
    "constraints.txt": "flask<4\n",
  });
  const c = await convertRequirements(`${dir}/requirements.txt`, { detectGroups: true });
  assertEquals(c.data.project?.dependencies, ["flask>=3"]);
  assertEquals(c.data["dependency-groups"], {
    dev: [{ "include-group": "test" }, "mypy", "ruff"],
    test: ["pytest>=8"],
    docs: ["sphinx"],
  });
  assert(c.warnings.some((w) => w.includes("names the project's own dependencies")));
  assertValid(newFile(c));
  // Without --detect-groups the group files are left alone.
  const plain = await convertRequirements(`${dir}/requirements.txt`);
  assertEquals(plain.data["dependency-groups"], undefined);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("requirements in a requirements/ directory: the siblings are groups", async () => {
  const dir = await tree({
    "requirements/base.txt": "attrs\n",
    "requirements/dev.txt": "-r base.txt\n-r test.txt\nipython\n",
    "requirements/test.txt": "-r base.txt\npytest\n",
  });
  const c = await convertRequirements(`${dir}/requirements/base.txt`, { detectGroups: true });
  assertEquals(c.data.project?.dependencies, ["attrs"]);
  // The project is the directory above `requirements/`.
  assertEquals(c.projectDefaults.name, dir.split("/").pop());
  assertEquals(requirementsProjectDir(`${dir}/requirements/base.txt`), dir);
  assertEquals(requirementsProjectDir(`${dir}/requirements.txt`), dir);
  assertEquals(c.data["dependency-groups"], {
    dev: [{ "include-group": "test" }, "ipython"],
    test: ["pytest"],
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("requirements: an include cycle is refused with the cycle named", async () => {
  const dir = await tree({
    "requirements.txt": "-r a.txt\nx\n",
    "a.txt": "-r b.txt\n",
    "b.txt": "-r a.txt\n",
  });
  const error = await assertRejects(
    () => convertRequirements(`${dir}/requirements.txt`),
    ConfigError,
  );
  assertEquals(error.message, "Requirements files include each other: a.txt -> b.txt -> a.txt");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("requirements: constraints, hashes, -e, --pre and --no-index are warnings", async () => {
  const dir = await tree({
    "requirements.txt": [
      "-c constraints.txt",
      "--pre",
      "--no-index",
      "-e .",
      "-e ./libs/helper",
      "six==1.16.0 --hash=sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926",
    ].join("\n"),
    "constraints.txt": "six<2\n",
    "libs/helper/setup.py": "",
  });
  const c = await convertRequirements(`${dir}/requirements.txt`);
  assertEquals(c.data.project?.dependencies, [`helper @ file://${dir}/libs/helper`, "six==1.16.0"]);
  const text = c.warnings.join("\n");
  for (
    const part of [
      "constraints of `-c constraints.txt` (1 line)",
      "--pre",
      "--no-index",
      "is the project itself",
      "cannot be editable",
      "--hash values",
    ]
  ) {
    assert(text.includes(part), `no warning about ${part}:\n${text}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("requirements: a bad line is named by file and line", async () => {
  const dir = await tree({ "requirements.txt": "ok\nnot a requirement!!\n" });
  const error = await assertRejects(
    () => convertRequirements(`${dir}/requirements.txt`),
    InvalidSyntaxError,
  );
  assert(
    error.message.includes("requirements.txt:2") || String(error).includes(":2"),
    error.message,
  );
  await assertRejects(() => convertRequirements(`${dir}/missing.txt`), ConfigError);
  await Deno.remove(dir, { recursive: true });
});

const PIPFILE = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[[source]]
url = "https://private.example.org/simple"
verify_ssl = false
name = "private"

[packages]
requests = "*"
flask = ">=3.0"
numpy = "1.26.4"
rich = {version = ">=13", extras = ["jupyter"]}
pywin32 = {version = "*", sys_platform = "== 'win32'"}
tomli = {version = ">=2", markers = "python_version < '3.11'"}
inhouse = {version = "*", index = "private"}
lib = {git = "https://github.com/org/lib.git", ref = "v1.2"}
local = {path = "./vendor/local", editable = true}
me = {path = ".", editable = true}

[dev-packages]
pytest = ">=8"

[docs]
sphinx = "*"

[requires]
python_version = "3.11"

[scripts]
test = "pytest -q"
serve = "flask run"

[pipenv]
allow_prereleases = true
`;

Deno.test("Pipfile: packages, dev-packages, categories, requires, sources, scripts", () => {
  const c = convertPipfile("/src/proj/Pipfile", PIPFILE, { preserveScripts: true });
  assertEquals(c.data.project, {
    "requires-python": ">=3.11",
    dependencies: [
      "requests",
      "flask>=3.0",
      "numpy==1.26.4",
      "rich[jupyter]>=13",
      "pywin32; sys_platform == 'win32'",
      "tomli>=2; python_version < '3.11'",
      "inhouse",
      "lib @ git+https://github.com/org/lib.git@v1.2",
      "local @ file:///src/proj/vendor/local",
    ],
  });
  assertEquals(c.data["dependency-groups"], { dev: ["pytest>=8"], docs: ["sphinx"] });
  assertEquals(c.data.tool?.gestvenv, {
    index_url: "https://pypi.org/simple",
    extra_index_urls: ["https://private.example.org/simple"],
    python_version: "3.11",
    scripts: { test: "pytest -q", serve: "flask run" },
  });
  const text = c.warnings.join("\n");
  for (
    const part of [
      "verify_ssl = false",
      "pinned to index `private`",
      "is the project itself",
      "editable = true",
      "[pipenv]",
      "[docs] (a pipenv package category)",
    ]
  ) {
    assert(text.includes(part), `no warning about ${part}:\n${text}`);
  }
  assertValid(newFile(c));
  // Without --preserve-scripts the scripts are a warning, never dropped silently.
  const noScripts = convertPipfile("/src/proj/Pipfile", PIPFILE);
  assertEquals((noScripts.data.tool?.gestvenv as Record<string, unknown>).scripts, undefined);
  assert(noScripts.warnings.some((w) => w.includes("--preserve-scripts")));
});

Deno.test("Pipfile: only PyPI as source writes no index settings", () => {
  const c = convertPipfile(
    "/p/Pipfile",
    '[[source]]\nurl = "https://pypi.org/simple"\nname = "pypi"\n\n[packages]\nsix = "*"\n',
  );
  assertEquals(c.data.tool, undefined);
  assertEquals(c.data.project?.dependencies, ["six"]);
});

Deno.test("Pipfile: not TOML, or malformed entries, is a ConfigError", () => {
  const e = assertThrows(
    () => convertPipfile("/p/Pipfile", "[packages\nrequests = *\n"),
    ConfigError,
  );
  assert(e.message.startsWith("/p/Pipfile is not a valid Pipfile (TOML):"), e.message);
  assertThrows(() => convertPipfile("/p/Pipfile", "[packages]\nx = 3\n"), ConfigError);
  assertThrows(() => convertPipfile("/p/Pipfile", '[packages]\nx = ">>1"\n'), ConfigError);
  assertThrows(() => convertPipfile("/p/Pipfile", '[packages]\nx = {extras = "a"}\n'), ConfigError);
  assertThrows(
    () =>
      convertPipfile(
        "/p/Pipfile",
        '[packages]\nx = {version = "*", markers = "python_version <"}\n',
      ),
    ConfigError,
  );
  assertThrows(() => convertPipfile("/p/Pipfile", "source = 3\n"), ConfigError);
});

const SETUP_CFG = `[metadata]
name = demo-tool
version = 1.2.0
description = A demo tool
long_description = file: README.md
long_description_content_type = text/markdown
author = Ada Lovelace
author_email = ada@example.org
license = MIT
license_files = LICENSE
url = https://example.org/demo
project_urls =
    Source = https://example.org/demo/src
classifiers =
    Programming Language :: Python :: 3
    License :: OSI Approved :: MIT License
keywords = demo, tool

[options]
packages = find:
package_dir =
    = src
python_requires = >=3.9
install_requires =
    click>=8
    tomli; python_version < "3.11"

[options.packages.find]
where = src

[options.extras_require]
yaml = pyyaml>=6

[options.entry_points]
console_scripts =
    demo = demo_tool.cli:main
demo.plugins =
    basic = demo_tool.plugins:basic

[flake8]
max-line-length = 100
`;

Deno.test("setup.cfg: [metadata] and [options] become PEP 621 and [tool.setuptools]", () => {
  const c = convertSetupCfg("/src/demo/setup.cfg", SETUP_CFG);
  assertEquals(c.data.project, {
    name: "demo-tool",
    version: "1.2.0",
    description: "A demo tool",
    readme: { file: "README.md", "content-type": "text/markdown" },
    authors: [{ name: "Ada Lovelace", email: "ada@example.org" }],
    license: "MIT",
    "license-files": ["LICENSE"],
    urls: { Homepage: "https://example.org/demo", Source: "https://example.org/demo/src" },
    classifiers: ["Programming Language :: Python :: 3"],
    keywords: ["demo", "tool"],
    "requires-python": ">=3.9",
    dependencies: ["click>=8", 'tomli; python_version < "3.11"'],
    "optional-dependencies": { yaml: ["pyyaml>=6"] },
    scripts: { demo: "demo_tool.cli:main" },
    "entry-points": { "demo.plugins": { basic: "demo_tool.plugins:basic" } },
  });
  assertEquals(c.data.tool?.setuptools, {
    packages: { find: { where: ["src"] } },
    "package-dir": { "": "src" },
  });
  assertEquals(c.data["build-system"], {
    requires: ["setuptools>=61"],
    "build-backend": "setuptools.build_meta",
  });
  assertEquals(c.warnings, [
    "License classifiers (License :: OSI Approved :: MIT License) removed: PEP 639 forbids them " +
    "beside the license expression `MIT`",
    "[flake8] stay in setup.cfg (tool settings are not converted)",
  ]);
  assertValid(newFile(c));
});

Deno.test("setup.cfg: attr: versions are dynamic; a non-SPDX license is the {text} form", () => {
  const c = convertSetupCfg(
    "/p/setup.cfg",
    "[metadata]\nname = x\nversion = attr: x.__version__\nlicense = Proprietary stuff\n[options]\nzip_safe = False\nscripts = bin/x\n",
  );
  assertEquals(c.data.project?.dynamic, ["version"]);
  assertEquals(c.data.project?.license, { text: "Proprietary stuff" });
  assertEquals(c.data.tool?.setuptools, {
    "zip-safe": false,
    dynamic: { version: { attr: "x.__version__" } },
  });
  assert(c.warnings.some((w) => w.includes("[options] scripts is not carried over")));
  assert(c.warnings.some((w) => w.includes("not an SPDX expression")));
  assertValid(newFile(c));
});

Deno.test("setup.cfg: %(interpolation)s is expanded as configparser does; bad ones are errors", () => {
  const ok = convertSetupCfg(
    "/p/setup.cfg",
    "[DEFAULT]\nbase = https://example.org\n[metadata]\nname = x\nversion = 1.0\nurl = %(base)s/x\ndescription = 100%% tested\n",
  );
  assertEquals(ok.data.project?.urls, { Homepage: "https://example.org/x" });
  assertEquals(ok.data.project?.description, "100% tested");
  const missing = assertThrows(
    () => convertSetupCfg("/p/setup.cfg", "[metadata]\nname = x\nurl = %(nowhere)s/x\n"),
    ConfigError,
  );
  assert(missing.message.includes("/p/setup.cfg:3"), missing.message);
  assert(missing.message.includes("%(nowhere)s"), missing.message);
  const loop = assertThrows(
    () => convertSetupCfg("/p/setup.cfg", "[metadata]\nname = %(a)s\na = %(name)s\n"),
    ConfigError,
  );
  assert(loop.message.includes("deeper than 10"), loop.message);
  assertThrows(() => convertSetupCfg("/p/setup.cfg", "[metadata]\nname = 5% off\n"), ConfigError);
  assertThrows(() => convertSetupCfg("/p/setup.cfg", "name = x\n"), ConfigError);
  assertThrows(() => convertSetupCfg("/p/setup.cfg", "[flake8]\nx = 1\n"), ConfigError);
  assertThrows(
    () =>
      convertSetupCfg(
        "/p/setup.cfg",
        "[metadata]\nname=x\n[options]\ninstall_requires =\n  !!bad\n",
      ),
    ConfigError,
  );
});

Deno.test("convertFile tells the kind by the name", async () => {
  assertEquals(conversionKind("/p/Pipfile"), "pipfile");
  assertEquals(conversionKind("/p/setup.cfg"), "setup.cfg");
  assertEquals(conversionKind("/p/requirements-dev.txt"), "requirements");
  assertEquals(conversionKind("/p/reqs.in"), "requirements");
  assertThrows(() => conversionKind("/p/setup.py"), UsageError);
  const dir = await tree({ "Pipfile": '[packages]\nsix = "*"\n' });
  assertEquals((await convertFile(`${dir}/Pipfile`)).data.project?.dependencies, ["six"]);
  await assertRejects(() => convertFile(`${dir}/setup.cfg`), ConfigError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("requirements: ${VAR} in index URLs is never expanded into the file; unsupported options are warnings", async () => {
  const dir = await tree({
    "app/requirements/base.txt": [
      "--index-url https://user:${INDEX_TOKEN}@example.org/simple",
      "--extra-index-url https://example.org/extra",
      "--find-links ../wheels",
      "--trusted-host example.org",
      "--prefer-binary",
      "--require-hashes",
      "-r${SUB}.txt",
      "six",
    ].join("\n"),
    "app/requirements/common.txt": "idna\n",
  });
  const env = (name: string) =>
    ({ INDEX_TOKEN: "s3cret", SUB: "common" } as Record<string, string>)[name];
  const c = await convertRequirements(`${dir}/app/requirements/base.txt`, { env });
  assertEquals(c.data.project?.dependencies, ["idna", "six"]);
  assertEquals(c.data.tool?.gestvenv, {
    index_url: "https://user:${INDEX_TOKEN}@example.org/simple",
    extra_index_urls: ["https://example.org/extra"],
    find_links: ["./wheels"],
  });
  assert(!JSON.stringify(c).includes("s3cret"), JSON.stringify(c));
  const origin = `${dir}/app/requirements/base.txt`;
  assertEquals(c.warnings, [
    `${origin}:1: --index-url https://user:\${INDEX_TOKEN}@example.org/simple is copied as ` +
    "written: gestvenv does not expand `${…}` in [tool.gestvenv] (pip does in requirements " +
    "files); give the index with its credentials through pip's configuration or a keyring instead",
    `${origin}:4: --trusted-host example.org is not carried over (pyproject.toml and ` +
    "[tool.gestvenv] have no such setting)",
    `${origin}:5: --prefer-binary is not carried over (pyproject.toml and [tool.gestvenv] have ` +
    "no such setting)",
    `${origin}:6: --require-hashes is not carried over (pyproject.toml and [tool.gestvenv] have ` +
    "no such setting)",
  ]);
  // A missing include is a ConfigError naming the file.
  await Deno.writeTextFile(`${dir}/app/requirements/base.txt`, "-r missing.txt\n");
  await assertRejects(
    () => convertRequirements(`${dir}/app/requirements/base.txt`),
    ConfigError,
    "missing.txt",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setup.cfg: nested %(k)s references that grow exponentially fail fast with a ConfigError", () => {
  const lines = ["[metadata]", "name = demo", "k0 = xxxxxxxxxxxxxxxx"];
  for (let i = 1; i <= 10; i++) {
    lines.push(`k${i} = %(k${i - 1})s%(k${i - 1})s%(k${i - 1})s%(k${i - 1})s`);
  }
  lines.push("description = %(k10)s");
  const started = performance.now();
  assertThrows(
    () => convertSetupCfg("/p/setup.cfg", lines.join("\n")),
    ConfigError,
    "expand to more than 1048576 characters",
  );
  assert(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
  // Shared references are expanded once: 9 levels (4^9 * 16 = 4 MiB) would be refused, 6 pass.
  const ok = ["[metadata]", "name = demo", "version = 1", "k0 = x"];
  for (let i = 1; i <= 6; i++) ok.push(`k${i} = %(k${i - 1})s%(k${i - 1})s`);
  ok.push("description = %(k6)s");
  assertEquals(
    convertSetupCfg("/p/setup.cfg", ok.join("\n")).data.project?.description,
    "x".repeat(64),
  );
  assertThrows(
    () => convertSetupCfg("/p/setup.cfg", "[metadata]\nname = a\n#" + "x".repeat(1024 * 1024 + 1)),
    ConfigError,
    "larger than",
  );
});

Deno.test("Pipfile: [dev-packages] and [dev] merge into group dev; bad names and local files", () => {
  const c = convertPipfile(
    "/p/Pipfile",
    `[[source]]
name = "private"
url = "https://user:\${PIP_TOKEN}@example.org/simple"

[dev-packages]
pytest = "*"

[dev]
black = "*"
pytest = "*"

[packages]
local = {file = "./dist/local-1.0-py3-none-any.whl"}
`,
  );
  assertEquals(c.data["dependency-groups"], { dev: ["pytest", "black"] });
  assertEquals(c.data.project?.dependencies, ["local @ file:///p/dist/local-1.0-py3-none-any.whl"]);
  assertEquals(c.data.tool?.gestvenv, {
    index_url: "https://user:${PIP_TOKEN}@example.org/simple",
  });
  assert(
    c.warnings.some((w) =>
      w.includes("[dev] and [dev-packages] are both the dependency group `dev`: merged")
    ),
    c.warnings.join("\n"),
  );
  assert(
    c.warnings.some((w) => w.includes("gestvenv does not expand `${…}`")),
    c.warnings.join("\n"),
  );
  assert(
    c.warnings.some((w) => w.includes("the local file became the absolute URL")),
    c.warnings.join("\n"),
  );
  assertThrows(
    () => convertPipfile("/p/Pipfile", '["my tools"]\nblack = "*"\n'),
    ConfigError,
    "not a valid group name",
  );
  assertThrows(
    () => convertPipfile("/p/Pipfile", '[packages]\n"bad name!" = "*"\n'),
    ConfigError,
    "is not a valid project name",
  );
});

Deno.test("requirements --detect-groups: several files of one group are merged, with a warning", async () => {
  const dir = await tree({
    "app/requirements.txt": "six\n",
    "app/requirements-dev.txt": "pytest\n",
    "app/dev-requirements.txt": "black\n-r requirements-dev.txt\n",
    "app/requirements_dev.txt": "mypy\n",
    "app/requirements/dev.txt": "ruff\npytest\n",
  });
  const c = await convertRequirements(`${dir}/app/requirements.txt`, { detectGroups: true });
  assertEquals(c.data["dependency-groups"], { dev: ["black", "pytest", "mypy", "ruff"] });
  assert(
    c.warnings.some((w) => w.includes("are all the group `dev`: their requirements are merged")),
    c.warnings.join("\n"),
  );
  assertValid(newFile(c));
  await Deno.remove(dir, { recursive: true });
});
