import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { InvalidSyntaxError, OperationError } from "../errors/mod.ts";
import {
  checkRequirementText,
  checkRequirementTexts,
  dropRequirements,
  looksLikePathOrUrl,
  mergeRequirements,
  requestedInFiles,
  requestedProjectNames,
  requirementProject,
} from "./requirements_text.ts";

Deno.test("requestedInFiles() records the PEP 508 lines of a file and of its -r includes, as written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/top.txt`,
      "# c\n--index-url https://x\nflask>=3  # web\n\nrequests[socks] \\\n  ==2.32\n" +
        "-r more/inner.txt\n-c pins.txt\n-e ./here\n./dist/local_pkg-1.0-py3-none-any.whl\n" +
        "hashed==1.0 --hash=sha256:abcd\n",
    );
    await Deno.mkdir(`${dir}/more`);
    await Deno.writeTextFile(
      `${dir}/more/inner.txt`,
      "Included_Pkg[extra]>=2 ; python_version >= '3.8'\nprivate @ https://${TOKEN}@h/p.whl\n",
    );
    await Deno.writeTextFile(`${dir}/pins.txt`, "flask==3.0.0\n");
    const recorded = await requestedInFiles([`${dir}/top.txt`]);
    assertEquals(recorded, [
      "flask>=3",
      "requests[socks]   ==2.32",
      "Included_Pkg[extra]>=2 ; python_version >= '3.8'",
      // Variables stay unexpanded: a token is never copied into the registry.
      "private @ https://${TOKEN}@h/p.whl",
      "hashed==1.0",
    ]);
    assertEquals(await requestedProjectNames(["Six>=1"], [`${dir}/top.txt`]), [
      "six",
      "flask",
      "requests",
      "included-pkg",
      "private",
      "hashed",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("requirementProject() names a requirement with the PEP 508 parser, nothing else", () => {
  assertEquals(
    requirementProject("Flask_SQLAlchemy[x] (>=3) ; os_name == 'posix'"),
    "flask-sqlalchemy",
  );
  assertEquals(requirementProject("pkg @ https://h/pkg-1.0-py3-none-any.whl"), "pkg");
  for (const text of ["-e ./here", "./dist/x-1.0-py3-none-any.whl", "https://h/x.tar.gz", "a b"]) {
    assertEquals(requirementProject(text), undefined, text);
  }
});

Deno.test("mergeRequirements() replaces by PEP 503 name and appends new ones", () => {
  assertEquals(mergeRequirements(["Flask==2", "six"], ["flask>=3", "idna"]), [
    "flask>=3",
    "six",
    "idna",
  ]);
  assertEquals(dropRequirements(["Flask==2", "six", "-e /x"], ["flask"]), ["six", "-e /x"]);
});

Deno.test("checkRequirementText() names the column of the first error and suggests a fix", () => {
  const cases: Array<[string, number, string | undefined]> = [
    ["requests>>2", 10, "Did you mean `requests>2`?"],
    ["requests=2", 9, "Did you mean `requests==2`?"],
    ["requests=>2", 9, "Did you mean `requests>=2`?"],
    ["django>=4,<<5", 12, "Did you mean `django>=4,<5`?"],
    ["requests==2,", 13, "Did you mean `requests==2`?"],
    ["requests 2.0", 10, "Did you mean `requests==2.0`?"],
    ["requests>=2 python_version<'3'", 13, "Did you mean `requests>=2; python_version<'3'`?"],
    ["flask,requests", 6, "Give one requirement per argument: `flask` `requests`"],
    ["requests==2.x", 11, undefined],
    ["requests[socks", 15, undefined],
    ["pkg>=1 ; os_name ==", 20, undefined],
    ["ünï", 1, undefined],
  ];
  for (const [text, column, hint] of cases) {
    let error: unknown;
    try {
      checkRequirementText(text);
    } catch (e) {
      error = e;
    }
    assert(error instanceof InvalidSyntaxError, `${text} is rejected`);
    assertStringIncludes(error.message, `command line: invalid requirement \`${text}\``);
    assertStringIncludes(error.message, ` at column ${column}:`, text);
    assertEquals(error.exitCode, 2);
    assertEquals(error.details, `${text}\n${" ".repeat(column - 1)}^`);
    if (hint !== undefined) assertEquals(error.hint, hint, text);
    else assert(error.hint !== undefined && !error.hint.startsWith("Did you mean"), text);
  }
  assertEquals(checkRequirementText("requests[socks]>=2; python_version>'3'")?.name, "requests");
  assertEquals(
    checkRequirementText("pkg @ https://h/pkg-1.0-py3-none-any.whl")?.url !== null,
    true,
  );
});

Deno.test("looksLikePathOrUrl() follows pip: paths, URLs and archives are not PEP 508", () => {
  for (
    const path of [
      "./dist/x.whl",
      "x-1.0-py3-none-any.whl",
      "../proj",
      "/abs/dir",
      "https://h/x.tar.gz",
      "git+https://h/r.git",
      "sub/dir",
    ]
  ) {
    assert(looksLikePathOrUrl(path), path);
    assertEquals(checkRequirementText(path), undefined);
  }
  for (const req of ["requests", "pkg @ https://h/x.whl", "a[b]>=1", "zope.interface"]) {
    assert(!looksLikePathOrUrl(req), req);
  }
});

Deno.test("checkRequirementTexts() reads files with their includes and names file:line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/inner.txt`, "ok-pkg\n\nbad \\\n  =>1  # typo\n");
    await Deno.writeTextFile(`${dir}/outer.txt`, "# top\nflask>=3\n-r inner.txt\n");
    await Deno.writeTextFile(`${dir}/good.txt`, "flask>=3 --hash=sha256:abcd\n-e ./here\n");
    await checkRequirementTexts(["flask"], [`${dir}/good.txt`]);
    const error = await assertRejects(
      () => checkRequirementTexts([], [`${dir}/outer.txt`]),
      InvalidSyntaxError,
      `${dir}/inner.txt:3: invalid requirement \`bad   =>1\` at column 7`,
    );
    assertEquals((error as InvalidSyntaxError).hint, "Did you mean `bad   >=1`?");
    await Deno.writeTextFile(`${dir}/opt.txt`, "--no-such-option\n");
    const option = await assertRejects(
      () => checkRequirementTexts([], [`${dir}/opt.txt`]),
      InvalidSyntaxError,
      "opt.txt:1: unsupported option `--no-such-option`",
    );
    assertStringIncludes((option as InvalidSyntaxError).hint ?? "", "Requirements File Format");
    await assertRejects(() => checkRequirementTexts([], [`${dir}/none.txt`]), OperationError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
